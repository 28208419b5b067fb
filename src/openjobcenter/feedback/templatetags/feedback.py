"""``{% feedback_widget %}``: the one line the base layout carries. It renders nothing
where there is no job centre, the module is off, or the page has no pattern name."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

from openjobcenter.feedback import pages
from openjobcenter.feedback.apps import MODULE
from openjobcenter.feedback.models import COMMENT_MAX
from openjobcenter.tenants.modules import is_enabled

register = template.Library()


@functools.lru_cache(maxsize=512)
def _action(name: str, slug: str, urlconf: str | None, prefix: str) -> str:
    # Once per job centre, URL configuration and script prefix (what reverse depends on):
    # reversing on every page was an eighth of the widget's CPU on the start page.
    return reverse(name, kwargs={"jc": slug}, urlconf=urlconf)


def _forget_actions(**_kwargs: object) -> None:
    _action.cache_clear()  # a test's other URL configuration


setting_changed.connect(_forget_actions, dispatch_uid="openjobcenter.feedback.actions")


@register.inclusion_tag("feedback/_widget.html", takes_context=True)
def feedback_widget(context: Any) -> dict[str, Any]:
    request = context.get("request")
    jobcenter = context.get("jobcenter")
    if request is None or jobcenter is None or not is_enabled(jobcenter, MODULE):
        return {"show": False}
    if context.get("feedback_off"):
        return {"show": False}
    ref = pages.page_of(request, context)
    if (
        ref is None
        or ref.page.startswith("tenant:feedback")
        or ref.page.endswith(":feedback_submit")
    ):
        return {"show": False}
    staff = pages.is_staff_page(ref.page)
    if staff and not getattr(request, "staff_roles", None):
        return {"show": False}  # a staff error page seen by someone who is not staff
    name = "staff:feedback_submit" if staff else "tenant:feedback_submit"
    return {
        "show": True,
        "action": _action(name, jobcenter.slug, get_urlconf(), get_script_prefix()),
        "ref": ref,
        "next": request.get_full_path(),
        "staff": staff,
        "comment_max": COMMENT_MAX,
        "csrf_token": context.get("csrf_token"),
        # Its unchanging parts are kept per job centre and language ({% sharedpart %}).
        "jobcenter": jobcenter,
    }


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag
def page_title(page: str, form_key: str = "", step_key: str = "") -> str:
    """The page's human name (``feedback.titles``), e.g. "Antrag auf Bürgergeld – Bankverbindung"."""
    from openjobcenter.feedback.titles import page_title as title

    return title(page, form_key, step_key)

"""``{% bundid_login_option %}``: the "Mit BundID anmelden" box on the login page when
the job centre the page speaks for offers it."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from openjobcenter.accounts.branding import account_jobcenter
from openjobcenter.bundid.services import settings_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def bundid_login_option(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    jobcenter = account_jobcenter(request)
    if jobcenter is None or not settings_enabled(jobcenter):
        return mark_safe("")
    url = reverse("tenant:bundid_login", kwargs={"jc": jobcenter.slug})
    nxt = request.GET.get("next", "")
    if nxt.startswith(f"/{jobcenter.slug}/"):
        from urllib.parse import quote

        url += "?next=" + quote(nxt, safe="/")
    return mark_safe(
        render_to_string("bundid/_login_option.html", {"bundid_login_url": url}, request=request)
    )


@register.simple_tag(takes_context=True)
def bundid_home_card(context: dict[str, Any]) -> SafeString:
    """The card "Meine BundID" in the customer's "Mein Bereich" (the list "Alle Bereiche"),
    when the job centre offers the BundID login or the account is linked to a BundID."""
    from openjobcenter.bundid.models import BundIDIdentity

    request = context.get("request")
    jobcenter = context.get("jobcenter")
    user = getattr(request, "user", None)
    if request is None or jobcenter is None or user is None or not user.is_authenticated:
        return mark_safe("")
    linked = BundIDIdentity.objects.filter(jobcenter=jobcenter, user=user).exists()
    if not linked and not settings_enabled(jobcenter):
        return mark_safe("")
    return mark_safe(
        render_to_string(
            "bundid/_home_card.html",
            {"jobcenter": jobcenter, "linked": linked},
            request=request,
        )
    )

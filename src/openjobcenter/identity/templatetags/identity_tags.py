from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from openjobcenter.accounts import branding
from openjobcenter.identity import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_login_options(context: dict[str, Any]) -> list[Any]:
    """The login page's buttons for the job centre the person came from."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    jobcenter = getattr(request, "jobcenter", None) or branding.account_jobcenter(request)
    return selectors.login_options(jobcenter)

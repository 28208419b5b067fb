"""Panels other apps' pages include: who represents a customer (case view) and the
co-signing adults' states (staff's application page)."""

from __future__ import annotations

from typing import Any

from django import template

from openjobcenter.mandates.selectors import representation
from openjobcenter.mandates.selectors_cosign import cosignatures

register = template.Library()


@register.inclusion_tag("mandates/_representation.html", takes_context=True)
def representation_panel(context: Any, profile: Any) -> dict[str, Any]:
    return {
        "representation": representation(profile),
        "request": context.get("request"),
        "profile": profile,
    }


@register.inclusion_tag("mandates/_cosign_staff.html")
def cosign_panel(application: Any) -> dict[str, Any]:
    return {"cosign_rows": cosignatures(application)}


@register.inclusion_tag("mandates/_cosign_link.html")
def cosign_link(application: Any) -> dict[str, Any]:
    """The applicant's way to the co-signing page, where the household has other adults."""
    from openjobcenter.mandates.selectors_cosign import adults
    from openjobcenter.tenants.modules import is_enabled

    shown = is_enabled(application.jobcenter, "mandates") and bool(adults(application))
    return {"application": application, "shown": shown}


@register.inclusion_tag("mandates/_acting_switch.html", takes_context=True)
def acting_switch(context: Any) -> dict[str, Any]:
    """On "Mein Bereich": the switch to the people the customer acts for."""
    from openjobcenter.tenants.modules import is_enabled

    request = context.get("request")
    jobcenter = getattr(request, "jobcenter", None)
    shown = jobcenter is not None and is_enabled(jobcenter, "mandates")
    return {"shown": shown, "jobcenter": jobcenter}

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
    return {"representation": representation(profile), "request": context.get("request")}


@register.inclusion_tag("mandates/_cosign_staff.html")
def cosign_panel(application: Any) -> dict[str, Any]:
    return {"cosign_rows": cosignatures(application)}

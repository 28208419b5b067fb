"""Template helpers for the PDFs (``{% load pdf %}``): isolation with an explicit direction,
since WeasyPrint knows neither ``dir="auto"`` nor ``unicode-bidi: isolate``
(``web/pdf.py``)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from openjobcenter.web.pdf import direction_of

register = template.Library()


@register.filter
def bdi(value: object) -> SafeString:
    """A name, number, reference, IBAN or date, escaped and isolated in ``<bdi>`` with the
    direction of its first strong letter (digits alone: left to right), so it displays
    whole inside text of the other direction."""
    text = "" if value is None else value
    return format_html('<bdi dir="{}">{}</bdi>', direction_of(text), text)


@register.filter
def text_dir(value: object, default: str = "ltr") -> str:
    """``ltr``/``rtl`` for a block of text a person typed (a message, a reason); ``default``
    (the document's direction) when it has no letter."""
    return direction_of(value, "rtl" if default == "rtl" else "ltr")

"""Template helpers shared by all apps."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(value: object) -> str:
    """An amount (Decimal, number or "12.50" string) in the reader's locale, with €."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}\xa0€"

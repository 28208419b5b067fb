"""Template helpers shared by all apps."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


@register.filter
def isolated(value: object) -> SafeString:
    """Text a person typed (a name, a subject), escaped and isolated in ``<bdi>``: its own
    direction inside a translated sentence, so a Latin name stays whole in Farsi text and
    an Arabic name in German text (``{% blocktranslate with name=user.display_name|isolated %}``
    keeps the sentence's msgid)."""
    return format_html("<bdi>{}</bdi>", "" if value is None else value)

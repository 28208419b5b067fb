"""``{{ obj|translated:"name" }}``: a job centre's text in the page's language
(core/content_i18n.py), German where no translation exists."""

from __future__ import annotations

from typing import Any

from django import template

from openjobcenter.core.content_i18n import missing_languages
from openjobcenter.core.content_i18n import translated as translated_text

register = template.Library()


@register.filter
def translated(obj: Any, field: str) -> str:
    return translated_text(obj, field)


@register.filter
def untranslated(obj: Any, fields: str) -> list[str]:
    """``{% if topic|untranslated:"name,description" %}``: the offered languages lacking a
    translation of any of these fields (the staff's "Übersetzung fehlt" marker)."""
    missing = missing_languages(obj, tuple(f.strip() for f in fields.split(",") if f.strip()))
    return sorted({code for codes in missing.values() for code in codes})

"""``{{ obj|translated:"name" }}``: a job centre's text in the page's language
(core/content_i18n.py), German where no translation exists."""

from __future__ import annotations

from typing import Any

from django import template

from openjobcenter.core.content_i18n import translated as translated_text

register = template.Library()


@register.filter
def translated(obj: Any, field: str) -> str:
    return translated_text(obj, field)

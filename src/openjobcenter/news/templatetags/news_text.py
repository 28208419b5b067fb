from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from openjobcenter.news.text import render_text

register = template.Library()


@register.filter
def post_text(value: str) -> SafeString:
    """Plain text, escaped, with web links clickable."""
    return render_text(str(value))

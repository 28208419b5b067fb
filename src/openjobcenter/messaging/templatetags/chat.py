"""``chat_text``: a message as safe HTML: escaped, line breaks kept, and only http(s)
links made clickable (with rel="noopener noreferrer nofollow"). ``message_text``: what a
message says to its reader (a system notice worded in the active language)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from openjobcenter.messaging import notices
from openjobcenter.messaging.models import Message

register = template.Library()

URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}"


def linkify(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in URL.finditer(text):
        url = match.group(0)
        trail = ""
        while url and url[-1] in TRAILING:
            trail = url[-1] + trail
            url = url[:-1]
        out.append(escape(text[pos : match.start()]))
        out.append(
            f'<a href="{escape(url)}" rel="noopener noreferrer nofollow" target="_blank">{escape(url)}</a>'
        )
        out.append(escape(trail))
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


@register.filter
def chat_text(value: object) -> SafeString:
    return mark_safe(linkify(str(value or "")))


@register.filter
def message_text(message: Message) -> str:
    return notices.message_text(message)

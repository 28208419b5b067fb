"""Post text: plain text shown escaped, with web links made clickable; personal data in
incoming replies recognised (no markup is ever accepted from anyone)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def render_text(text: str) -> SafeString:
    """Escaped text with ``http(s)://`` links as anchors and line breaks kept. Everything
    else, ``<script>`` included, is shown as the characters typed."""
    out: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        out.append(escape(text[pos : match.start()]))
        url = escape(match.group(0))
        out.append(f'<a href="{url}" rel="nofollow noopener">{url}</a>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out).replace("\n", "<br>"))


def note_html(text: str, link: str = "") -> str:
    """The ``content`` of a Note: paragraphs of escaped text with links."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{render_text(p)}</p>" for p in paragraphs)
    if link:
        url = escape(link)
        body += f'<p><a href="{url}">{url}</a></p>'
    return body


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p") and self.parts:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: str, limit: int = 5000) -> str:
    """The words of remote HTML (a Note's content), without any markup."""
    parser = _Text()
    parser.feed(value[: limit * 4])
    parser.close()
    return html.unescape("".join(parser.parts)).strip()[:limit]


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?\b")),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")),
    ("phone", re.compile(r"(?<![\w@])(?:\+49|0049|0)[\s/-]?\d{2,5}[\s/-]?\d{3,}(?:[\s-]?\d+)*")),
    # Customer numbers (Kundennummer / BG-Nummer): "123A456789" or "12345BG0012345".
    ("customer_number", re.compile(r"\b\d{3}[A-Z]\d{6}\b|\b\d{5}BG\d{7}\b", re.IGNORECASE)),
)


def personal_data_kinds(text: str) -> list[str]:
    """Which kinds of obvious personal data ``text`` seems to hold (for a hint, not a
    guarantee)."""
    # A mention (@name@host) is an address of the fediverse, not an e-mail address.
    cleaned = re.sub(r"(?<!\w)@[\w.-]+@[\w.-]+", " ", text)
    return [kind for kind, pattern in _PATTERNS if pattern.search(cleaned)]

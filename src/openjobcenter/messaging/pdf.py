"""A conversation as a PDF/A-3b document with timestamps (proof of what was said when), in
the reader's language and direction (web/pdf.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from openjobcenter.messaging import selectors
from openjobcenter.web.pdf import language_direction, write_pdf

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.messaging.models import Conversation

MAX_MESSAGES = 5000


def conversation_html(conversation: Conversation, *, request: HttpRequest | None) -> str:
    rows = selectors.messages_after(conversation, 0, limit=MAX_MESSAGES)
    language = get_language() or "de"
    return render_to_string(
        "messaging/conversation_pdf.html",
        {
            "conversation": conversation,
            "rows": rows,
            "generated_at": timezone.now(),
            "pdf_lang": language,
            "pdf_dir": language_direction(language),
        },
        request=request,
    )


def conversation_pdf(conversation: Conversation, *, request: HttpRequest) -> bytes:
    return write_pdf(conversation_html(conversation, request=request))

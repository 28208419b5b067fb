"""A conversation as a PDF/A-3b document with timestamps (proof of what was said when)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from openjobcenter.messaging import selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.messaging.models import Conversation

MAX_MESSAGES = 5000


def conversation_pdf(conversation: Conversation, *, request: HttpRequest) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    rows = selectors.messages_after(conversation, 0, limit=MAX_MESSAGES)
    html = render_to_string(
        "messaging/conversation_pdf.html",
        {"conversation": conversation, "rows": rows, "generated_at": timezone.now()},
        request=request,
    )
    # No base_url: the document loads nothing from outside (everything is inline text).
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/a-3b"))

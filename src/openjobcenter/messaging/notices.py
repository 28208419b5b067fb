"""System notices in a conversation.

A notice is stored as its kind and facts (``Message.notice``, e.g. ``{"kind":
"attachment_refused", "reason": "blurred", "name": "mietvertrag.jpg"}``) and worded when
it is shown, in the reader's language: pages and the history API in the request's
language, WebSocket events in the socket user's. ``Message.body`` keeps the German
wording, the job centre's language and what the conversation PDF shows as proof.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from openjobcenter.messaging.models import Message

ATTACHMENT_REFUSED = "attachment_refused"


def notice_text(notice: Mapping[str, Any]) -> str:
    """The notice worded in the active language; "" for an unknown kind."""
    if notice.get("kind") == ATTACHMENT_REFUSED:
        from openjobcenter.documents.pipeline.base import message as reason_text

        return _(
            "Die Datei „%(name)s“ können wir nicht verwenden: %(reason)s "
            "Bitte schicken Sie sie neu."
        ) % {
            "name": str(notice.get("name") or _("Datei")),
            "reason": reason_text(str(notice.get("reason") or "processing_failed")),
        }
    return ""


def notice_text_in(notice: Mapping[str, Any], language: str) -> str:
    with translation.override(language):
        return notice_text(notice)


def message_text(message: Message) -> str:
    """What a message says to its reader: a notice worded in the active language."""
    if message.notice:
        return notice_text(message.notice) or message.body
    return message.body

"""System notices in a conversation (``messaging.notices``): ``notice_post`` stores and
delivers one like a message (``services_send``), and ``attachment_processed`` posts the
notice when the documents pipeline refused a chat photo."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from openjobcenter.core import fastsql
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.messaging import notices
from openjobcenter.messaging.models import AuthorSide, Conversation, Message
from openjobcenter.messaging.send_lock import lock_for_send
from openjobcenter.messaging.services_send import _deliver


def attachment_processed(document: Any) -> None:
    """A chat attachment left the documents pipeline (``documents.outcome_hooks``).

    The pipeline checks a chat photo in the background, after its message was stored.
    When it refused the photo (blurred, no page on it …), the conversation gets a notice
    saying why and asking for a new one, and the customer is notified (without content),
    so nobody waits for a proof that never arrives. Once per attachment.
    """
    if getattr(document, "source", "") != "chat" or getattr(document, "state", "") != "refused":
        return
    message = (
        Message.objects.select_related("conversation__customer__user", "conversation__jobcenter")
        .filter(document_id=document.pk, conversation__customer_id=document.customer_id)
        .first()
    )
    if message is None:
        return
    conversation = message.conversation
    with transaction.atomic():
        # Under the conversation's lock: two runs of the hook cannot both post.
        list(Conversation.objects.select_for_update().filter(pk=conversation.pk).values("pk"))
        if conversation.messages.filter(notice__message=message.pk).exists():
            return
        notice_post(
            conversation=conversation,
            notice={
                "kind": notices.ATTACHMENT_REFUSED,
                "reason": str(document.refusal_code or ""),
                "name": message.attachment_name,
                "message": message.pk,
            },
        )


@transaction.atomic
def notice_post(*, conversation: Conversation, notice: dict[str, Any]) -> Message:
    """A system notice in a conversation (``messaging.notices``): stored with its German
    wording, pushed after commit like any message, and the customer notified when it
    starts an unread stretch."""
    state = lock_for_send(conversation.pk, author_id=0, client_id="")
    message = Message(
        conversation=conversation,
        author=None,
        side=AuthorSide.SYSTEM,
        body=notices.notice_text_in(notice, settings.LANGUAGE_CODE),
        notice=notice,
    )
    fastsql.insert(message)
    values = {"last_message_at": message.created_at, "last_message_id": message.pk}
    fastsql.update(Conversation, conversation.pk, values)
    conversation.__dict__.update(values)
    queue_changed(jobcenter_id=conversation.jobcenter_id, module="messaging")
    audit(
        request=None,
        action=AuditAction.CREATE,
        object_type="chat_message",
        object_id=message.pk,
        jobcenter=conversation.jobcenter,
        subject=conversation.customer.user,
        detail=str(notice.get("kind", "")),
    )
    _deliver(conversation, message, state)
    return message

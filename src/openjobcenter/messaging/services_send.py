"""Sending messages (DESIGN §4.1): ``message_send`` and what it needs.

``message_send`` is the one way a message comes into being: it locks the conversation
row with one hand-written statement (``send_lock``), stores an
attachment first (through the documents pipeline or sealed at rest), applies the rate
limit, and after commit pushes the message through the Channels layer and asks
``notifications.notify`` to tell the recipient that something is waiting (never what).
System notices (``services_notices``) and the out-of-hours auto-reply go the same
way. ``MessagingError`` and the text limits live here too.
"""

from __future__ import annotations

import string
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core import fastsql
from openjobcenter.core.audit import acting_for, audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed
from openjobcenter.messaging import realtime
from openjobcenter.messaging.attachments import (
    AttachmentRefused,
    check_upload,
    documents_pipeline,
)
from openjobcenter.messaging.models import (
    AuthorSide,
    Conversation,
    ConversationStatus,
    Message,
)
from openjobcenter.messaging.selectors import chat_settings_of, in_office_hours
from openjobcenter.messaging.send_lock import (
    SendState,
    lock_for_send,
    pipelined,
    send_pipeline,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User


CLIENT_ID_MAX = 64


class MessagingError(Exception):
    """A request the rules refuse; ``message`` is shown to the person as it is."""

    def __init__(
        self, message: str, *, code: str = "invalid", field: str | None = None, retry_after: int = 0
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.retry_after = retry_after


# --- limits ------------------------------------------------------------------------------


def clean_body(body: str, *, allow_empty: bool = False) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    limit = int(settings.MESSAGING["max_length"])
    if not text and not allow_empty:
        raise MessagingError(_("Bitte schreiben Sie eine Nachricht."), code="empty", field="body")
    if len(text) > limit:
        raise MessagingError(
            _("Ihre Nachricht ist zu lang: höchstens %(limit)s Zeichen, Sie haben %(count)s.")
            % {"limit": limit, "count": len(text)},
            code="too_long",
            field="body",
        )
    return text


def clean_client_id(client_id: str | None) -> str:
    value = (client_id or "").strip()
    if len(value) > CLIENT_ID_MAX or any(
        c not in string.ascii_letters + string.digits + "-_" for c in value
    ):
        raise MessagingError(
            _("Ungültige Kennung der Nachricht."), code="invalid", field="client_id"
        )
    return value


# --- links into the pages ---------------------------------------------------------------


def customer_url(conversation: Conversation) -> str:
    return reverse(
        "customer:conversation", kwargs={"jc": conversation.jobcenter.slug, "pk": conversation.pk}
    )


def staff_url(conversation: Conversation) -> str:
    return reverse(
        "staff:conversation", kwargs={"jc": conversation.jobcenter.slug, "pk": conversation.pk}
    )


# --- sending ---------------------------------------------------------------------------


def _participants(conversation: Conversation) -> list[int]:
    ids = {conversation.customer.user_id}
    if conversation.advisor_id:
        ids.add(conversation.advisor_id)
    if conversation.assignee_id:
        ids.add(conversation.assignee_id)
    return sorted(ids)


ATTACHMENT_SUFFIX = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
}


def _store_attachment(
    *,
    request: HttpRequest | None,
    conversation: Conversation,
    message: Message,
    uploaded: UploadedFile,
) -> None:
    """Through the documents pipeline when that module is on for the job centre (same
    type, size and virus checks, encrypted at rest, staff see it with the customer's
    documents); otherwise checked here and kept through the storage API."""
    from openjobcenter.tenants.modules import is_enabled

    pipeline = documents_pipeline()
    if (
        pipeline is not None
        and request is not None
        and is_enabled(conversation.jobcenter, "documents")
    ):
        try:
            document = pipeline(
                request=request,
                customer=conversation.customer,
                uploaded_file=uploaded,
                kind="other",
                source="chat",
            )
        except Exception as exc:
            reason = getattr(exc, "message", None)
            if reason is None:  # not a refusal: a real error, let it surface
                raise
            raise MessagingError(str(reason), code="attachment", field="file") from exc
        if getattr(document, "state", "") == "refused":
            raise MessagingError(
                str(
                    getattr(document, "refusal_message", "")
                    or _("Diese Datei können wir nicht annehmen.")
                ),
                code="attachment",
                field="file",
            )
        message.document_id = document.pk
        message.attachment_name = (
            str(getattr(document, "original_names", "")) or str(uploaded.name or "")
        )[:200]
        message.attachment_size = int(uploaded.size or 0)
        message.attachment_type = "application/pdf"
        return
    try:
        checked = check_upload(uploaded)
    except AttachmentRefused as exc:
        raise MessagingError(exc.message, code="attachment", field="file") from exc
    from openjobcenter.core import sealed

    # Sealed at rest like documents (core/sealed.py); the name is random, the customer's
    # file name is kept in the row only.
    uploaded.seek(0)
    message.attachment.name = sealed.save(
        conversation.jobcenter,
        "chat",
        ATTACHMENT_SUFFIX.get(checked.content_type, ""),
        uploaded.read(),
    )
    message.attachment_name = checked.name
    message.attachment_type = checked.content_type
    message.attachment_size = checked.size


@transaction.atomic
def message_send(
    *,
    conversation: Conversation,
    author: User,
    body: str,
    client_id: str = "",
    attachment: UploadedFile | None = None,
    request: HttpRequest | None = None,
    representative: User | None = None,
) -> Message:
    """Store a message from the customer or a staff member and deliver it after commit.

    ``representative``: someone acting for the customer (``author``) under a mandate
    with the chat scope, checked by the caller; the message names them and the audit
    entry has them as the actor, acting for the customer.

    Resending with the same ``client_id`` returns the stored message instead of a second
    one (an offline queue may send twice). Raises ``MessagingError`` for an empty or
    over-long text, a bad attachment or too many messages in a short time.
    """
    client_id = clean_client_id(client_id)
    text = clean_body(body, allow_empty=attachment is not None)
    message = Message(
        conversation=conversation,
        author=author,
        representative=representative,
        body=text,
        client_id=client_id,
    )
    if representative is not None:
        if author.pk != conversation.customer.user_id:
            raise MessagingError("No such conversation.", code="not_found")
        with acting_for(author.pk):
            return _send_with(conversation, message, attachment, request)
    return _send_with(conversation, message, attachment, request)


def _send_with(
    conversation: Conversation,
    message: Message,
    attachment: UploadedFile | None,
    request: HttpRequest | None,
) -> Message:
    if attachment is None:
        return _send_locked(conversation, message, request=request)
    # An attachment is scanned and stored (or run through the documents pipeline) before
    # the conversation's row is locked: the lock is held for the short write only, so
    # the conversation's other senders never wait for a virus scan or a file write. A
    # savepoint undoes what the pipeline wrote if the send turns out to be a resend.
    savepoint = transaction.savepoint()
    try:
        _store_attachment(
            request=request, conversation=conversation, message=message, uploaded=attachment
        )
        stored = _send_locked(conversation, message, request=request)
    except Exception:
        transaction.savepoint_rollback(savepoint)
        _drop_attachment_file(message)
        raise
    if stored is not message:  # a resend: the first message keeps its attachment
        transaction.savepoint_rollback(savepoint)
        _drop_attachment_file(message)
    else:
        transaction.savepoint_commit(savepoint)
    return stored


def _drop_attachment_file(message: Message) -> None:
    if message.attachment.name:
        from openjobcenter.core import sealed

        sealed.delete(message.attachment.name)


def _send_locked(
    conversation: Conversation, message: Message, *, request: HttpRequest | None
) -> Message:
    author = cast("User", message.author)
    # Lock the conversation row first: message ids, and so the cursors clients resume
    # from, then follow the order in which sends commit; and under the lock a client id
    # cannot race in twice.
    limit = int(settings.MESSAGING["rate_count"])
    with send_pipeline():
        state = lock_for_send(conversation.pk, author_id=author.pk, client_id=message.client_id)
        fresh = state.existing_id is None and state.recent < limit
        if fresh:
            message.side = (
                AuthorSide.CUSTOMER if author.pk == state.customer_user_id else AuthorSide.STAFF
            )
            _write(conversation, message, state, author, request)
    if state.existing_id is not None:
        return Message.objects.get(pk=state.existing_id)
    if not fresh:
        _refuse_rate(author)
    _deliver(conversation, message, state)
    if message.side == AuthorSide.CUSTOMER and state.auto_reply_due:
        _maybe_auto_reply(conversation, message.created_at)
    return message


def _write(
    conversation: Conversation,
    message: Message,
    state: SendState,
    author: User,
    request: HttpRequest | None,
) -> None:
    """The message, the conversation's cursors and the audit entry: in pipeline mode
    nothing is read back, and the three go out in one round trip with the pipeline's
    end (an error among them is raised there, and the transaction is rolled back)."""
    message.pk = state.next_id
    fastsql.insert(message)
    side = message.side
    values: dict[str, Any] = {
        "last_message_at": message.created_at,
        "last_message_id": message.pk,
    }
    if side == AuthorSide.CUSTOMER:
        values.update(status=ConversationStatus.OPEN, customer_read_upto=message.pk)
    else:
        values.update(
            status=ConversationStatus.ANSWERED,
            staff_read_upto=message.pk,
            staff_delivered_upto=message.pk,
        )
        if state.assignee_id is None and state.advisor_id is None:
            values["assignee_id"] = author.pk
    fastsql.update(Conversation, conversation.pk, values)
    conversation.__dict__.update(values)
    conversation.advisor_id = state.advisor_id
    conversation.assignee_id = values.get("assignee_id", state.assignee_id)
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="chat_message",
        object_id=message.pk,
        jobcenter=conversation.jobcenter,
        subject=conversation.customer.user,
        actor=message.representative or author,
        read_id=not pipelined(),
    )


def _refuse_rate(author: User) -> None:
    window = int(settings.MESSAGING["rate_window_s"])
    now = timezone.now()
    oldest = (
        Message.objects.filter(author=author, created_at__gt=now - timedelta(seconds=window))
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    wait = max(1, window - int((now - oldest).total_seconds())) if oldest else window
    raise MessagingError(
        _(
            "Sie haben in kurzer Zeit sehr viele Nachrichten geschickt. "
            "Bitte warten Sie %(seconds)s Sekunden und versuchen Sie es dann noch einmal."
        )
        % {"seconds": wait},
        code="rate_limited",
        retry_after=wait,
    )


def _deliver(conversation: Conversation, message: Message, state: SendState) -> None:
    # ``prev``: the conversation's message before this one (read under the row lock, so
    # exact): a client that does not have it knows it missed something and resyncs.
    event = realtime.message_event(message, state.last_message_id)
    realtime.push_after_commit([realtime.conversation_group(conversation.pk)], event)
    # "Something new" for the others' lists and badges; the author's own devices get the
    # message itself through the conversation group.
    groups = [
        realtime.user_group(uid)
        for uid in _participants(conversation)
        if message.author_id is None or uid != message.author_id
    ]
    updated = {"type": "chat.updated", "conversation": conversation.pk, "last_id": message.pk}
    realtime.push_after_commit(groups, updated)
    if conversation.advisor_id is None:
        # The team inbox: each socket drops it unless its person may know of the
        # conversation's category (need-to-know, ``ChatConsumer.chat_updated``).
        realtime.push_after_commit(
            [realtime.team_group(conversation.jobcenter_id)],
            {**updated, "jobcenter": conversation.jobcenter_id, "topic": conversation.topic_id},
        )
    # Waiting for an answer or answered: the staff work queue counts it (after the chat's own
    # events, and outside the send's pipeline: the database cache's bump is SQL).
    queue_changed(jobcenter_id=conversation.jobcenter_id, module="messaging")
    # The customer's unread count (their home and its badge) has changed, unless the
    # customer wrote with nothing unread: it was nought before and is nought after (the
    # home shows only unread conversations, ``messaging/home.py``). That spares the
    # commonest send two cache writes, a publish and a ``home`` frame to each of the
    # customer's open sockets (``bench/chat.py``).
    if message.side != AuthorSide.CUSTOMER or state.last_message_id > state.customer_read_upto:
        home_changed(state.customer_user_id)
    from openjobcenter.notifications.services import notify

    # One notification per unread stretch, not one per message. Every message after a
    # side's read cursor is the other side's (sending moves one's own cursor), so
    # "an earlier message is still unread" is "the last one is past the cursor".
    if message.side in (AuthorSide.STAFF, AuthorSide.SYSTEM):
        if state.last_message_id <= state.customer_read_upto:
            notify(
                user=conversation.customer.user,
                event="message.new",
                url=customer_url(conversation),
                ref=str(message.pk),
            )
    elif message.side == AuthorSide.CUSTOMER:
        recipient_id = state.advisor_id or state.assignee_id
        if recipient_id and state.last_message_id <= state.staff_read_upto:
            from openjobcenter.accounts.models import User

            recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
            if recipient is not None:
                notify(
                    user=recipient,
                    event="message.new_staff",
                    url=staff_url(conversation),
                    ref=str(message.pk),
                )


def _maybe_auto_reply(conversation: Conversation, now: Any) -> None:
    """The job centre's expected response time, outside office hours, at most every
    ``AUTO_REPLY_EVERY`` per conversation (the caller checked that one is due)."""
    chat = chat_settings_of(conversation.jobcenter)
    if not chat.auto_reply_enabled or not chat.expected_response.strip():
        return
    if in_office_hours(chat, now):
        return
    reply = Message.objects.create(
        conversation=conversation,
        author=None,
        side=AuthorSide.SYSTEM,
        body=chat.expected_response.strip(),
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_auto_reply_at=reply.created_at, last_message_id=reply.pk
    )
    prev = conversation.last_message_id  # the customer's message it answers
    conversation.last_auto_reply_at = reply.created_at
    conversation.last_message_id = reply.pk
    realtime.push_after_commit(
        [realtime.conversation_group(conversation.pk)],
        realtime.message_event(reply, prev),
    )


# --- conversations ----------------------------------------------------------------------

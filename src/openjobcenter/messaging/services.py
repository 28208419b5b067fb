"""Every write of the messaging module (DESIGN §4.1).

``message_send`` is the one way a message comes into being: it writes to the database,
then, after commit, pushes the message through the Channels layer to the conversation's
group and the participants' personal groups and asks ``notifications.notify`` to tell
the recipient that something is waiting (never what).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openjobcenter.core import fastsql
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.messaging import notices, realtime
from openjobcenter.messaging.attachments import (
    AttachmentRefused,
    check_upload,
    documents_pipeline,
)
from openjobcenter.messaging.models import (
    DEFAULT_TOPICS,
    AuthorSide,
    ChatSettings,
    Conversation,
    ConversationStatus,
    Message,
    TextTemplate,
    Topic,
)
from openjobcenter.messaging.selectors import chat_settings_of, in_office_hours, staff_sees_all

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.appointments.models import Appointment
    from openjobcenter.documents.models import DocumentRequest
    from openjobcenter.tenants.models import Jobcenter

AUTO_REPLY_EVERY = timedelta(hours=12)
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


@dataclass(frozen=True)
class _SendState:
    """What ``message_send`` decides on, read in the same statement that locks the row."""

    customer_user_id: int
    advisor_id: int | None
    assignee_id: int | None
    last_message_id: int
    customer_read_upto: int
    staff_read_upto: int
    existing_id: int | None  # a message with this client id is already stored
    recent: int  # the author's messages in the rate window, counted up to the limit
    auto_reply_due: bool  # on for the job centre, and none sent to it lately


_LOCK_SQL = (
    "SELECT c.advisor_id, c.assignee_id, c.last_message_id, c.customer_read_upto,"
    " c.staff_read_upto,"
    " (SELECT p.user_id FROM {profile} p WHERE p.id = c.customer_id),"
    " (SELECT m.id FROM {msg} m WHERE m.conversation_id = c.id AND m.author_id = %s"
    "  AND m.client_id = %s AND m.client_id <> ''),"
    " (SELECT COUNT(*) FROM (SELECT 1 FROM {msg} r WHERE r.author_id = %s"
    "  AND r.created_at > %s LIMIT %s) recent),"
    " (SELECT s.auto_reply_enabled FROM {chat} s WHERE s.jobcenter_id = c.jobcenter_id"
    "  AND s.expected_response <> '')"
    "  AND (c.last_auto_reply_at IS NULL OR c.last_auto_reply_at <= %s)"
    " FROM {conv} c WHERE c.id = %s"
)


@lru_cache(maxsize=4)
def _lock_sql(vendor: str, *, for_update: bool) -> str:
    """The send's one read: lock the conversation row and bring what the send needs.

    Hand-written because it is the hottest statement of the chat: the ORM's compilation
    of the same (row lock, three sub-selects) cost more CPU than the database's work, and
    a chat process is bound by its CPU (``bench/chat.py``). Portable SQL; SQLite has no
    row locks and serialises writers instead.
    """
    del vendor  # part of the cache key only: the SQL text differs by ``for_update``
    from openjobcenter.accounts.models import CustomerProfile

    q = connection.ops.quote_name
    conv, msg = q(Conversation._meta.db_table), q(Message._meta.db_table)
    profile, chat = q(CustomerProfile._meta.db_table), q(ChatSettings._meta.db_table)
    # Only the models' own table names, quoted, are formatted in; values are parameters.
    sql = _LOCK_SQL.format(conv=conv, msg=msg, profile=profile, chat=chat)
    return sql + (" FOR UPDATE OF c" if for_update else "")


def _lock_for_send(conversation_id: int, *, author_id: int, client_id: str) -> _SendState:
    limit = int(settings.MESSAGING["rate_count"])
    now = timezone.now()
    since = now - timedelta(seconds=int(settings.MESSAGING["rate_window_s"]))
    adapt = connection.ops.adapt_datetimefield_value
    sql = _lock_sql(connection.vendor, for_update=connection.features.has_select_for_update)
    params: list[Any] = [
        author_id,
        client_id,
        author_id,
        adapt(since),
        limit,
        adapt(now - AUTO_REPLY_EVERY),
        conversation_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Conversation.DoesNotExist
    return _SendState(
        advisor_id=row[0],
        assignee_id=row[1],
        last_message_id=int(row[2]),
        customer_read_upto=int(row[3]),
        staff_read_upto=int(row[4]),
        customer_user_id=int(row[5]),
        existing_id=row[6],
        recent=int(row[7]),
        auto_reply_due=bool(row[8]),
    )


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
) -> Message:
    """Store a message from the customer or a staff member and deliver it after commit.

    Resending with the same ``client_id`` returns the stored message instead of a second
    one (an offline queue may send twice). Raises ``MessagingError`` for an empty or
    over-long text, a bad attachment or too many messages in a short time.
    """
    client_id = clean_client_id(client_id)
    text = clean_body(body, allow_empty=attachment is not None)
    message = Message(conversation=conversation, author=author, body=text, client_id=client_id)
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
    state = _lock_for_send(conversation.pk, author_id=author.pk, client_id=message.client_id)
    if state.existing_id is not None:
        return Message.objects.get(pk=state.existing_id)
    side = AuthorSide.CUSTOMER if author.pk == state.customer_user_id else AuthorSide.STAFF
    if state.recent >= int(settings.MESSAGING["rate_count"]):
        _refuse_rate(author)
    message.side = side
    fastsql.insert(message)
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
        actor=author,
    )
    _deliver(conversation, message, state)
    if side == AuthorSide.CUSTOMER and state.auto_reply_due:
        _maybe_auto_reply(conversation, message.created_at)
    return message


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


def _deliver(conversation: Conversation, message: Message, state: _SendState) -> None:
    # ``prev``: the conversation's message before this one (read under the row lock, so
    # exact): a client that does not have it knows it missed something and resyncs.
    event = {
        "type": "chat.message",
        "message": realtime.message_data(message),
        "prev": state.last_message_id,
    }
    realtime.push_after_commit([realtime.conversation_group(conversation.pk)], event)
    # "Something new" for the others' lists and badges; the author's own devices get the
    # message itself through the conversation group.
    groups = [
        realtime.user_group(uid)
        for uid in _participants(conversation)
        if message.author_id is None or uid != message.author_id
    ]
    if conversation.advisor_id is None:
        groups.append(realtime.team_group(conversation.jobcenter_id))
    realtime.push_after_commit(
        groups,
        {"type": "chat.updated", "conversation": conversation.pk, "last_id": message.pk},
    )
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
    state = _lock_for_send(conversation.pk, author_id=0, client_id="")
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
        {"type": "chat.message", "message": realtime.message_data(reply), "prev": prev},
    )


# --- conversations ----------------------------------------------------------------------


@dataclass(frozen=True)
class StartRequest:
    subject: str
    body: str
    topic: Topic | None = None
    advisor: User | None = None
    appointment: Appointment | None = None
    document_request: DocumentRequest | None = None
    client_id: str = ""


@transaction.atomic
def conversation_start(
    *,
    customer: CustomerProfile,
    author: User,
    data: StartRequest,
    request: HttpRequest | None = None,
    attachment: UploadedFile | None = None,
) -> Conversation:
    """A new conversation with its first message, by the customer or by staff."""
    subject = " ".join((data.subject or "").split())[:200]
    if not subject:
        raise MessagingError(_("Bitte geben Sie einen Betreff an."), code="empty", field="subject")
    clean_body(data.body, allow_empty=attachment is not None)  # refuse before creating anything
    if data.topic is not None and data.topic.jobcenter_id != customer.jobcenter_id:
        raise MessagingError(_("Dieses Thema gibt es nicht."), field="topic")
    if data.topic is None and data.advisor is None:
        raise MessagingError(_("Bitte wählen Sie ein Thema."), field="topic")
    if data.appointment is not None and data.appointment.customer_id != customer.pk:
        raise MessagingError(_("Dieser Termin gehört nicht zu dieser Person."), field="appointment")
    if data.document_request is not None and data.document_request.customer_id != customer.pk:
        raise MessagingError(
            _("Diese Nachforderung gehört nicht zu dieser Person."), field="document_request"
        )
    by_staff = author.pk != customer.user_id
    if data.client_id:
        existing = (
            Message.objects.filter(
                conversation__customer=customer,
                author=author,
                client_id=clean_client_id(data.client_id),
            )
            .select_related("conversation")
            .first()
        )
        if existing is not None:
            return existing.conversation
    conversation = Conversation.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        topic=data.topic,
        advisor=data.advisor,
        assignee=author if by_staff and data.advisor is None else None,
        appointment=data.appointment,
        document_request=data.document_request,
        subject=subject,
        started_by_staff=by_staff,
    )
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="conversation",
        object_id=conversation.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        actor=author,
    )
    message_send(
        conversation=conversation,
        author=author,
        body=data.body,
        client_id=data.client_id,
        attachment=attachment,
        request=request,
    )
    return conversation


@transaction.atomic
def conversation_mark_read(
    *, conversation: Conversation, user: User, upto: int | None = None
) -> int:
    """Move the reader's side's read cursor forward (never back); returns the cursor."""
    conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
    target = conv.last_message_id if upto is None else min(max(0, upto), conv.last_message_id)
    if user.pk == conv.customer.user_id:
        side, field = "customer", "customer_read_upto"
    else:
        side, field = "staff", "staff_read_upto"
    current = int(getattr(conv, field))
    if target <= current:
        return current
    setattr(conv, field, target)
    fields = [field]
    if side == "staff" and conv.staff_delivered_upto < target:
        conv.staff_delivered_upto = target
        fields.append("staff_delivered_upto")
    conv.save(update_fields=fields)
    setattr(conversation, field, target)
    realtime.push_after_commit(
        [realtime.conversation_group(conv.pk)],
        {"type": "chat.read", "conversation": conv.pk, "side": side, "upto": target},
    )
    realtime.push_after_commit(
        [realtime.user_group(user.pk)],
        {"type": "chat.updated", "conversation": conv.pk, "last_id": conv.last_message_id},
    )
    return target


@transaction.atomic
def conversation_mark_delivered(*, conversation: Conversation, upto: int) -> int:
    """A staff client has received messages up to ``upto`` (the customer's "zugestellt")."""
    conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
    target = min(max(0, upto), conv.last_message_id)
    if target <= conv.staff_delivered_upto:
        return conv.staff_delivered_upto
    conv.staff_delivered_upto = target
    conv.save(update_fields=["staff_delivered_upto"])
    realtime.push_after_commit(
        [realtime.conversation_group(conv.pk)],
        {"type": "chat.read", "conversation": conv.pk, "side": "staff_delivered", "upto": target},
    )
    return target


def _audit_conversation(
    request: HttpRequest | None,
    conversation: Conversation,
    actor: User,
    detail: str,
    action: AuditAction = AuditAction.UPDATE,
) -> None:
    audit(
        request=request,
        action=action,
        object_type="conversation",
        object_id=conversation.pk,
        jobcenter=conversation.jobcenter,
        subject=conversation.customer.user,
        actor=actor,
        detail=detail,
    )


@transaction.atomic
def conversation_assign(
    *,
    conversation: Conversation,
    actor: User,
    assignee: User | None,
    request: HttpRequest | None = None,
) -> Conversation:
    """Assign to oneself or a colleague. Taking a conversation someone else holds, and
    moving a personal conversation to another advisor, needs ``MESSAGING_MANAGE``."""
    from openjobcenter.accounts.models import StaffMembership

    jobcenter = conversation.jobcenter
    manager = staff_sees_all(actor, jobcenter)
    if (
        assignee is not None
        and not StaffMembership.objects.filter(user=assignee, jobcenter=jobcenter).exists()
    ):
        raise MessagingError(_("Diese Person gehört nicht zu Ihrem Jobcenter."), field="assignee")
    if conversation.assignee_id not in (None, actor.pk) and not manager:
        raise MessagingError(
            _(
                "Diese Unterhaltung bearbeitet schon jemand anderes. Nur die Teamleitung kann sie neu zuweisen."
            ),
            code="forbidden",
            field="assignee",
        )
    if (
        conversation.advisor_id is not None
        and assignee is not None
        and assignee.pk != conversation.advisor_id
    ):
        if not manager:
            raise MessagingError(
                _("Persönliche Unterhaltungen kann nur die Teamleitung neu zuweisen."),
                code="forbidden",
                field="assignee",
            )
        conversation.advisor = assignee  # the new advisor must be able to see it
    conversation.assignee = assignee
    conversation.save(update_fields=["assignee", "advisor"])
    _audit_conversation(request, conversation, actor, f"assignee={assignee.pk if assignee else ''}")
    if assignee is not None:
        realtime.push_after_commit(
            [realtime.user_group(assignee.pk)],
            {
                "type": "chat.updated",
                "conversation": conversation.pk,
                "last_id": conversation.last_message_id,
            },
        )
    return conversation


@transaction.atomic
def conversation_set_status(
    *, conversation: Conversation, actor: User, status: str, request: HttpRequest | None = None
) -> Conversation:
    if status not in ConversationStatus.values:
        raise MessagingError(_("Unbekannter Status."), field="status")
    conversation.status = status
    conversation.save(update_fields=["status"])
    _audit_conversation(request, conversation, actor, f"status={status}")
    return conversation


def conversation_audit_staff_read(
    *, conversation: Conversation, request: HttpRequest | None, actor: User, via: str = "page"
) -> None:
    """Every staff read of a conversation is in the audit log."""
    _audit_conversation(request, conversation, actor, via, AuditAction.READ)


# --- configuration -------------------------------------------------------------------------


@transaction.atomic
def topics_ensure_defaults(*, jobcenter: Jobcenter) -> None:
    """A job centre starts with the four usual topics; admins change them afterwards."""
    if Topic.objects.filter(jobcenter=jobcenter).exists():
        return
    # Stored in German, whoever's language is active: ``Topic.label`` translates them.
    with translation.override(settings.LANGUAGE_CODE):
        for position, (name, description) in enumerate(DEFAULT_TOPICS):
            Topic.objects.get_or_create(
                jobcenter=jobcenter,
                name=str(name),
                defaults={"description": str(description), "position": position},
            )


@transaction.atomic
def topic_save(
    *,
    jobcenter: Jobcenter,
    actor: User,
    name: str,
    description: str = "",
    position: int = 0,
    is_active: bool = True,
    topic: Topic | None = None,
    request: HttpRequest | None = None,
) -> Topic:
    name = " ".join(name.split())[:100]
    if not name:
        raise MessagingError(_("Bitte geben Sie einen Namen an."), field="name")
    clash = Topic.objects.filter(jobcenter=jobcenter, name=name)
    if topic is not None:
        clash = clash.exclude(pk=topic.pk)
    if clash.exists():
        raise MessagingError(_("Ein Thema mit diesem Namen gibt es schon."), field="name")
    if topic is None:
        topic = Topic(jobcenter=jobcenter)
    topic.name, topic.description, topic.position, topic.is_active = (
        name,
        description[:300],
        position,
        is_active,
    )
    topic.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="chat_config",
        object_id=f"topic:{topic.pk}",
        jobcenter=jobcenter,
        actor=actor,
    )
    return topic


@transaction.atomic
def template_save(
    *,
    jobcenter: Jobcenter,
    actor: User,
    title: str,
    body: str,
    template: TextTemplate | None = None,
    request: HttpRequest | None = None,
) -> TextTemplate:
    title = " ".join(title.split())[:100]
    if not title:
        raise MessagingError(_("Bitte geben Sie einen Titel an."), field="title")
    body = clean_body(body)
    if template is None:
        template = TextTemplate(jobcenter=jobcenter)
    template.title, template.body = title, body
    template.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="chat_config",
        object_id=f"template:{template.pk}",
        jobcenter=jobcenter,
        actor=actor,
    )
    return template


@transaction.atomic
def template_delete(
    *, template: TextTemplate, actor: User, request: HttpRequest | None = None
) -> None:
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="chat_config",
        object_id=f"template:{template.pk}",
        jobcenter=template.jobcenter,
        actor=actor,
    )
    template.delete()


@transaction.atomic
def chat_settings_save(
    *,
    jobcenter: Jobcenter,
    actor: User,
    office_days: list[int],
    office_start: Any,
    office_end: Any,
    auto_reply_enabled: bool,
    expected_response: str,
    request: HttpRequest | None = None,
) -> ChatSettings:
    if office_start >= office_end:
        raise MessagingError(
            _("Das Ende der Sprechzeit muss nach ihrem Beginn liegen."), field="office_end"
        )
    chat, _created = ChatSettings.objects.get_or_create(jobcenter=jobcenter)
    chat.office_days = sorted({int(d) for d in office_days if 0 <= int(d) <= 6})
    chat.office_start, chat.office_end = office_start, office_end
    chat.auto_reply_enabled = auto_reply_enabled
    chat.expected_response = expected_response.strip()[:300]
    chat.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="chat_config",
        object_id="settings",
        jobcenter=jobcenter,
        actor=actor,
    )
    return chat


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template_render(template: TextTemplate, conversation: Conversation) -> str:
    """The template's text with {vorname}, {nachname}, {kundennummer}, {termin},
    {jobcenter} filled in for this conversation; unknown placeholders stay as they are."""
    from zoneinfo import ZoneInfo

    customer = conversation.customer
    values = _Keep(
        vorname=customer.user.first_name,
        nachname=customer.user.last_name,
        kundennummer=customer.customer_number or "",
        jobcenter=conversation.jobcenter.name,
    )
    appointment = conversation.appointment
    if appointment is not None:
        local = appointment.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
        values["termin"] = local.strftime("%d.%m.%Y, %H:%M Uhr")
    try:
        return template.body.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):  # stray braces: leave the text alone
        return template.body


# --- housekeeping -----------------------------------------------------------------------

ORPHAN_AFTER = timedelta(hours=1)


def attachments_sweep_orphans(*, now: Any = None) -> int:
    """Delete chat attachment files that no message refers to (written, then the
    message's transaction rolled back, or the process died in between), once they are
    older than ``ORPHAN_AFTER``, so a file being sent right now is never touched.
    Returns how many were deleted. Runs from the scheduler (``messaging.tasks``)."""
    from django.core.files.storage import default_storage

    cutoff = (now or timezone.now()) - ORPHAN_AFTER
    files = _storage_files(default_storage, "chat")
    referenced: set[str] = set()
    for start in range(0, len(files), 500):  # within every database's parameter limit
        chunk = files[start : start + 500]
        referenced.update(
            Message.objects.filter(attachment__in=chunk).values_list("attachment", flat=True)
        )
    deleted = 0
    for path in files:
        if path in referenced:
            continue
        try:
            if default_storage.get_modified_time(path) > cutoff:
                continue
            default_storage.delete(path)
        except (OSError, NotImplementedError):  # gone meanwhile, or no modified time
            continue
        deleted += 1
    return deleted


def _storage_files(storage: Any, folder: str) -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except (OSError, NotImplementedError):  # no such folder yet
        return []
    found = [f"{folder}/{name}" for name in files]
    for sub in folders:
        found += _storage_files(storage, f"{folder}/{sub}")
    return found

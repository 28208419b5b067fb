"""Conversations (DESIGN §4.1): starting one, read and delivery cursors, assignment,
status and the audit of staff reads.

The services take keyword arguments only, each write runs in one transaction; pushes to the
Channels layer go out after commit. The first message of a new conversation is sent
through ``services_send.message_send``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed
from openjobcenter.messaging import realtime
from openjobcenter.messaging.models import (
    Conversation,
    ConversationStatus,
    Message,
    Topic,
)
from openjobcenter.messaging.selectors import staff_sees_all
from openjobcenter.messaging.services_send import (
    MessagingError,
    clean_body,
    clean_client_id,
    message_send,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.appointments.models import Appointment
    from openjobcenter.documents.models import DocumentRequest


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
    representative: User | None = None,
) -> Conversation:
    """A new conversation with its first message, by the customer or by staff
    (``representative``: someone writing in the customer's name, see ``message_send``)."""
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
        actor=representative or author,
    )
    message_send(
        conversation=conversation,
        author=author,
        body=data.body,
        client_id=data.client_id,
        attachment=attachment,
        request=request,
        representative=representative,
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
    home_changed(conv.customer.user_id)
    if side == "staff":
        queue_changed(jobcenter_id=conv.jobcenter_id, module="messaging")
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
    queue_changed(jobcenter_id=conversation.jobcenter_id, module="messaging")
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
    closing = status == ConversationStatus.CLOSED and conversation.status != status
    conversation.status = status
    conversation.save(update_fields=["status"])
    if closing:  # the transcript to the back office, where the job centre chose it
        from openjobcenter.handoff import chat as handoff_chat

        handoff_chat.conversation_closed(conversation)
    queue_changed(jobcenter_id=conversation.jobcenter_id, module="messaging")
    _audit_conversation(request, conversation, actor, f"status={status}")
    return conversation


def conversation_audit_staff_read(
    *, conversation: Conversation, request: HttpRequest | None, actor: User, via: str = "page"
) -> None:
    """Every staff read of a conversation is in the audit log."""
    _audit_conversation(request, conversation, actor, via, AuditAction.READ)

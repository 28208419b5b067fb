"""``/api/v1/messaging/{jc}/...``: conversations for customers' apps and the team inbox.

Customers authenticate with the session (plus CSRF) or a personal bearer token; staff
endpoints (``/{jc}/staff/...``) take only a session in which the second factor was used.
Someone else's conversation is a 404, like a missing one. Refusals are 422 naming the
field; too many messages is a 429 with ``retry_after``. Real-time delivery is the
WebSocket ``/ws/chat/`` (docs/websocket-protocol.md); clients without it page with
``after`` here or wait on the long-polling URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.api.auth import session_or_token, staff_session
from openjobcenter.api.schemas import ErrorOut, RateLimitedOut, ValidationErrorOut
from openjobcenter.core.access import (
    Perm,
    has_perm,
    request_user,
    staff_roles,
)
from openjobcenter.messaging import realtime, selectors, services
from openjobcenter.messaging.models import Conversation, ConversationStatus, Message
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["messaging"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ConversationOut(Schema):
    id: int
    subject: str
    topic: str | None
    personal: bool
    status: str
    unread: int
    last_message_id: int
    last_message_at: datetime | None
    customer_read_upto: int
    staff_read_upto: int
    staff_delivered_upto: int


class StaffConversationOut(ConversationOut):
    customer_id: int
    customer_number: str | None
    assignee_id: int | None


class AttachmentOut(Schema):
    name: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    conversation: int
    side: str
    author: str
    body: str
    client_id: str
    created_at: datetime
    attachment: AttachmentOut | None


class HistoryOut(Schema):
    messages: list[MessageOut]
    more: bool
    last_id: int
    reset: bool


class ConversationStartIn(Strict):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=100_000)
    topic_id: int | None = None
    to_advisor: bool = False
    client_id: str = Field(default="", max_length=64)


class SendIn(Strict):
    body: str = Field(max_length=100_000)
    client_id: str = Field(default="", max_length=64)


class ReadIn(Strict):
    upto: int | None = Field(default=None, ge=0)


class ReadOut(Schema):
    upto: int


class ConversationAssignIn(Strict):
    assignee_id: int | None


class ConversationStatusIn(Strict):
    status: str = Field(pattern="^(open|answered|closed)$")


class StaffStartIn(Strict):
    customer_id: int
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=100_000)
    personal: bool = False
    appointment_id: int | None = None
    document_request_id: int | None = None
    client_id: str = Field(default="", max_length=64)


class TemplateOut(Schema):
    id: int
    title: str
    body: str


class RenderedOut(Schema):
    text: str


WRITE_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut, 429: RateLimitedOut}


# --- helpers ---------------------------------------------------------------------------------


def _jobcenter(jc: str) -> Jobcenter:
    jobcenter = get_jobcenter_by_slug(jc)
    if not is_enabled(jobcenter, "messaging"):
        raise Http404
    return jobcenter


def _customer(request: HttpRequest, jc: str) -> CustomerProfile:
    jobcenter = _jobcenter(jc)
    profile = (
        CustomerProfile.objects.select_related("user", "jobcenter")
        .filter(user=request_user(request), jobcenter=jobcenter)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def _staff(request: HttpRequest, jc: str) -> tuple[Jobcenter, User]:
    jobcenter = _jobcenter(jc)
    user = request_user(request)
    roles = staff_roles(user, jobcenter)
    if not roles:
        raise Http404
    if not has_perm(roles, Perm.MESSAGING_USE):
        raise HttpError(403, "Forbidden")
    return jobcenter, user


def _error(exc: services.MessagingError) -> Status[Any]:
    if exc.code == "rate_limited":
        return Status(429, {"detail": exc.message, "retry_after": exc.retry_after})
    if exc.code == "forbidden":
        raise HttpError(403, exc.message)
    return Status(
        422,
        {"detail": [{"loc": ["body", exc.field or "body"], "msg": exc.message, "type": exc.code}]},
    )


def _conversation(c: Conversation, *, unread: int = 0) -> dict[str, Any]:
    return {
        "id": c.pk,
        "subject": c.subject,
        "topic": c.topic.label if c.topic else None,
        "personal": c.advisor_id is not None,
        "status": c.status,
        "unread": getattr(c, "unread", unread),
        "last_message_id": c.last_message_id,
        "last_message_at": c.last_message_at,
        "customer_read_upto": c.customer_read_upto,
        "staff_read_upto": c.staff_read_upto,
        "staff_delivered_upto": c.staff_delivered_upto,
        "customer_id": c.customer_id,
        "customer_number": c.customer.customer_number,
        "assignee_id": c.assignee_id,
    }


def _message(m: Message, *, jc: str, staff: bool) -> dict[str, Any]:
    url = ""
    if m.has_attachment:
        from django.urls import reverse

        name = "staff:conversation_attachment" if staff else "customer:conversation_attachment"
        url = reverse(name, kwargs={"jc": jc, "pk": m.conversation_id, "message_pk": m.pk})
    return realtime.message_data(m, attachment_url=url)


def _history(
    conversation: Conversation, after: int, limit: int, *, jc: str, staff: bool
) -> dict[str, Any]:
    reset = after > conversation.last_message_id
    rows = selectors.messages_after(conversation, 0 if reset else after, limit)
    return {
        "messages": [_message(m, jc=jc, staff=staff) for m in rows],
        "more": len(rows) == limit,
        "last_id": conversation.last_message_id,
        "reset": reset,
    }


class HistoryQuery(Schema):
    after: int = Field(default=0, ge=0, description="cursor: the last message id the client has")
    limit: int = Field(default=100, ge=1, le=200)


# --- customer ---------------------------------------------------------------------------------


@router.get("/{jc}/conversations", response=list[ConversationOut], auth=session_or_token)
def list_conversations(request: HttpRequest, jc: str) -> list[dict[str, Any]]:
    customer = _customer(request, jc)
    return [_conversation(c) for c in selectors.conversations_of_customer(customer)[:200]]


@router.post(
    "/{jc}/conversations", response={201: ConversationOut, **WRITE_ERRORS}, auth=session_or_token
)
def start_conversation(request: HttpRequest, jc: str, data: ConversationStartIn) -> Status[Any]:
    customer = _customer(request, jc)
    topic = None
    if data.topic_id is not None:
        topic = selectors.get_topic_for(customer.jobcenter, data.topic_id)
        if not topic.is_active:
            raise Http404
    if data.to_advisor and customer.advisor_id is None:
        return _error(
            services.MessagingError(
                _("Sie haben keine persönliche Ansprechperson."), field="to_advisor"
            )
        )
    try:
        conversation = services.conversation_start(
            customer=customer,
            author=request_user(request),
            data=services.StartRequest(
                subject=data.subject,
                body=data.body,
                topic=None if data.to_advisor else topic,
                advisor=customer.advisor if data.to_advisor else None,
                client_id=data.client_id,
            ),
            request=request,
        )
    except services.MessagingError as exc:
        return _error(exc)
    return Status(201, _conversation(conversation))


@router.get("/{jc}/conversations/{pk}/messages", response=HistoryOut, auth=session_or_token)
def history(request: HttpRequest, jc: str, pk: int, query: Query[HistoryQuery]) -> dict[str, Any]:
    conversation = selectors.get_conversation_for_customer(_customer(request, jc), pk)
    return _history(conversation, query.after, query.limit, jc=jc, staff=False)


@router.post(
    "/{jc}/conversations/{pk}/messages",
    response={201: MessageOut, **WRITE_ERRORS},
    auth=session_or_token,
)
def send(request: HttpRequest, jc: str, pk: int, data: SendIn) -> Status[Any]:
    conversation = selectors.get_conversation_for_customer(_customer(request, jc), pk)
    try:
        message = services.message_send(
            conversation=conversation,
            author=request_user(request),
            body=data.body,
            client_id=data.client_id,
            request=request,
        )
    except services.MessagingError as exc:
        return _error(exc)
    return Status(201, _message(message, jc=jc, staff=False))


@router.post(
    "/{jc}/conversations/{pk}/attachments",
    response={201: MessageOut, **WRITE_ERRORS},
    auth=session_or_token,
)
def upload(
    request: HttpRequest,
    jc: str,
    pk: int,
    file: File[UploadedFile],
    body: Form[str] = "",
    client_id: Form[str] = "",
) -> Status[Any]:
    conversation = selectors.get_conversation_for_customer(_customer(request, jc), pk)
    try:
        message = services.message_send(
            conversation=conversation,
            author=request_user(request),
            body=body[:100_000],
            client_id=client_id[:100],
            attachment=file,
            request=request,
        )
    except services.MessagingError as exc:
        return _error(exc)
    return Status(201, _message(message, jc=jc, staff=False))


@router.post("/{jc}/conversations/{pk}/read", response=ReadOut, auth=session_or_token)
def mark_read(request: HttpRequest, jc: str, pk: int, data: ReadIn) -> dict[str, int]:
    conversation = selectors.get_conversation_for_customer(_customer(request, jc), pk)
    upto = services.conversation_mark_read(
        conversation=conversation, user=request_user(request), upto=data.upto
    )
    return {"upto": upto}


# --- staff ------------------------------------------------------------------------------------


class ConversationInboxQuery(Schema):
    topic_id: int | None = None
    mine: bool = False
    status: str = Field(default="active", pattern="^(active|open|answered|closed|all)$")


@router.get("/{jc}/staff/conversations", response=list[StaffConversationOut], auth=staff_session)
def staff_inbox(
    request: HttpRequest, jc: str, query: Query[ConversationInboxQuery]
) -> list[dict[str, Any]]:
    jobcenter, user = _staff(request, jc)
    topic = selectors.get_topic_for(jobcenter, query.topic_id) if query.topic_id else None
    rows = selectors.staff_inbox(
        jobcenter, user, topic=topic, mine=query.mine, status=query.status
    )[:200]
    return [_conversation(c) for c in rows]


@router.post(
    "/{jc}/staff/conversations",
    response={201: StaffConversationOut, **WRITE_ERRORS},
    auth=staff_session,
)
def staff_start(request: HttpRequest, jc: str, data: StaffStartIn) -> Status[Any]:
    from openjobcenter.accounts.selectors import get_customer_for

    jobcenter, user = _staff(request, jc)
    customer = get_customer_for(jobcenter, data.customer_id)
    appointment = None
    if data.appointment_id is not None:
        from openjobcenter.appointments.models import Appointment

        appointment = Appointment.objects.filter(
            pk=data.appointment_id, customer=customer, jobcenter=jobcenter
        ).first()
        if appointment is None:
            raise Http404
    document_request = None
    if data.document_request_id is not None:
        document_request = next(
            (
                r
                for r in selectors.open_document_requests(jobcenter, customer)
                if r.pk == data.document_request_id
            ),
            None,
        )
        if document_request is None:
            raise Http404
    services.topics_ensure_defaults(jobcenter=jobcenter)
    try:
        conversation = services.conversation_start(
            customer=customer,
            author=user,
            data=services.StartRequest(
                subject=data.subject,
                body=data.body,
                topic=None if data.personal else selectors.active_topics(jobcenter).last(),
                advisor=user if data.personal else None,
                appointment=appointment,
                document_request=document_request,
                client_id=data.client_id,
            ),
            request=request,
        )
    except services.MessagingError as exc:
        return _error(exc)
    return Status(201, _conversation(conversation))


@router.get("/{jc}/staff/conversations/{pk}/messages", response=HistoryOut, auth=staff_session)
def staff_history(
    request: HttpRequest, jc: str, pk: int, query: Query[HistoryQuery]
) -> dict[str, Any]:
    jobcenter, user = _staff(request, jc)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    services.conversation_audit_staff_read(
        conversation=conversation, request=request, actor=user, via="api"
    )
    return _history(conversation, query.after, query.limit, jc=jc, staff=True)


@router.post(
    "/{jc}/staff/conversations/{pk}/messages",
    response={201: MessageOut, **WRITE_ERRORS},
    auth=staff_session,
)
def staff_send(request: HttpRequest, jc: str, pk: int, data: SendIn) -> Status[Any]:
    jobcenter, user = _staff(request, jc)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    try:
        message = services.message_send(
            conversation=conversation,
            author=user,
            body=data.body,
            client_id=data.client_id,
            request=request,
        )
    except services.MessagingError as exc:
        return _error(exc)
    return Status(201, _message(message, jc=jc, staff=True))


@router.post("/{jc}/staff/conversations/{pk}/read", response=ReadOut, auth=staff_session)
def staff_mark_read(request: HttpRequest, jc: str, pk: int, data: ReadIn) -> dict[str, int]:
    jobcenter, user = _staff(request, jc)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    return {
        "upto": services.conversation_mark_read(
            conversation=conversation, user=user, upto=data.upto
        )
    }


@router.post(
    "/{jc}/staff/conversations/{pk}/assignment",
    response={200: StaffConversationOut, **WRITE_ERRORS},
    auth=staff_session,
)
def staff_assign(request: HttpRequest, jc: str, pk: int, data: ConversationAssignIn) -> Status[Any]:
    jobcenter, user = _staff(request, jc)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    assignee = None
    if data.assignee_id is not None:
        assignee = next(
            (s for s in selectors.messaging_staff(jobcenter) if s.pk == data.assignee_id), None
        )
        if assignee is None:
            raise Http404
    try:
        services.conversation_assign(
            conversation=conversation, actor=user, assignee=assignee, request=request
        )
    except services.MessagingError as exc:
        return _error(exc)
    return Status(200, _conversation(conversation))


@router.post(
    "/{jc}/staff/conversations/{pk}/status",
    response={200: StaffConversationOut, **WRITE_ERRORS},
    auth=staff_session,
)
def staff_status(request: HttpRequest, jc: str, pk: int, data: ConversationStatusIn) -> Status[Any]:
    jobcenter, user = _staff(request, jc)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    services.conversation_set_status(
        conversation=conversation,
        actor=user,
        status=ConversationStatus(data.status),
        request=request,
    )
    return Status(200, _conversation(conversation))


@router.get("/{jc}/staff/templates", response=list[TemplateOut], auth=staff_session)
def staff_templates(request: HttpRequest, jc: str) -> list[dict[str, Any]]:
    jobcenter, _user = _staff(request, jc)
    return [
        {"id": t.pk, "title": t.title, "body": t.body} for t in selectors.templates_of(jobcenter)
    ]


@router.get(
    "/{jc}/staff/conversations/{pk}/templates/{template_id}",
    response=RenderedOut,
    auth=staff_session,
)
def staff_template_render(
    request: HttpRequest, jc: str, pk: int, template_id: int
) -> dict[str, str]:
    jobcenter, user = _staff(request, jc)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    template = selectors.get_template_for(jobcenter, template_id)
    return {"text": services.template_render(template, conversation)}

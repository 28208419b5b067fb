"""Staff operations of the messaging API: ``/messaging/{jc}/staff/...``.

Only a session in which the second factor was used, and a role with ``MESSAGING_USE``
(otherwise 403; another job centre's staff and customers get 404). Need-to-know as on
the pages (``messaging.selectors``): the inbox lists what the caller may know of, with
``readable`` False and no subject where they may not read it; reading or writing such a
conversation is a 403. The team inbox, starting a
conversation with a customer, history, sending, marking read, assigning, changing the
status, and the job centre's text templates (listed and rendered for a conversation).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError

from openjobcenter.accounts.models import User
from openjobcenter.api.auth import staff_session
from openjobcenter.core.access import Perm, has_perm, request_user, staff_roles
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.messaging import selectors, services
from openjobcenter.messaging.api_common import (
    WRITE_ERRORS,
    _conversation,
    _error,
    _history,
    _jobcenter,
    _message,
    router,
)
from openjobcenter.messaging.api_schemas import (
    ConversationAssignIn,
    ConversationInboxQuery,
    ConversationStatusIn,
    HistoryOut,
    HistoryQuery,
    MessageOut,
    ReadIn,
    ReadOut,
    RenderedOut,
    SendIn,
    StaffConversationOut,
    StaffStartIn,
    TemplateOut,
)
from openjobcenter.messaging.models import ConversationStatus
from openjobcenter.tenants.models import Jobcenter

# Operation ids are pinned to those of the former single ``messaging/api.py``
# (``openjobcenter_messaging_api_<function>``), so generated clients keep their names.


def _staff(request: HttpRequest, jc: str) -> tuple[Jobcenter, User]:
    jobcenter = _jobcenter(jc)
    user = request_user(request)
    roles = staff_roles(user, jobcenter)
    if not roles:
        raise Http404
    if not has_perm(roles, Perm.MESSAGING_USE):
        raise HttpError(403, "Forbidden")
    return jobcenter, user


def _conversation_for(jobcenter: Jobcenter, user: User, pk: int) -> Any:
    try:
        return selectors.get_conversation_for_staff(jobcenter, user, pk)
    except PermissionDenied:
        raise HttpError(403, "Forbidden") from None


@router.get(
    "/{jc}/staff/conversations",
    response=list[StaffConversationOut],
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_inbox",
)
def staff_inbox(
    request: HttpRequest, jc: str, query: Query[ConversationInboxQuery]
) -> list[dict[str, Any]]:
    jobcenter, user = _staff(request, jc)
    topic = selectors.get_topic_for(jobcenter, query.topic_id) if query.topic_id else None
    rows = selectors.mark_readable(
        list(
            selectors.staff_inbox(
                jobcenter, user, topic=topic, mine=query.mine, status=query.status
            )[:200]
        ),
        jobcenter,
        staff_roles(user, jobcenter),
    )
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="conversation_list",
        jobcenter=jobcenter,
        actor=user,
        detail="api",
    )
    out = []
    for c in rows:
        row = _conversation(c)
        row["readable"] = c.readable  # type: ignore[attr-defined]
        if not row["readable"]:
            row["subject"] = ""
        out.append(row)
    return out


@router.post(
    "/{jc}/staff/conversations",
    response={201: StaffConversationOut, **WRITE_ERRORS},
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_start",
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


@router.get(
    "/{jc}/staff/conversations/{pk}/messages",
    response=HistoryOut,
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_history",
)
def staff_history(
    request: HttpRequest, jc: str, pk: int, query: Query[HistoryQuery]
) -> dict[str, Any]:
    jobcenter, user = _staff(request, jc)
    conversation = _conversation_for(jobcenter, user, pk)
    services.conversation_audit_staff_read(
        conversation=conversation, request=request, actor=user, via="api"
    )
    roles = frozenset(str(r) for r in staff_roles(user, jobcenter))
    return _history(conversation, query.after, query.limit, jc=jc, staff=True, roles=roles)


@router.post(
    "/{jc}/staff/conversations/{pk}/messages",
    response={201: MessageOut, **WRITE_ERRORS},
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_send",
)
def staff_send(request: HttpRequest, jc: str, pk: int, data: SendIn) -> Status[Any]:
    jobcenter, user = _staff(request, jc)
    conversation = _conversation_for(jobcenter, user, pk)
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


@router.post(
    "/{jc}/staff/conversations/{pk}/read",
    response=ReadOut,
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_mark_read",
)
def staff_mark_read(request: HttpRequest, jc: str, pk: int, data: ReadIn) -> dict[str, int]:
    jobcenter, user = _staff(request, jc)
    conversation = _conversation_for(jobcenter, user, pk)
    return {
        "upto": services.conversation_mark_read(
            conversation=conversation, user=user, upto=data.upto
        )
    }


@router.post(
    "/{jc}/staff/conversations/{pk}/assignment",
    response={200: StaffConversationOut, **WRITE_ERRORS},
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_assign",
)
def staff_assign(request: HttpRequest, jc: str, pk: int, data: ConversationAssignIn) -> Status[Any]:
    jobcenter, user = _staff(request, jc)
    conversation = _conversation_for(jobcenter, user, pk)
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
    operation_id="openjobcenter_messaging_api_staff_status",
)
def staff_status(request: HttpRequest, jc: str, pk: int, data: ConversationStatusIn) -> Status[Any]:
    jobcenter, user = _staff(request, jc)
    conversation = _conversation_for(jobcenter, user, pk)
    services.conversation_set_status(
        conversation=conversation,
        actor=user,
        status=ConversationStatus(data.status),
        request=request,
    )
    return Status(200, _conversation(conversation))


@router.get(
    "/{jc}/staff/templates",
    response=list[TemplateOut],
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_templates",
)
def staff_templates(request: HttpRequest, jc: str) -> list[dict[str, Any]]:
    jobcenter, _user = _staff(request, jc)
    return [
        {"id": t.pk, "title": t.title, "body": t.body} for t in selectors.templates_of(jobcenter)
    ]


@router.get(
    "/{jc}/staff/conversations/{pk}/templates/{template_id}",
    response=RenderedOut,
    auth=staff_session,
    operation_id="openjobcenter_messaging_api_staff_template_render",
)
def staff_template_render(
    request: HttpRequest, jc: str, pk: int, template_id: int
) -> dict[str, str]:
    jobcenter, user = _staff(request, jc)
    conversation = _conversation_for(jobcenter, user, pk)
    template = selectors.get_template_for(jobcenter, template_id)
    return {"text": services.template_render(template, conversation)}

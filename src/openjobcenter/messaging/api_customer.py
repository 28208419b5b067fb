"""Customer operations of the messaging API: ``/messaging/{jc}/conversations...``.

A customer (session with CSRF or a personal bearer token) of the path's job centre lists
and starts their conversations, pages through a conversation's history, sends messages
and attachments, and marks messages read. Someone else's conversation is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.api.auth import auth_user, session_or_token
from openjobcenter.core.access import api_customer
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
    ConversationOut,
    ConversationStartIn,
    HistoryOut,
    HistoryQuery,
    MessageOut,
    ReadIn,
    ReadOut,
    SendIn,
)

# Operation ids are pinned to those of the former single ``messaging/api.py``
# (``openjobcenter_messaging_api_<function>``), so generated clients keep their names.


def _customer(request: HttpRequest, jc: str) -> CustomerProfile:
    """The caller's own profile, or with ``X-Acting-For`` the customer they represent
    (mandate with "chat", or "read" for reading; ``api.acting``)."""
    return api_customer(request, auth_user(request), _jobcenter(jc), "messaging")


def _author(request: HttpRequest, customer: CustomerProfile) -> tuple[User, User | None]:
    """Who a message is from: the customer, and the representative writing in their
    name when the call acts for them."""
    user = auth_user(request)
    return (customer.user, user) if user.pk != customer.user_id else (user, None)


@router.get(
    "/{jc}/conversations",
    response=list[ConversationOut],
    auth=session_or_token,
    operation_id="openjobcenter_messaging_api_list_conversations",
)
def list_conversations(request: HttpRequest, jc: str) -> list[dict[str, Any]]:
    customer = _customer(request, jc)
    return [_conversation(c) for c in selectors.conversations_of_customer(customer)[:200]]


@router.post(
    "/{jc}/conversations",
    response={201: ConversationOut, **WRITE_ERRORS},
    auth=session_or_token,
    operation_id="openjobcenter_messaging_api_start_conversation",
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
        author, representative = _author(request, customer)
        conversation = services.conversation_start(
            customer=customer,
            author=author,
            representative=representative,
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


@router.get(
    "/{jc}/conversations/{pk}/messages",
    response=HistoryOut,
    auth=session_or_token,
    operation_id="openjobcenter_messaging_api_history",
)
def history(request: HttpRequest, jc: str, pk: int, query: Query[HistoryQuery]) -> dict[str, Any]:
    conversation = selectors.get_conversation_for_customer(_customer(request, jc), pk)
    return _history(conversation, query.after, query.limit, jc=jc, staff=False)


@router.post(
    "/{jc}/conversations/{pk}/messages",
    response={201: MessageOut, **WRITE_ERRORS},
    auth=session_or_token,
    operation_id="openjobcenter_messaging_api_send",
)
def send(request: HttpRequest, jc: str, pk: int, data: SendIn) -> Status[Any]:
    customer = _customer(request, jc)
    conversation = selectors.get_conversation_for_customer(customer, pk)
    author, representative = _author(request, customer)
    try:
        message = services.message_send(
            conversation=conversation,
            author=author,
            representative=representative,
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
    operation_id="openjobcenter_messaging_api_upload",
)
def upload(
    request: HttpRequest,
    jc: str,
    pk: int,
    file: File[UploadedFile],
    body: Form[str] = "",
    client_id: Form[str] = "",
) -> Status[Any]:
    customer = _customer(request, jc)
    conversation = selectors.get_conversation_for_customer(customer, pk)
    author, representative = _author(request, customer)
    try:
        message = services.message_send(
            conversation=conversation,
            author=author,
            representative=representative,
            body=body[:100_000],
            client_id=client_id[:100],
            attachment=file,
            request=request,
        )
    except services.MessagingError as exc:
        return _error(exc)
    return Status(201, _message(message, jc=jc, staff=False))


@router.post(
    "/{jc}/conversations/{pk}/read",
    response=ReadOut,
    auth=session_or_token,
    operation_id="openjobcenter_messaging_api_mark_read",
)
def mark_read(request: HttpRequest, jc: str, pk: int, data: ReadIn) -> dict[str, int]:
    customer = _customer(request, jc)
    conversation = selectors.get_conversation_for_customer(customer, pk)
    # A representative reads on the customer's side (their cursor).
    upto = services.conversation_mark_read(
        conversation=conversation, user=customer.user, upto=data.upto
    )
    return {"upto": upto}

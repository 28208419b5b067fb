"""The router of the messaging API and the helpers its operation modules share.

``router`` is the one ninja ``Router`` that ``api_customer`` and ``api_staff`` register
their operations on (``messaging/api.py`` imports them in that order, the order of the
OpenAPI document). Also here: ``WRITE_ERRORS`` (the documented error answers of a
write), ``_jobcenter`` (the path's job centre, 404 when messaging is off), ``_error``
(a service refusal as 422/429) and the output helpers ``_conversation``, ``_message``
and ``_history`` (one page of messages after a cursor).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Router, Status
from ninja.errors import HttpError

from openjobcenter.api.schemas import ErrorOut, RateLimitedOut, ValidationErrorOut
from openjobcenter.messaging import realtime, selectors, services
from openjobcenter.messaging.models import Conversation, Message
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["messaging"])


WRITE_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut, 429: RateLimitedOut}


def _jobcenter(jc: str) -> Jobcenter:
    jobcenter = get_jobcenter_by_slug(jc)
    if not is_enabled(jobcenter, "messaging"):
        raise Http404
    return jobcenter


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


def _message(m: Message, *, jc: str, staff: bool, hidden: bool = False) -> dict[str, Any]:
    if hidden:
        # An attachment of a stricter category than the conversation's, which this person
        # may not read (``attachment_access``): that it exists, without name or link.
        data = realtime.message_data(m)
        data["attachment"] = {"name": "", "size": 0, "url": ""}
        return data
    url = ""
    if m.has_attachment:
        from django.urls import reverse

        name = "staff:conversation_attachment" if staff else "customer:conversation_attachment"
        url = reverse(name, kwargs={"jc": jc, "pk": m.conversation_id, "message_pk": m.pk})
    return realtime.message_data(m, attachment_url=url)


def _history(
    conversation: Conversation,
    after: int,
    limit: int,
    *,
    jc: str,
    staff: bool,
    roles: frozenset[str] | None = None,
) -> dict[str, Any]:
    reset = after > conversation.last_message_id
    rows = selectors.messages_after(conversation, 0 if reset else after, limit)
    hidden: dict[int, str] = {}
    if staff and roles is not None:
        from openjobcenter.messaging.attachment_access import hidden_attachments

        hidden = hidden_attachments(
            roles=roles, jobcenter=conversation.jobcenter, conversation=conversation, rows=rows
        )
    return {
        "messages": [_message(m, jc=jc, staff=staff, hidden=m.pk in hidden) for m in rows],
        "more": len(rows) == limit,
        "last_id": conversation.last_message_id,
        "reset": reset,
    }

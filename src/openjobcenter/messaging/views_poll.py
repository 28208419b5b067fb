"""Long polling for clients without WebSockets: the same history as the API, but the
request waits (up to 25 s) until there is something after the cursor.

An async view, so a waiting client holds no worker thread; the database is asked once a
second, which also makes it work across app nodes without the channel layer.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.access import (
    ACTING_SESSION_KEY,
    Perm,
    has_perm,
    request_user,
    staff_roles,
    staff_second_factor_in_session,
)
from openjobcenter.core.audit import acting_for, audit
from openjobcenter.core.models import AuditAction
from openjobcenter.messaging import realtime, selectors, services
from openjobcenter.messaging.attachment_access import protected_page, readable_categories
from openjobcenter.messaging.models import Conversation, Message
from openjobcenter.tenants.modules import is_enabled

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

MAX_WAIT_S = 25
POLL_EVERY_S = 1.0


def _lookup(
    request: HttpRequest, pk: int, *, staff: bool
) -> tuple[Conversation, frozenset[str] | None]:
    """The conversation and, for staff, the categories its reader may read (need-to-know
    on attachments, as on the socket); None for the customer, who sees their own."""
    user = request.user
    jobcenter = getattr(request, "jobcenter", None)
    if not user.is_authenticated or jobcenter is None or not is_enabled(jobcenter, "messaging"):
        raise Http404
    if staff:
        roles = staff_roles(user, jobcenter)
        if not has_perm(roles, Perm.MESSAGING_USE) or not staff_second_factor_in_session(request):
            raise Http404
        found = selectors.get_conversation_for_staff(jobcenter, user, pk)
        # The long poll hands out messages: a read like the page's (once per poll).
        services.conversation_audit_staff_read(
            conversation=found, request=request, actor=user, via="poll"
        )
        return found, readable_categories(roles=roles, jobcenter=jobcenter)
    if ACTING_SESSION_KEY in request.session and is_enabled(jobcenter, "mandates"):
        acting = _acting_lookup(request, jobcenter, pk)
        if acting is not None:
            return acting, None
    customer = (
        CustomerProfile.objects.filter(user=user, jobcenter=jobcenter)
        .select_related("jobcenter")
        .first()
    )
    if customer is None:
        raise Http404
    return selectors.get_conversation_for_customer(customer, pk), None


def _acting_lookup(request: HttpRequest, jobcenter: Jobcenter, pk: int) -> Conversation | None:
    """A representative's page polls the conversation of the customer they act for, as
    ``customer_required`` would let them read it: the mandate active and covering the
    chat (reading: "read" or "chat"), re-checked on every poll; refused: 404. Each poll
    hands out the customer's messages: audited at once, acting for the customer.
    ``None``: the session acts for someone in another job centre (here the own account)."""
    from openjobcenter.mandates.acting import mandate_allows, session_mandate_id
    from openjobcenter.mandates.selectors import session_mandate

    user = request_user(request)
    mandate_id = session_mandate_id(request.session)
    held = session_mandate(user, mandate_id) if mandate_id is not None else None
    if held is not None and held.jobcenter_id != jobcenter.pk:
        return None
    mandate = (
        mandate_allows(
            user,
            mandate_id,
            jobcenter_id=jobcenter.pk,
            customer_id=None,
            module="messaging",
            write=request.method not in ("GET", "HEAD", "OPTIONS"),
        )
        if mandate_id is not None
        else None
    )
    if mandate is None:
        raise Http404
    customer = mandate.customer
    conversation = selectors.get_conversation_for_customer(customer, pk)
    with acting_for(customer.user_id):
        audit(
            request=request,
            action=AuditAction.READ,
            object_type="conversation",
            object_id=conversation.pk,
            jobcenter=jobcenter,
            subject=customer.user,
            detail="poll",
        )
    return conversation


def _messages(
    conversation: Conversation, rows: list[Message], readable: frozenset[str] | None
) -> list[dict[str, Any]]:
    out = [realtime.message_data(m) for m in rows]
    if readable is None:
        return out
    return protected_page(rows, out, readable, jobcenter_id=conversation.jobcenter_id)


def _page(
    conversation: Conversation, after: int, readable: frozenset[str] | None
) -> dict[str, Any] | None:
    conversation.refresh_from_db(fields=["last_message_id"])
    if after > conversation.last_message_id:
        rows = selectors.messages_after(conversation, 0)
        return {
            "reset": True,
            "messages": _messages(conversation, rows, readable),
            "last_id": conversation.last_message_id,
        }
    rows = selectors.messages_after(conversation, after)
    if not rows:
        return None
    return {
        "reset": False,
        "messages": _messages(conversation, rows, readable),
        "last_id": conversation.last_message_id,
    }


async def _poll(request: HttpRequest, pk: int, *, staff: bool) -> HttpResponse:
    try:
        after = max(0, int(request.GET.get("after", "0")))
        wait = min(MAX_WAIT_S, max(0, int(request.GET.get("wait", str(MAX_WAIT_S)))))
    except ValueError:
        return JsonResponse({"detail": "after and wait must be numbers"}, status=400)
    conversation, readable = await sync_to_async(_lookup)(request, pk, staff=staff)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        page = await sync_to_async(_page)(conversation, after, readable)
        if page is not None:
            return JsonResponse(page)
        if loop.time() >= deadline:
            return JsonResponse({"reset": False, "messages": [], "last_id": after})
        await asyncio.sleep(POLL_EVERY_S)


async def customer_poll(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    return await _poll(request, pk, staff=False)


async def staff_poll(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    return await _poll(request, pk, staff=True)

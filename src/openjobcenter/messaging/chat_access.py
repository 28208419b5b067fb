"""Who may use the chat WebSocket for what (``messaging.consumers``): ``admit`` decides a
``subscribe`` (customer: their own conversation; staff: their job centre's, with the
second factor used in this session, personal conversations only for the advisor and team
leads, and need-to-know: only conversations whose category they may read), and
``team_access`` which team inboxes a socket joins and which categories of their events
it may hear.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.access import Perm, has_perm, staff_roles, staff_second_factor_in_session
from openjobcenter.messaging import realtime, selectors, services
from openjobcenter.messaging.attachment_access import readable_categories
from openjobcenter.messaging.models import Conversation
from openjobcenter.tenants.modules import is_enabled

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User


@dataclass(frozen=True)
class Access:
    conversation: Conversation
    side: str  # "customer" or "staff"
    # Staff: the categories whose content this person may read in the conversation's job
    # centre, read at subscribe; an attachment of another category reaches their socket
    # in its protected form (``attachment_access.protected_for_socket``).
    readable: frozenset[str] = frozenset()
    # A representative acting for the customer (issue 25): the mandate the session acts
    # under, re-checked on every send (writing needs the chat scope).
    mandate_id: int | None = None
    representative: User | None = None


def admit(user: User, session: Any, conversation_id: int) -> Access | None:
    """May ``user`` (with this session) read conversation ``conversation_id``?"""
    conversation = (
        Conversation.objects.select_related("jobcenter", "customer__user")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        return None
    jobcenter = conversation.jobcenter
    if not jobcenter.is_active or not is_enabled(jobcenter, "messaging"):
        return None
    if (
        conversation.customer.user_id == user.pk
        and CustomerProfile.objects.filter(
            pk=conversation.customer_id, user=user, jobcenter=jobcenter
        ).exists()
    ):
        return Access(conversation, "customer")
    acting = _admit_representative(user, session, conversation)
    if acting is not None:
        return acting
    roles = staff_roles(user, jobcenter)
    fake_request = cast("HttpRequest", SimpleNamespace(session=session, user=user))
    if not has_perm(roles, Perm.MESSAGING_USE) or not staff_second_factor_in_session(fake_request):
        return None
    try:
        found = selectors.get_conversation_for_staff(jobcenter, user, conversation_id)
    except (Http404, PermissionDenied):  # need-to-know: the same answer as "missing"
        return None
    services.conversation_audit_staff_read(
        conversation=found, request=None, actor=user, via="websocket"
    )
    readable = readable_categories(roles=roles, jobcenter=jobcenter)
    if str(found.category) not in readable:  # admitted for content, so never; but safe
        readable = frozenset()
    return Access(found, "staff", readable)


def _admit_representative(user: User, session: Any, conversation: Conversation) -> Access | None:
    """The session acts for the conversation's customer under a mandate that covers
    reading the chat ("read" or "chat"): admitted on the customer's side; the read is
    audited at once, acting for the customer."""
    if not is_enabled(conversation.jobcenter, "mandates"):
        return None
    from openjobcenter.core.audit import acting_for, audit
    from openjobcenter.core.models import AuditAction
    from openjobcenter.mandates.acting import mandate_allows, session_mandate_id

    mandate_id = session_mandate_id(session)
    if mandate_id is None:
        return None
    mandate = mandate_allows(
        user,
        mandate_id,
        jobcenter_id=conversation.jobcenter_id,
        customer_id=conversation.customer_id,
        module="messaging",
        write=False,
    )
    if mandate is None:
        return None
    with acting_for(conversation.customer.user_id):
        audit(
            request=None,
            action=AuditAction.READ,
            object_type="conversation",
            object_id=conversation.pk,
            jobcenter=conversation.jobcenter,
            subject=conversation.customer.user,
            actor=user,
            detail="websocket",
        )
    return Access(conversation, "customer", mandate_id=mandate.pk, representative=user)


def representative_may_write(access: Access) -> bool:
    """Whether the representative's mandate still covers writing in the chat (revoked,
    expired or without the chat scope: no)."""
    from openjobcenter.mandates.acting import mandate_allows

    if access.representative is None or access.mandate_id is None:
        return False
    return (
        mandate_allows(
            access.representative,
            access.mandate_id,
            jobcenter_id=access.conversation.jobcenter_id,
            customer_id=access.conversation.customer_id,
            module="messaging",
            write=True,
        )
        is not None
    )


def team_groups(user: User, session: Any) -> list[str]:
    """The team-inbox groups of every job centre where this session may use the chat."""
    return [realtime.team_group(j) for j in team_access(user, session)]


def team_access(user: User, session: Any) -> dict[int, frozenset[int | None]]:
    """Per job centre whose team inbox this session may join: the topics (``None``: no
    topic, a general conversation) whose conversations this person may read there
    (need-to-know, ``core.need_to_know``). Team events go to the people who work on a
    conversation: someone who may only know that it exists sees it in the inbox when the
    page loads, but gets no live events about it (a job advisor hears nothing of the
    benefits team's chats). Read once, at connect: a changed rule, a topic's new category
    or a new topic applies from the next connection (until then its events are dropped:
    the safe side). Events name the topic, so sending needs no query for it."""
    from openjobcenter.accounts.models import StaffMembership
    from openjobcenter.messaging.models import Topic
    from openjobcenter.tenants.models import Jobcenter

    jobcenter_ids = set(
        StaffMembership.objects.filter(user=user).values_list("jobcenter_id", flat=True)
    )
    if not jobcenter_ids:
        return {}
    fake_request = cast("HttpRequest", SimpleNamespace(session=session, user=user))
    if not staff_second_factor_in_session(fake_request):
        return {}
    groups: dict[int, frozenset[int | None]] = {}
    for jobcenter_id in sorted(jobcenter_ids):
        roles = frozenset(
            Role(r)
            for r in StaffMembership.objects.filter(
                user=user, jobcenter_id=jobcenter_id
            ).values_list("role", flat=True)
        )
        if has_perm(roles, Perm.MESSAGING_USE):
            readable = ntk.categories_visible(
                roles=roles,
                jobcenter=Jobcenter(pk=jobcenter_id),
                at_least=ntk.Visibility.CONTENT,
            )
            topics: set[int | None] = set(
                Topic.objects.filter(
                    jobcenter_id=jobcenter_id, category__in=[str(c) for c in readable]
                ).values_list("pk", flat=True)
            )
            if ntk.Category.GENERAL in readable:
                topics.add(None)
            groups[jobcenter_id] = frozenset(topics)
    return groups

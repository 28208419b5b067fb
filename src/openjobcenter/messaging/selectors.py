"""Every read of the messaging module that crosses a permission boundary.

Customers see their own conversations; staff see their job centre's team conversations
and personal conversations addressed to them, and people with ``MESSAGING_MANAGE``
(team lead, admin) all of their job centre's. Missing and "not yours" are both 404.

Need-to-know (``core.need_to_know``): a conversation's category is its topic's
(``Topic.category``; personal conversations are general). Staff see only conversations
whose category they may at least know of (else 404); reading or writing one needs the
content level (else ``NeedToKnowDenied``, a 403). The inbox marks the rows a person may
only know of (``readable`` False) and the templates leave out their subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.access import Perm, has_perm, staff_roles
from openjobcenter.messaging.models import (
    AuthorSide,
    ChatSettings,
    Conversation,
    ConversationStatus,
    Message,
    TextTemplate,
    Topic,
)

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

HISTORY_PAGE = 200


def conversations_of_customer(customer: CustomerProfile) -> QuerySet[Conversation]:
    """The customer's conversations, newest first, each with ``unread`` (staff messages
    after the customer's read cursor)."""
    return (
        Conversation.objects.filter(customer=customer, jobcenter=customer.jobcenter)
        .select_related("topic", "advisor")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__pk__gt=F("customer_read_upto"))
                & ~Q(messages__side=AuthorSide.CUSTOMER),
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


def get_conversation_for_customer(customer: CustomerProfile, pk: int) -> Conversation:
    try:
        return Conversation.objects.select_related("topic", "advisor", "jobcenter").get(
            pk=pk, customer=customer, jobcenter=customer.jobcenter
        )
    except (Conversation.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def staff_sees_all(user: User, jobcenter: Jobcenter) -> bool:
    return has_perm(staff_roles(user, jobcenter), Perm.MESSAGING_MANAGE)


def categories_q(categories: frozenset[ntk.Category]) -> Q:
    """Conversations whose need-to-know category is one of ``categories``."""
    q = Q(topic__category__in=[str(c) for c in categories])
    if ntk.Category.GENERAL in categories:
        q |= Q(topic__isnull=True)
    return q


def visible_to_staff(
    jobcenter: Jobcenter, user: User, roles: frozenset[Role] | None = None
) -> QuerySet[Conversation]:
    if roles is None:
        roles = staff_roles(user, jobcenter)
    qs = Conversation.objects.filter(jobcenter=jobcenter)
    if not has_perm(roles, Perm.MESSAGING_MANAGE):
        qs = qs.filter(Q(advisor__isnull=True) | Q(advisor=user))
    known = ntk.categories_visible(
        roles=roles, jobcenter=jobcenter, at_least=ntk.Visibility.EXISTENCE
    )
    if len(known) < len(ntk.Category):
        qs = qs.filter(categories_q(known))
    return qs


def may_read_conversation(
    conversation: Conversation, roles: frozenset[Role], jobcenter: Jobcenter
) -> bool:
    return ntk.may_read(roles=roles, category=conversation.category, jobcenter=jobcenter)


def get_conversation_for_staff(
    jobcenter: Jobcenter, user: User, pk: int, *, content: bool = True
) -> Conversation:
    """The conversation, for reading or writing it (``content``: else
    ``NeedToKnowDenied`` where the person may only know it exists)."""
    roles = staff_roles(user, jobcenter)
    try:
        found = (
            visible_to_staff(jobcenter, user, roles)
            .select_related("topic", "advisor", "assignee", "customer__user", "jobcenter")
            .get(pk=pk)
        )
    except (Conversation.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None
    if content:
        ntk.require_content(roles=roles, category=found.category, jobcenter=jobcenter)
    return found


def staff_inbox(
    jobcenter: Jobcenter,
    user: User,
    *,
    topic: Topic | None = None,
    mine: bool = False,
    status: str = "active",
) -> QuerySet[Conversation]:
    """The team inbox: unassigned first, then by latest message. Rows the person may
    only know of are in it too; ``mark_readable`` tells them apart."""
    qs = visible_to_staff(jobcenter, user).select_related(
        "topic", "advisor", "assignee", "customer__user"
    )
    if topic is not None:
        qs = qs.filter(topic=topic)
    if mine:
        qs = qs.filter(Q(assignee=user) | Q(advisor=user))
    if status == "active":
        qs = qs.exclude(status=ConversationStatus.CLOSED)
    elif status in ConversationStatus.values:
        qs = qs.filter(status=status)
    return qs.annotate(
        unread=Count(
            "messages",
            filter=Q(messages__pk__gt=F("staff_read_upto")) & Q(messages__side=AuthorSide.CUSTOMER),
        ),
        unassigned=ExpressionWrapper(Q(assignee__isnull=True), output_field=BooleanField()),
    ).order_by("-unassigned", F("last_message_at").desc(nulls_last=True), "-pk")


def mark_readable(
    conversations: list[Conversation], jobcenter: Jobcenter, roles: frozenset[Role]
) -> list[Conversation]:
    """Set ``readable`` (and, where False, ``content_note``) on each row."""
    readable = ntk.categories_visible(
        roles=roles, jobcenter=jobcenter, at_least=ntk.Visibility.CONTENT
    )
    for c in conversations:
        c.readable = c.category in readable  # type: ignore[attr-defined]
        if not c.readable:  # type: ignore[attr-defined]
            c.content_note = ntk.content_note(c.category, jobcenter)  # type: ignore[attr-defined]
    return conversations


def messages_after(
    conversation: Conversation, cursor: int, limit: int = HISTORY_PAGE
) -> list[Message]:
    """Messages with an id above ``cursor``, oldest first, at most ``limit``."""
    return list(
        conversation.messages.filter(pk__gt=max(0, cursor))
        .select_related("author", "representative")
        .order_by("pk")[:limit]
    )


def latest_messages(conversation: Conversation, limit: int = HISTORY_PAGE) -> list[Message]:
    rows = list(
        conversation.messages.select_related("author", "representative").order_by("-pk")[:limit]
    )
    rows.reverse()
    return rows


def get_message_for_conversation(conversation: Conversation, pk: int) -> Message:
    try:
        return conversation.messages.get(pk=pk)
    except (Message.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def active_topics(jobcenter: Jobcenter) -> QuerySet[Topic]:
    return Topic.objects.filter(jobcenter=jobcenter, is_active=True)


def all_topics(jobcenter: Jobcenter) -> QuerySet[Topic]:
    return Topic.objects.filter(jobcenter=jobcenter)


def get_topic_for(jobcenter: Jobcenter, pk: int) -> Topic:
    try:
        return Topic.objects.get(jobcenter=jobcenter, pk=pk)
    except (Topic.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def templates_of(jobcenter: Jobcenter) -> QuerySet[TextTemplate]:
    return TextTemplate.objects.filter(jobcenter=jobcenter)


def get_template_for(jobcenter: Jobcenter, pk: int) -> TextTemplate:
    try:
        return TextTemplate.objects.get(jobcenter=jobcenter, pk=pk)
    except (TextTemplate.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def chat_settings_of(jobcenter: Jobcenter) -> ChatSettings:
    try:
        # No query when the caller joined it (message_send does).
        return jobcenter.chat_settings
    except ChatSettings.DoesNotExist:
        return ChatSettings(jobcenter=jobcenter, office_days=[0, 1, 2, 3, 4])


def messaging_staff(jobcenter: Jobcenter) -> list[User]:
    """Colleagues a conversation can be assigned to."""
    from openjobcenter.accounts.models import User

    ids = StaffMembership.objects.filter(jobcenter=jobcenter).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name"))


def is_team_lead(user: User, jobcenter: Jobcenter) -> bool:
    return Role.TEAM_LEAD in staff_roles(user, jobcenter)


def customer_label(customer: CustomerProfile) -> str:
    """How staff see who wrote: the name and the customer number, never "Kundin oder Kunde"."""
    name = customer.user.display_name
    if not customer.customer_number:
        return name
    return _("%(name)s (Kundennummer %(number)s)") % {
        "name": name,
        "number": customer.customer_number,
    }


@dataclass(frozen=True)
class CustomerContext:
    customer_number: str
    next_appointment: Any | None
    open_application: Any | None


def customer_context(conversation: Conversation) -> CustomerContext:
    """What staff see beside a conversation. Other modules are asked only if installed."""
    customer = conversation.customer
    next_appointment = None
    try:
        from openjobcenter.appointments.models import ACTIVE_STATUSES, Appointment

        next_appointment = (
            Appointment.objects.filter(
                customer=customer,
                jobcenter=conversation.jobcenter,
                status__in=ACTIVE_STATUSES,
                starts_at__gte=timezone.now(),
            )
            .select_related("type")
            .order_by("starts_at")
            .first()
        )
    except ImportError:  # pragma: no cover - appointments is part of the platform
        pass
    open_application = None
    try:
        from openjobcenter.applications import models as app_models

        model = getattr(app_models, "Application", None)
        if model is not None:
            qs = model.objects.filter(customer=customer)
            if hasattr(model, "status"):
                closed = {"approved", "rejected", "withdrawn", "closed", "draft", "decided"}
                qs = qs.exclude(status__in=closed)
            open_application = qs.order_by("-pk").first()
    except Exception:
        open_application = None
    return CustomerContext(
        customer_number=customer.customer_number or "",
        next_appointment=next_appointment,
        open_application=open_application,
    )


def in_office_hours(settings: ChatSettings, now: datetime) -> bool:
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo("Europe/Berlin"))
    if local.weekday() not in (settings.office_days or []):
        return False
    clock = local.time().replace(tzinfo=None)
    return settings.office_start <= clock < settings.office_end


def open_document_requests(jobcenter: Jobcenter, customer: CustomerProfile) -> list[Any]:
    """The customer's document requests (Nachforderungen) a conversation may refer to."""
    try:
        from openjobcenter.documents.models import DocumentRequest
    except ImportError:  # pragma: no cover - documents is part of the platform
        return []
    return list(
        DocumentRequest.objects.filter(jobcenter=jobcenter, customer=customer).order_by(
            "-created_at"
        )[:20]
    )

"""The team's load for a team lead: open items per staff member, and the oldest
applications nobody has taken, to assign from the start page (``Perm.QUEUE_LEAD``).

Fixed number of queries: the staff, one grouped count per kind of assigned work, and the
first unassigned applications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count

from openjobcenter.tenants import modules

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.applications.models import Application
    from openjobcenter.tenants.models import Jobcenter

UNASSIGNED_SHOWN = 10


@dataclass(frozen=True, slots=True)
class LoadRow:
    user: User
    applications: int
    conversations: int

    @property
    def total(self) -> int:
        return self.applications + self.conversations


def team_load(jobcenter: Jobcenter) -> list[LoadRow]:
    """Open applications and conversations assigned to each staff member, busiest first."""
    from openjobcenter.accounts.models import StaffMembership, User

    ids = StaffMembership.objects.filter(jobcenter=jobcenter).values("user_id")
    people = list(
        User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "pk")
    )
    apps: dict[int, int] = {}
    chats: dict[int, int] = {}
    if modules.is_enabled(jobcenter, "applications"):
        from openjobcenter.applications.models import Application
        from openjobcenter.applications.queue import OPEN_STATUSES

        apps = dict(
            Application.objects.filter(
                jobcenter=jobcenter, status__in=OPEN_STATUSES, assignee__isnull=False
            )
            .values_list("assignee_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    if modules.is_enabled(jobcenter, "messaging"):
        from openjobcenter.messaging.models import Conversation, ConversationStatus

        chats = dict(
            Conversation.objects.filter(jobcenter=jobcenter, assignee__isnull=False)
            .exclude(status=ConversationStatus.CLOSED)
            .values_list("assignee_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    rows = [LoadRow(u, apps.get(u.pk, 0), chats.get(u.pk, 0)) for u in people]
    return sorted(rows, key=lambda r: -r.total)


def unassigned_applications(jobcenter: Jobcenter) -> list[Application]:
    """The oldest submitted applications nobody has taken (reference, kind, date only)."""
    if not modules.is_enabled(jobcenter, "applications"):
        return []
    from openjobcenter.applications.models import Application
    from openjobcenter.applications.queue import OPEN_STATUSES

    return list(
        Application.objects.filter(
            jobcenter=jobcenter,
            status__in=OPEN_STATUSES,
            submitted_at__isnull=False,
            assignee__isnull=True,
        )
        .only("pk", "reference", "kind", "submitted_at")
        .order_by("submitted_at", "pk")[:UNASSIGNED_SHOWN]
    )

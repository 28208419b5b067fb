"""The team's load for a team lead: open items per staff member, and the oldest
applications nobody has taken, to assign from the start page (``Perm.QUEUE_LEAD``).

Fixed number of queries: the staff, one grouped count per kind of assigned work (kept in
the shared cache until the module's work-queue version changes, ``cached_load``), and the
first unassigned applications."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count

from openjobcenter.tenants import modules

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.applications.models import Application
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)

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
        apps = cached_load(jobcenter, "applications", lambda: _application_load(jobcenter))
    if modules.is_enabled(jobcenter, "messaging"):
        chats = cached_load(jobcenter, "messaging", lambda: _conversation_load(jobcenter))
    rows = [LoadRow(u, apps.get(u.pk, 0), chats.get(u.pk, 0)) for u in people]
    return sorted(rows, key=lambda r: -r.total)


def _application_load(jobcenter: Jobcenter) -> dict[int, int]:
    from openjobcenter.applications.models import Application
    from openjobcenter.applications.queue import OPEN_STATUSES

    return dict(
        Application.objects.filter(
            jobcenter=jobcenter,
            status__in=OPEN_STATUSES,
            assignee__isnull=False,
            submitted_at__isnull=False,
        )
        .values_list("assignee_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _conversation_load(jobcenter: Jobcenter) -> dict[int, int]:
    from openjobcenter.messaging.models import Conversation, ConversationStatus

    return dict(
        Conversation.objects.filter(jobcenter=jobcenter, assignee__isnull=False)
        .exclude(status=ConversationStatus.CLOSED)
        .values_list("assignee_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def cached_load(
    jobcenter: Jobcenter, module: str, compute: Callable[[], dict[int, int]]
) -> dict[int, int]:
    """Open items per assignee, from the shared cache while the module's work-queue
    version (``home/queue_cache.py``) is unchanged. The grouped count reads every open
    assigned item of the job centre (100,000 applications in a city of 500,000): once per
    change and job centre, not on every team lead's start page; ``MAX_AGE`` is the safety
    net as for the queue."""
    from openjobcenter.home import queue_cache

    vkey = queue_cache.version_key(jobcenter.pk, module)
    ekey = f"{queue_cache.ENTRY_PREFIX}{jobcenter.pk}:{module}:load"
    try:
        found = cache.get_many([vkey, ekey])
        version = queue_cache.current_version(vkey, found.get(vkey))
    except Exception as exc:  # the cache is down: count, as without a cache
        log.warning("queue cache unavailable: %s", exc)
        return compute()
    raw = found.get(ekey)
    if isinstance(raw, tuple) and len(raw) == 3 and raw[:2] == (queue_cache.FORMAT, version):
        return dict(raw[2])
    counts = compute()
    try:
        cache.set(ekey, (queue_cache.FORMAT, version, sorted(counts.items())), queue_cache.MAX_AGE)
    except Exception as exc:
        log.warning("queue cache unavailable: %s", exc)
    return counts


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

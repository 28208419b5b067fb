"""The team's load for a team lead: open items per staff member, and the oldest
applications nobody has taken, to assign from the start page (``Perm.QUEUE_LEAD``).

Fixed number of queries: the staff, one query per kind of assigned work (kept in the
shared cache until the module's work-queue version changes, ``cached_load``), and the
first unassigned applications.

Each person's count is capped (``LOAD_CAP``, shown as "500+"): a ``COUNT`` over a
``LIMIT``ed subquery per person on an index, as the work queue counts (issue 19). A
grouped count over the job centre read every open assigned application: 58 ms at
500,000 applications (100,000 of them assigned), on every team lead's start page after
each change. Now the work is at most ``LOAD_CAP + 1`` index entries per person."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, OuterRef, QuerySet, Subquery

from openjobcenter.tenants import modules

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.applications.models import Application
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)

UNASSIGNED_SHOWN = 10
# Above this many open items of one kind a person's count reads "500+": who is overloaded
# is plain; the exact number is the inbox's business (its filter "assigned to").
LOAD_CAP = 500


@dataclass(frozen=True, slots=True)
class LoadRow:
    user: User
    applications: int
    conversations: int

    @property
    def total(self) -> int:
        return self.applications + self.conversations

    # Counts above the cap are kept as LOAD_CAP + 1 and shown with a plus.
    @property
    def applications_shown(self) -> str:
        return _shown(self.applications)

    @property
    def conversations_shown(self) -> str:
        return _shown(self.conversations)

    @property
    def total_shown(self) -> str:
        more = self.applications > LOAD_CAP or self.conversations > LOAD_CAP
        total = min(self.applications, LOAD_CAP) + min(self.conversations, LOAD_CAP)
        return f"{total}+" if more else str(total)


def _shown(count: int) -> str:
    return f"{LOAD_CAP}+" if count > LOAD_CAP else str(count)


def team_load(jobcenter: Jobcenter) -> list[LoadRow]:
    """Open applications and conversations assigned to each staff member, busiest first."""
    from openjobcenter.accounts.models import StaffMembership, User

    ids = StaffMembership.objects.filter(jobcenter=jobcenter).values("user_id")
    people = list(
        User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "pk")
    )
    pks = [u.pk for u in people]
    apps: dict[int, int] = {}
    chats: dict[int, int] = {}
    if pks and modules.is_enabled(jobcenter, "applications"):
        apps = cached_load(jobcenter, "applications", lambda: _application_load(jobcenter, pks))
    if pks and modules.is_enabled(jobcenter, "messaging"):
        chats = cached_load(jobcenter, "messaging", lambda: _conversation_load(jobcenter, pks))
    rows = [LoadRow(u, apps.get(u.pk, 0), chats.get(u.pk, 0)) for u in people]
    return sorted(rows, key=lambda r: -r.total)


def _capped_per_person(people: Sequence[int], assigned: QuerySet[Any]) -> dict[int, int]:
    """For each person, the rows of ``assigned`` (filtered by ``assignee=OuterRef(OuterRef
    ("pk"))``) counted up to ``LOAD_CAP + 1``, in one query of scalar subqueries."""
    from openjobcenter.accounts.models import User

    limited = assigned.order_by().values("pk")[: LOAD_CAP + 1]
    counted = (
        assigned.model._default_manager.filter(pk__in=limited)
        .order_by()
        .values("jobcenter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = User.objects.filter(pk__in=people).annotate(n=Subquery(counted)).values_list("pk", "n")
    return {pk: int(n) for pk, n in rows if n}


def _application_load(jobcenter: Jobcenter, people: Sequence[int]) -> dict[int, int]:
    from openjobcenter.applications.models import Application
    from openjobcenter.applications.queue import OPEN_STATUSES

    # The partial index ``app_open_assigned`` holds exactly these rows.
    assigned = Application.objects.filter(
        jobcenter=jobcenter,
        assignee=OuterRef(OuterRef("pk")),
        status__in=OPEN_STATUSES,
        submitted_at__isnull=False,
    )
    return _capped_per_person(people, assigned)


def _conversation_load(jobcenter: Jobcenter, people: Sequence[int]) -> dict[int, int]:
    from openjobcenter.messaging.models import Conversation, ConversationStatus

    assigned = Conversation.objects.filter(
        jobcenter=jobcenter,
        assignee=OuterRef(OuterRef("pk")),
        status__in=[s for s in ConversationStatus if s != ConversationStatus.CLOSED],
    )
    return _capped_per_person(people, assigned)


def cached_load(
    jobcenter: Jobcenter, module: str, compute: Callable[[], dict[int, int]]
) -> dict[int, int]:
    """Open items per assignee, from the shared cache while the module's work-queue
    version (``home/queue_cache.py``) is unchanged: once per change and job centre, not
    on every team lead's start page; ``MAX_AGE`` is the safety net as for the queue."""
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

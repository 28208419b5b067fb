"""The staff work queue (issue 18): what waits for a staff member, built from the
STAFF-audience providers of the home registry (``home/registry.py``).

Each module registers its staff provider beside its customer provider (``AppConfig.ready``).
A staff provider answers one question for one person: how many things of each kind wait,
and since when (the oldest), within a scope (``mine`` / ``team`` / ``all``). It keeps the
registry's contract: a fixed number of queries whatever the number of items (aggregates,
never rows), so the start page costs the same with 50 or 50,000 waiting items.

What a role sees is decided here once, per item, from the item's data category and the
role (``core.need_to_know``): ``CONTENT`` gives the count with a link to the work (the
module's list page, filtered); ``EXISTENCE`` only the count and the age, no link and no
names; ``NONE`` leaves the item out. Providers also leave out what the role's permissions
do not cover (``core.access``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openjobcenter.core.need_to_know import Category, Visibility, visibility
from openjobcenter.home.registry import Audience, HomeItem, HomeProvider, providers
from openjobcenter.tenants import modules

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile, Role, User
    from openjobcenter.tenants.models import Jobcenter


class Scope(enum.StrEnum):
    MINE = "mine"  # assigned to me, my customers, my appointments
    TEAM = "team"  # nobody's yet: the team's to take
    ALL = "all"  # everything I may see


def scope_labels() -> list[tuple[str, str]]:
    return [
        (Scope.MINE, _("Meine")),
        (Scope.TEAM, _("Team (noch niemandem zugewiesen)")),
        (Scope.ALL, _("Alles, was ich sehen darf")),
    ]


def parse_scope(raw: str | None) -> Scope | None:
    """The scope asked for; None for an unknown value (the page says so with a 400)."""
    if not raw:
        return Scope.ALL
    try:
        return Scope(raw)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class StaffContext:
    """Who asks: the job centre, the person, their roles and the scope they chose."""

    jobcenter: Jobcenter
    user: User
    roles: frozenset[Role]
    scope: Scope = Scope.ALL

    def sees(self, category: Category) -> Visibility:
        return visibility(roles=self.roles, category=category, jobcenter=self.jobcenter)


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One kind of waiting work: how many, since when, where to do it."""

    kind: str  # stable key ("applications.filed"), used by tests and CSS
    title: str | Promise
    count: int
    oldest: datetime | None
    category: Category
    url: str = ""  # the work (a filtered list page); empty when only the count may be shown
    module: str = ""
    urgent: bool = False  # overdue: shown first and marked
    capped: bool = False  # more than ``count`` (a provider's cap): shown as "99+"
    # When the item changes by itself (e.g. the first expected arrival's time, from
    # which on it has an age): the cached queue (home/queue_cache.py) is computed again.
    until: datetime | None = None

    @property
    def linked(self) -> bool:
        return bool(self.url)


class StaffProvider(HomeProvider):
    """A module's contribution to the staff work queue (``Audience.STAFF``)."""

    audience = Audience.STAFF
    # A part of the platform that no job centre switches off (``module`` then only names
    # the queue cache's version key).
    core = False

    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        """Staff providers have no customer items (the customer's home skips them)."""
        return []

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        """Every kind of work this module has for ``ctx``, with counts (also zero), in a
        fixed number of queries; ``restrict`` applies need-to-know afterwards."""
        raise NotImplementedError


# Above this many a queue item says "99+" (``QueueItem.capped``): counting further would
# read a large job centre's whole backlog on every cache miss, and the exact number is
# the module's list page's business (issue 19: the queue costs the same at 500,000).
QUEUE_CAP = 99


class _CountRows(Func):
    """``(SELECT COUNT(*) FROM (<subquery>) AS capped)``."""

    template = "(SELECT COUNT(*) FROM %(expressions)s AS capped)"
    output_field = IntegerField()


def capped_count(qs: QuerySet) -> Func:  # type: ignore[type-arg]
    """A scalar subquery counting at most ``QUEUE_CAP + 1`` rows of ``qs`` (a ``LIMIT``
    inside, so it stops there); ``count > QUEUE_CAP`` means "more than QUEUE_CAP"."""
    return _CountRows(Subquery(qs.order_by().values("pk")[: QUEUE_CAP + 1]))


def restrict(item: QueueItem, ctx: StaffContext) -> QueueItem | None:
    """Need-to-know on one item: content with the link, existence without, or nothing."""
    seen = ctx.sees(item.category)
    if seen == Visibility.NONE:
        return None
    if seen == Visibility.EXISTENCE:
        return replace(item, url="")
    return item


def staff_providers() -> list[StaffProvider]:
    return [p for p in providers(Audience.STAFF) if isinstance(p, StaffProvider)]


def staff_queue(ctx: StaffContext) -> list[QueueItem]:
    """The person's work queue: urgent first, then the oldest waiting first; kinds with
    nothing waiting are kept (a zero tells that the work is done)."""
    from openjobcenter.home.queue_cache import cached_queue

    enabled = [
        p for p in staff_providers() if p.core or modules.is_enabled(ctx.jobcenter, p.module)
    ]
    out: list[QueueItem] = []
    # Need-to-know after the cache: a changed access rule counts at once.
    for item in cached_queue(enabled, ctx):
        shown = restrict(item, ctx)
        if shown is not None:
            out.append(shown)
    far = timezone.now()
    return sorted(
        out,
        key=lambda i: (not i.urgent, i.count == 0, i.oldest or far, str(i.kind)),
    )


def age_text(oldest: datetime | None, now: datetime | None = None) -> str:
    """ "seit 3 Tagen", "seit 5 Stunden", "seit wenigen Minuten" (the oldest item's age)."""
    if oldest is None:
        return ""
    delta = (now or timezone.now()) - oldest
    days = delta.days
    if days >= 1:
        return ngettext("seit %(n)d Tag", "seit %(n)d Tagen", days) % {"n": days}
    hours = int(delta.total_seconds() // 3600)
    if hours >= 1:
        return ngettext("seit %(n)d Stunde", "seit %(n)d Stunden", hours) % {"n": hours}
    return _("seit wenigen Minuten")

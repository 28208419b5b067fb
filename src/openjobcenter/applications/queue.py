"""The applications module's part of the staff work queue: new filings (filed, not yet
complete), submitted applications nobody has taken, and mine.

The counts are capped (``QUEUE_CAP``, shown as "99+"): each is a ``COUNT`` over a
``LIMIT``ed subquery on an index, and the oldest is one row from the same index (all in
one query of scalar subqueries), so the
queue costs the same in a job centre with 500,000 applications as in a small one.
Applications nobody has taken are found through the partial index ``app_open_unassigned``.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.applications.models import OPEN_STATUSES, Application
from openjobcenter.applications.selectors_staff import (
    filed_drafts_of,
    open_unassigned_of,
    submitted_of,
)
from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.staff_queue import QueueItem, Scope, StaffContext, StaffProvider
from openjobcenter.tenants.models import Jobcenter

__all__ = ["OPEN_STATUSES", "QUEUE_CAP", "ApplicationsQueueProvider"]

# Above this many the queue says "99+": the exact number is the inbox's business.
QUEUE_CAP = 99
# Per part: (at most QUEUE_CAP, more than that?, the oldest).
Found = dict[str, tuple[int, bool, datetime | None]]


def _capped_count(qs: QuerySet[Application]) -> Subquery:
    """``COUNT`` over at most ``QUEUE_CAP + 1`` rows of ``qs`` (a ``LIMIT``ed subquery)."""
    limited = qs.order_by().values("pk")[: QUEUE_CAP + 1]
    counted = (
        Application.objects.filter(pk__in=limited)
        .order_by()
        .values("jobcenter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted)


def _oldest(qs: QuerySet[Application], field: str) -> Subquery:
    return Subquery(qs.order_by(field).values(field)[:1])


def _found(jobcenter: Jobcenter, parts: dict[str, tuple[QuerySet[Application], str]]) -> Found:
    """Every part's capped count and oldest in one query of scalar subqueries."""
    exprs: dict[str, Subquery] = {}
    for name, (qs, field) in parts.items():
        exprs[f"{name}_n"] = _capped_count(qs)
        exprs[f"{name}_at"] = _oldest(qs, field)
    row = Jobcenter.objects.filter(pk=jobcenter.pk).annotate(**exprs).values(*exprs).get()
    out: Found = {}
    for name in parts:
        found = int(row[f"{name}_n"] or 0)
        out[name] = (min(found, QUEUE_CAP), found > QUEUE_CAP, row[f"{name}_at"])
    return out


class ApplicationsQueueProvider(StaffProvider):
    key = "applications.staff"
    module = "applications"

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        if not has_perm(ctx.roles, Perm.APPLICATIONS_PROCESS):
            return []
        parts: dict[str, tuple[QuerySet[Application], str]] = {}
        if ctx.scope != Scope.MINE:
            parts["filed"] = (filed_drafts_of(ctx.jobcenter), "filed_at")
            parts["unassigned"] = (open_unassigned_of(ctx.jobcenter), "submitted_at")
        if ctx.scope != Scope.TEAM:
            assigned = submitted_of(ctx.jobcenter).filter(
                status__in=OPEN_STATUSES, assignee=ctx.user
            )
            parts["mine"] = (assigned, "submitted_at")
        found = _found(ctx.jobcenter, parts)
        inbox = reverse("staff:applications", kwargs={"jc": ctx.jobcenter.slug})
        out = []
        if ctx.scope != Scope.MINE:
            filed, filed_more, filed_at = found["filed"]
            free, free_more, free_at = found["unassigned"]
            out += [
                QueueItem(
                    kind="applications.filed",
                    title=_("Neu gestellte Anträge (noch unvollständig)"),
                    count=filed,
                    capped=filed_more,
                    oldest=filed_at,
                    category=Category.BENEFIT_DATA,
                    url=f"{inbox}#filings",
                    module=self.module,
                ),
                QueueItem(
                    kind="applications.unassigned",
                    title=_("Abgeschickte Anträge, niemandem zugewiesen"),
                    count=free,
                    capped=free_more,
                    oldest=free_at,
                    category=Category.BENEFIT_DATA,
                    url=f"{inbox}?assignee=unassigned",
                    module=self.module,
                ),
            ]
        if ctx.scope != Scope.TEAM:
            mine, mine_more, mine_at = found["mine"]
            out.append(
                QueueItem(
                    kind="applications.mine",
                    title=_("Mir zugewiesene Anträge in Bearbeitung"),
                    count=mine,
                    capped=mine_more,
                    oldest=mine_at,
                    category=Category.BENEFIT_DATA,
                    url=f"{inbox}?assignee=mine",
                    module=self.module,
                )
            )
        return out

"""The applications module's part of the staff work queue: new filings (filed, not yet
complete), submitted applications nobody has taken, and mine. One aggregate query."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.applications.models import Application, ApplicationStatus
from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.staff_queue import QueueItem, Scope, StaffContext, StaffProvider

# Submitted and not yet decided: work still to do.
OPEN_STATUSES = (
    ApplicationStatus.RECEIVED,
    ApplicationStatus.IN_PROGRESS,
    ApplicationStatus.DOCUMENTS_REQUESTED,
    ApplicationStatus.COMPLETE,
)


class ApplicationsQueueProvider(StaffProvider):
    key = "applications.staff"
    module = "applications"

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        if not has_perm(ctx.roles, Perm.APPLICATIONS_PROCESS):
            return []
        filed = Q(status=ApplicationStatus.DRAFT, filed_at__isnull=False)
        submitted = Q(status__in=OPEN_STATUSES, submitted_at__isnull=False)
        unassigned = submitted & Q(assignee__isnull=True)
        mine = submitted & Q(assignee=ctx.user)
        found = Application.objects.filter(
            Q(jobcenter=ctx.jobcenter) & (filed | submitted)
        ).aggregate(
            filed_n=Count("pk", filter=filed),
            filed_at=Min("filed_at", filter=filed),
            unassigned_n=Count("pk", filter=unassigned),
            unassigned_at=Min("submitted_at", filter=unassigned),
            mine_n=Count("pk", filter=mine),
            mine_at=Min("submitted_at", filter=mine),
        )
        inbox = reverse("staff:applications", kwargs={"jc": ctx.jobcenter.slug})
        out = []
        if ctx.scope != Scope.MINE:
            out += [
                QueueItem(
                    kind="applications.filed",
                    title=_("Neu gestellte Anträge (noch unvollständig)"),
                    count=found["filed_n"],
                    oldest=found["filed_at"],
                    category=Category.BENEFIT_DATA,
                    url=f"{inbox}#filings",
                    module=self.module,
                ),
                QueueItem(
                    kind="applications.unassigned",
                    title=_("Abgeschickte Anträge, niemandem zugewiesen"),
                    count=found["unassigned_n"],
                    oldest=found["unassigned_at"],
                    category=Category.BENEFIT_DATA,
                    url=f"{inbox}?assignee=unassigned",
                    module=self.module,
                ),
            ]
        if ctx.scope != Scope.TEAM:
            out.append(
                QueueItem(
                    kind="applications.mine",
                    title=_("Mir zugewiesene Anträge in Bearbeitung"),
                    count=found["mine_n"],
                    oldest=found["mine_at"],
                    category=Category.BENEFIT_DATA,
                    url=f"{inbox}?assignee=mine",
                    module=self.module,
                )
            )
        return out

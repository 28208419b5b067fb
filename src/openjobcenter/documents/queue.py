"""The documents module's part of the staff work queue: documents received and not yet
checked (financial and health documents apart, for need-to-know), and document requests
whose deadline has passed. One aggregate query each."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.documents.kinds import kinds_in
from openjobcenter.documents.models import Document, DocumentState, RequestItem
from openjobcenter.home.staff_queue import QueueItem, Scope, StaffContext, StaffProvider

# Kinds that say something about a person's health (need-to-know: HEALTH_DOCUMENTS, as
# ``documents.kinds`` decides); every other proof counts with the financial ones here,
# the stricter side for a count.
HEALTH_KINDS = frozenset(kinds_in({Category.HEALTH_DOCUMENTS}))


class DocumentsQueueProvider(StaffProvider):
    key = "documents.staff"
    module = "documents"

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        if not has_perm(ctx.roles, Perm.DOCUMENTS_PROCESS):
            return []
        docs = Document.objects.filter(jobcenter=ctx.jobcenter, state=DocumentState.RECEIVED)
        requests = RequestItem.objects.filter(
            request__jobcenter=ctx.jobcenter,
            fulfilled_at__isnull=True,
            request__deadline__lt=timezone.localdate(),
        )
        if ctx.scope == Scope.MINE:
            docs = docs.filter(customer__advisor=ctx.user)
            requests = requests.filter(request__created_by=ctx.user)
        elif ctx.scope == Scope.TEAM:
            docs = docs.filter(customer__advisor__isnull=True)
        health = Q(kind__in=HEALTH_KINDS)
        found = docs.aggregate(
            health_n=Count("pk", filter=health),
            health_at=Min("submitted_at", filter=health),
            money_n=Count("pk", filter=~health),
            money_at=Min("submitted_at", filter=~health),
        )
        overdue = requests.aggregate(
            n=Count("request_id", distinct=True), deadline=Min("request__deadline")
        )
        url = reverse("staff:documents", kwargs={"jc": ctx.jobcenter.slug})
        oldest_deadline = overdue["deadline"]
        overdue_since = (
            timezone.make_aware(datetime.combine(oldest_deadline, time(0)))
            if oldest_deadline
            else None
        )
        return [
            QueueItem(
                kind="documents.unchecked",
                title=_("Eingegangene Unterlagen, noch nicht geprüft"),
                count=found["money_n"],
                oldest=found["money_at"],
                category=Category.FINANCIAL_DOCUMENTS,
                url=url,
                module=self.module,
            ),
            QueueItem(
                kind="documents.unchecked_health",
                title=_("Eingegangene Gesundheitsunterlagen, noch nicht geprüft"),
                count=found["health_n"],
                oldest=found["health_at"],
                category=Category.HEALTH_DOCUMENTS,
                url=url,
                module=self.module,
            ),
            QueueItem(
                kind="documents.overdue_requests",
                title=_("Nachforderungen mit überschrittener Frist"),
                count=overdue["n"],
                oldest=overdue_since,
                category=Category.FINANCIAL_DOCUMENTS,
                url=url,
                module=self.module,
                urgent=bool(overdue["n"]),
            ),
        ]

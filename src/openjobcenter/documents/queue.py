"""The documents module's part of the staff work queue: documents received and not yet
checked (financial and health documents apart, for need-to-know), and document requests
whose deadline has passed. One query of scalar subqueries, counts capped at
``QUEUE_CAP`` ("99+")."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.documents.kinds import kinds_in
from openjobcenter.documents.models import Document, DocumentRequest, DocumentState, RequestItem
from openjobcenter.home.staff_queue import (
    QUEUE_CAP,
    QueueItem,
    Scope,
    StaffContext,
    StaffProvider,
    capped_count,
)
from openjobcenter.tenants.models import Jobcenter

# Kinds that say something about a person's health (need-to-know: HEALTH_DOCUMENTS, as
# ``documents.kinds`` decides); every other proof counts with the financial ones here,
# the stricter side for a count.
HEALTH_KINDS = frozenset(kinds_in({Category.HEALTH_DOCUMENTS}))


def _oldest(qs: QuerySet[Any], field: str) -> Subquery:
    return Subquery(qs.order_by(field).values(field)[:1])


class DocumentsQueueProvider(StaffProvider):
    key = "documents.staff"
    module = "documents"

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        if not has_perm(ctx.roles, Perm.DOCUMENTS_PROCESS):
            return []
        docs = Document.objects.filter(jobcenter=ctx.jobcenter, state=DocumentState.RECEIVED)
        open_items = RequestItem.objects.filter(request=OuterRef("pk"), fulfilled_at__isnull=True)
        requests = DocumentRequest.objects.filter(
            Exists(open_items), jobcenter=ctx.jobcenter, deadline__lt=timezone.localdate()
        )
        if ctx.scope == Scope.MINE:
            docs = docs.filter(customer__advisor=ctx.user)
            requests = requests.filter(created_by=ctx.user)
        elif ctx.scope == Scope.TEAM:
            docs = docs.filter(customer__advisor__isnull=True)
        money = docs.exclude(kind__in=HEALTH_KINDS)
        # Capped counts and the oldest of each, in one query of scalar subqueries, each on
        # an index and stopping after ``QUEUE_CAP + 1`` rows (``document_queue_received``;
        # health kinds: ``document_queue_received_kind``, one walk per kind for the
        # oldest), so a job centre with 10,000 unchecked documents costs what one with 10
        # costs. Overdue requests: ``docrequest_deadline`` and the open items' partial
        # index ``requestitem_open``.
        exprs: dict[str, Any] = {
            "money_n": capped_count(money),
            "money_at": _oldest(money, "submitted_at"),
            "health_n": capped_count(docs.filter(kind__in=HEALTH_KINDS)),
            "overdue_n": capped_count(requests),
            "overdue_at": _oldest(requests, "deadline"),
        }
        for n, kind in enumerate(sorted(HEALTH_KINDS)):
            exprs[f"health_at_{n}"] = _oldest(docs.filter(kind=kind), "submitted_at")
        found = Jobcenter.objects.filter(pk=ctx.jobcenter.pk).annotate(**exprs).values(*exprs).get()
        health_at = min(
            (found[f"health_at_{n}"] for n in range(len(HEALTH_KINDS)) if found[f"health_at_{n}"]),
            default=None,
        )
        overdue = {"n": min(found["overdue_n"], QUEUE_CAP), "deadline": found["overdue_at"]}
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
                count=min(found["money_n"], QUEUE_CAP),
                capped=found["money_n"] > QUEUE_CAP,
                oldest=found["money_at"],
                category=Category.FINANCIAL_DOCUMENTS,
                url=url,
                module=self.module,
            ),
            QueueItem(
                kind="documents.unchecked_health",
                title=_("Eingegangene Gesundheitsunterlagen, noch nicht geprüft"),
                count=min(found["health_n"], QUEUE_CAP),
                capped=found["health_n"] > QUEUE_CAP,
                oldest=health_at,
                category=Category.HEALTH_DOCUMENTS,
                url=url,
                module=self.module,
            ),
            QueueItem(
                kind="documents.overdue_requests",
                title=_("Nachforderungen mit überschrittener Frist"),
                count=overdue["n"],
                capped=found["overdue_n"] > QUEUE_CAP,
                oldest=overdue_since,
                category=Category.FINANCIAL_DOCUMENTS,
                url=url,
                module=self.module,
                urgent=bool(overdue["n"]),
            ),
        ]

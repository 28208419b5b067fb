"""Reads of the feedback module that cross a permission boundary (the dashboard)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from openjobcenter.feedback.models import Answer, Audience, Feedback, PanelMembership, TextChange

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter

DEFAULT_DAYS = 90
COMMENTS_SHOWN = 50


@dataclass(frozen=True)
class Counts:
    total: int = 0
    no: int = 0
    partly: int = 0

    def share(self, n: int) -> int | None:
        return None if not self.total else round(100 * n / self.total)

    @property
    def no_share(self) -> int | None:
        return self.share(self.no)

    @property
    def partly_share(self) -> int | None:
        return self.share(self.partly)


@dataclass
class PageRow:
    page: str
    form_key: str
    step_key: str
    counts: Counts
    # Before/after the latest text change of this page (or step), when one is marked.
    change: TextChange | None = None
    before: Counts | None = None
    after: Counts | None = None
    # Extension point for other modules' figures beside a page (videos: views and
    # completion), filled by ``extras`` providers; keyed by the provider's label.
    extras: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    audience: str = Audience.CUSTOMER
    panel_only: bool = False
    days: int = DEFAULT_DAYS

    @property
    def since(self) -> datetime:
        return timezone.now() - timedelta(days=self.days)


def _base(jobcenter: Jobcenter, filters: Filters) -> QuerySet[Feedback]:
    qs = Feedback.objects.filter(
        jobcenter=jobcenter, audience=filters.audience, created_at__gte=filters.since
    )
    return qs.filter(panel=True) if filters.panel_only else qs


def _counts_expr() -> dict[str, Count]:
    return {
        "total": Count("id"),
        "no": Count("id", filter=Q(answer=Answer.NO)),
        "partly": Count("id", filter=Q(answer=Answer.PARTLY)),
    }


def page_rows(jobcenter: Jobcenter, filters: Filters) -> list[PageRow]:
    """Per page and form step: answers, share of "Nein"/"Teilweise", and before/after
    the latest marked text change. Aggregates only (two queries, plus one per marked
    change)."""
    grouped = (
        _base(jobcenter, filters)
        .values("page", "form_key", "step_key")
        .annotate(**_counts_expr())
        .order_by("-no", "-total", "page")
    )
    rows = {
        (g["page"], g["form_key"], g["step_key"]): PageRow(
            g["page"], g["form_key"], g["step_key"], Counts(g["total"], g["no"], g["partly"])
        )
        for g in grouped
    }
    latest: dict[tuple[str, str, str], TextChange] = {}
    for change in TextChange.objects.filter(jobcenter=jobcenter).order_by("changed_on", "pk"):
        latest[(change.page, change.form_key, change.step_key)] = change
    for key, change in latest.items():
        row = rows.get(key)
        if row is None:
            continue
        cut = timezone.make_aware(datetime.combine(change.changed_on, datetime.min.time()))
        split = (
            _base(jobcenter, filters)
            .filter(page=key[0], form_key=key[1], step_key=key[2])
            .aggregate(
                b_total=Count("id", filter=Q(created_at__lt=cut)),
                b_no=Count("id", filter=Q(created_at__lt=cut, answer=Answer.NO)),
                b_partly=Count("id", filter=Q(created_at__lt=cut, answer=Answer.PARTLY)),
                a_total=Count("id", filter=Q(created_at__gte=cut)),
                a_no=Count("id", filter=Q(created_at__gte=cut, answer=Answer.NO)),
                a_partly=Count("id", filter=Q(created_at__gte=cut, answer=Answer.PARTLY)),
            )
        )
        row.change = change
        row.before = Counts(split["b_total"], split["b_no"], split["b_partly"])
        row.after = Counts(split["a_total"], split["a_no"], split["a_partly"])
    out = list(rows.values())
    from openjobcenter.feedback import extras

    extras.fill(jobcenter, out)
    return out


def comments(
    jobcenter: Jobcenter, filters: Filters, *, limit: int = COMMENTS_SHOWN
) -> list[Feedback]:
    """The newest scrubbed comments (the caller audits the read)."""
    return list(
        _base(jobcenter, filters)
        .exclude(comment="")
        .only("page", "form_key", "step_key", "answer", "comment", "panel", "created_at")
        .order_by("-created_at")[:limit]
    )


def export_rows(jobcenter: Jobcenter, filters: Filters) -> QuerySet[Feedback]:
    return (
        _base(jobcenter, filters)
        .order_by("created_at")
        .only(
            "page", "form_key", "step_key", "answer", "comment", "panel", "created_at", "language"
        )
    )


def panel_size(jobcenter: Jobcenter) -> int:
    return PanelMembership.objects.filter(jobcenter=jobcenter, withdrawn_at__isnull=True).count()


def text_changes(jobcenter: Jobcenter) -> list[TextChange]:
    return list(TextChange.objects.filter(jobcenter=jobcenter).order_by("-changed_on", "-pk")[:50])


def steps_by_form(rows: list[PageRow]) -> dict[str, dict[str, PageRow]]:
    """Rows of application steps by form key and step key (for the funnel side by side)."""
    out: dict[str, dict[str, PageRow]] = defaultdict(dict)
    for row in rows:
        if row.form_key and row.step_key:
            out[row.form_key][row.step_key] = row
    return out


def since_date(filters: Filters) -> date:
    return timezone.localdate(filters.since)

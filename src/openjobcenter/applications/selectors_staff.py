"""Tenant-scoped reads for the back office (DESIGN §4.2).

Staff see submitted applications of their own job centre only: a draft, another job
centre's application and a missing one are all 404. The inbox query is shaped for the
indexes on ``Application`` (job centre + submission time, + status, + assignee, +
customer number; the reference is unique), so the first page stays fast with hundreds
of thousands of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import Upper
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from openjobcenter.accounts.models import StaffMembership, User
from openjobcenter.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationSettings,
    ApplicationStatus,
    HandoffConfig,
    HandoffDelivery,
)
from openjobcenter.core.access import ROLE_PERMISSIONS, Perm

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

MINE, UNASSIGNED = "mine", "unassigned"
MAX_QUERY = 100
_REFERENCE_RE = re.compile(r"^[A-Z]{2,3}-\d{4}-[A-Z0-9]{4,}$")


def submitted_of(jobcenter: Jobcenter) -> QuerySet[Application]:
    """Every submitted application of a job centre (never drafts)."""
    return Application.objects.filter(jobcenter=jobcenter, submitted_at__isnull=False).exclude(
        status=ApplicationStatus.DRAFT
    )


def get_application_for_staff(jobcenter: Jobcenter, pk: int | str) -> Application:
    """A submitted application of this job centre; 404 for drafts, missing and not-yours."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        return (
            submitted_of(jobcenter)
            .select_related("customer__user", "assignee", "jobcenter")
            .get(pk=number)
        )
    except Application.DoesNotExist:
        raise Http404 from None


def filed_drafts_of(jobcenter: Jobcenter) -> QuerySet[Application]:
    """Applications the customer has filed (first step done, the date secured) but not yet
    completed: the back office sees that they exist and the filing step, nothing else
    (index ``app_filed_draft``)."""
    return Application.objects.filter(
        jobcenter=jobcenter, status=ApplicationStatus.DRAFT, filed_at__isnull=False
    )


def open_unassigned_of(jobcenter: Jobcenter) -> QuerySet[Application]:
    """Submitted, not yet decided applications nobody has taken (index
    ``app_open_unassigned``; the same condition, so PostgreSQL and SQLite use it)."""
    return Application.objects.filter(
        jobcenter=jobcenter,
        assignee__isnull=True,
        submitted_at__isnull=False,
        status__in=[s.value for s in OPEN_STATUSES],
    )


def get_filing_for_staff(jobcenter: Jobcenter, pk: int | str) -> Application:
    """A filed, not yet submitted application of this job centre; 404 for unfiled drafts,
    submitted ones (they have their own page), missing and not-yours."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        return (
            filed_drafts_of(jobcenter).select_related("customer__user", "jobcenter").get(pk=number)
        )
    except Application.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class InboxFilter:
    kind: str = ""
    status: str = ""
    # "", "mine", "unassigned" or a user id (as text)
    assignee: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def inbox(jobcenter: Jobcenter, user: User, flt: InboxFilter) -> QuerySet[Application]:
    """The inbox, newest submission first, filtered; values are assumed validated."""
    qs = submitted_of(jobcenter)
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.assignee == MINE:
        qs = qs.filter(assignee=user)
    elif flt.assignee == UNASSIGNED:
        qs = qs.filter(assignee__isnull=True)
    elif flt.assignee.isdigit():
        qs = qs.filter(assignee_id=int(flt.assignee))
    if flt.date_from:
        qs = qs.filter(submitted_at__gte=_day_start(flt.date_from))
    if flt.date_to:
        qs = qs.filter(submitted_at__lt=_day_start(flt.date_to + timedelta(days=1)))
    query = flt.q.strip()[:MAX_QUERY]
    if query:
        if _REFERENCE_RE.match(query.upper()):
            qs = qs.filter(reference=query.upper())
        elif any(ch.isdigit() for ch in query):
            # Customer numbers (indexed with the job centre); references typed oddly.
            qs = qs.filter(Q(customer_number=query) | Q(reference=query.upper()))
        else:
            qs = qs.filter(customer_name__icontains=query)
    # The list never shows the answers: leave the (large) frozen data in the database.
    # (The submission hash is small and the API shows it: deferring it cost a query per row.)
    return qs.select_related("assignee").defer("submitted_data").order_by("-submitted_at", "-pk")


# --- The inbox page: no totals, keyset paging, ranked name search ------------------------

# Rows per inbox page. The page fetches one row more to know whether there is a next page.
PAGE_SIZE = 50


@dataclass(frozen=True)
class InboxPage:
    """One page of the inbox: its rows, whether more follow and the cursor to them."""

    rows: list[Application]
    has_more: bool
    # The last row's id: ``?nach=<id>`` continues after it (keyset paging, no OFFSET).
    next_after: int | None
    # A name search shows its best matches only (ranked, no further pages).
    ranked: bool = False
    size: int = PAGE_SIZE


def _is_name_search(flt: InboxFilter) -> bool:
    query = flt.q.strip()[:MAX_QUERY]
    return bool(query) and not any(ch.isdigit() for ch in query)


class _NameDistance(Func):
    """``UPPER(customer_name) <-> UPPER(query)``: trigram distance (1 − similarity)."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = FloatField()


# A name is looked for first among this many of the newest submissions that pass the
# other filters: a bounded walk of ``app_inbox_all`` (newest first), the same cost with
# 10,000 applications as with 500,000. A name on at least 1 % of them fills the page there.
NAME_WINDOW = 5000


def _recent_name_matches(qs: QuerySet[Application], query: str) -> list[int]:
    """PostgreSQL: ids of the best ``PAGE_SIZE + 1`` name matches among the newest
    ``NAME_WINDOW`` rows of ``qs`` (not yet filtered by name), closest first, equally close
    ones newest first. Its plan does not depend on how often the name occurs: the window is
    read through the index in submission order, the matches in it are ranked."""
    window = qs.order_by("-submitted_at", "-pk").values_list("pk", "customer_name", "submitted_at")
    inner, params = window[:NAME_WINDOW].query.sql_with_params()
    pattern = f"%{connection.ops.prep_for_like_query(query)}%"
    # ``inner`` is Django's SQL of the queryset; every value is a parameter.
    sql = (
        f"SELECT w.id FROM ({inner}) w (id, customer_name, submitted_at) "  # noqa: S608
        "WHERE UPPER(w.customer_name::text) LIKE UPPER(%s) "
        "ORDER BY UPPER(w.customer_name::text) <-> UPPER(%s), w.submitted_at DESC, w.id DESC "
        "LIMIT %s"
    )
    # The window must be read through an index in submission order (``app_inbox_names``
    # or ``app_inbox_all``) and stop after ``NAME_WINDOW`` rows. Left to itself the planner
    # may instead read every row of the job centre and sort them, whenever it guesses the
    # ordered walk dearer: with pages not yet marked all-visible by VACUUM it prices 5,000
    # heap fetches above reading and sorting the whole job centre (found at 700,000
    # customers: all 41,000 rows of the largest job centre read and sorted, 58 ms, growing
    # with it). Bitmap and sequential scans and the full sort are switched off for this
    # one statement (``SET LOCAL``: its transaction only), so the walk is bounded by the
    # window whatever the statistics say (an incremental sort of equal timestamps stays
    # allowed); JIT off, since the switched-off plans' cost would otherwise trigger it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_INDEX_WALK)
        cursor.execute(sql, [*params, pattern, query, PAGE_SIZE + 1])
        return [row[0] for row in cursor.fetchall()]


_INDEX_WALK = (
    "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off; "
    "SET LOCAL enable_sort = off; SET LOCAL jit = off"
)


def _name_search(
    base: QuerySet[Application], named: QuerySet[Application], query: str
) -> list[Application]:
    """The best ``PAGE_SIZE + 1`` matches of a name search. ``base`` is the inbox with the
    other filters, ``named`` the same filtered by the name.

    On PostgreSQL a name common enough to fill the page among the newest ``NAME_WINDOW``
    submissions is answered from them (ranked by trigram similarity); a rarer one is
    found through the GIN trigram index (migration 0006: it reads the posting lists of the
    name's trigrams, so it costs what its few matches cost) and all its matches are ranked.
    The most a search reads is thus about ``NAME_WINDOW`` rows, whatever the job centre's
    size. SQLite (the embedded default, small data): the matches newest first."""
    if connection.vendor != "postgresql":
        return list(named.order_by("-submitted_at", "-pk")[: PAGE_SIZE + 1])
    ids = _recent_name_matches(base, query)
    if len(ids) > PAGE_SIZE:
        found = {a.pk: a for a in named.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]
    distance = _NameDistance(Upper("customer_name"), Upper(Value(query)))
    ranked = named.annotate(distance=distance).order_by("distance", "-submitted_at", "-pk")
    return list(ranked[: PAGE_SIZE + 1])


# What the inbox page shows of a row (``inbox_rows.py``): its columns only. Every
# column read is parsed and set on the model (a timestamp's text parsed in Python), and
# the assignee's account has twenty of them (issue 20's CPU target).
PAGE_COLUMNS = (
    "pk",
    "reference",
    "customer_name",
    "customer_number",
    "kind",
    "status",
    "submitted_at",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
)


def inbox_page(
    jobcenter: Jobcenter,
    user: User,
    flt: InboxFilter,
    *,
    after: int | None = None,
    columns: tuple[str, ...] = (),
) -> InboxPage:
    """One page of the inbox without counting it: ``PAGE_SIZE + 1`` rows are read, the
    extra one only tells that more follow. ``after`` is the id of the previous page's last
    row (of this job centre; unknown ids raise ``Http404``). Every query stays on an index
    and reads a bounded number of rows, so the page costs the same at 10,000 and 500,000
    applications. ``columns``: only these are read (``PAGE_COLUMNS``), all when empty."""
    qs = inbox(jobcenter, user, flt)
    if columns:
        qs = qs.only(*columns)
    if _is_name_search(flt):
        base = inbox(jobcenter, user, replace(flt, q=""))
        ranked = _name_search(base, qs, flt.q.strip()[:MAX_QUERY])
        more = len(ranked) > PAGE_SIZE
        return InboxPage(ranked[:PAGE_SIZE], more, None, ranked=True, size=PAGE_SIZE)
    if after is not None:
        try:
            last = submitted_of(jobcenter).values_list("submitted_at", flat=True).get(pk=after)
        except Application.DoesNotExist:
            raise Http404 from None
        qs = qs.filter(Q(submitted_at__lt=last) | Q(submitted_at=last, pk__lt=after))
    rows = list(qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return InboxPage(rows, more, rows[-1].pk if more else None, size=PAGE_SIZE)


# Counting every row of a large city's inbox costs more than the page itself; above this
# many the inbox says "more than …" and asks for a filter.
COUNT_CAP = 5000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that counts at most ``COUNT_CAP + 1`` rows (``capped`` tells)."""

    @cached_property
    def found(self) -> int:
        return int(self.object_list[: COUNT_CAP + 1].count())  # type: ignore[attr-defined]

    @cached_property
    def count(self) -> int:
        return min(self.found, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.found > COUNT_CAP


def processing_staff(jobcenter: Jobcenter) -> QuerySet[User]:
    """Staff of this job centre who may process applications (assignable people)."""
    roles = [str(r) for r in ROLE_PERMISSIONS[Perm.APPLICATIONS_PROCESS]]
    ids = StaffMembership.objects.filter(jobcenter=jobcenter, role__in=roles).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "pk")


def get_processing_staff(jobcenter: Jobcenter, pk: int | str) -> User:
    try:
        return processing_staff(jobcenter).get(pk=int(pk))
    except (User.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def events_of(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("at", "pk")


def deliveries_of(application: Application) -> QuerySet[HandoffDelivery]:
    return application.deliveries.order_by("pk")


def get_delivery_for_staff(application: Application, pk: int | str) -> HandoffDelivery:
    try:
        return application.deliveries.get(pk=int(pk))
    except (HandoffDelivery.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def settings_of(jobcenter: Jobcenter) -> ApplicationSettings:
    """The job centre's settings (unsaved defaults when none are stored yet)."""
    found = ApplicationSettings.objects.filter(jobcenter=jobcenter).first()
    return found or ApplicationSettings(jobcenter=jobcenter)


def handoff_configs_of(jobcenter: Jobcenter) -> dict[str, HandoffConfig]:
    return {c.backend: c for c in HandoffConfig.objects.filter(jobcenter=jobcenter)}

"""The retention registry (DESIGN §4.4, §7: retention rules for every data kind).

Each domain registers its rules in its app's ``ready()``: what is deleted, which date
counts, the legal default with its source (``docs/retention.md``), the bounds within
which a job centre may set its own value, and the function that deletes properly (files
through the storage API, rows that hang on the record). The daily run
(``retention.services.retention_run``) asks each rule for what is due, in batches.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


class Unit(enum.StrEnum):
    DAYS = "days"
    # Years are counted to the end of the calendar year (Aufbewahrung "bis zum Ende des
    # N. Kalenderjahres"): a record of any day in 2020 with 10 years is due on 1 Jan 2031.
    YEARS = "years"


@dataclass(frozen=True)
class Rule:
    """One retention rule. ``due(jobcenter, cutoff)`` returns the rows whose date lies
    before ``cutoff`` (a queryset; only its primary keys are read), ``delete(pks)``
    deletes those rows with everything that hangs on them and returns how many records
    it deleted. Global rules (``per_jobcenter=False``) get ``None`` as the job centre."""

    key: str
    label: str | Promise
    basis: str | Promise  # which date counts, in words
    unit: Unit
    default: int
    minimum: int
    maximum: int
    source: str | Promise  # the legal basis of the default (or "Annahme, fachlich zu prüfen")
    due: Callable[[Jobcenter | None, datetime], QuerySet[Any]]
    delete: Callable[[Sequence[int]], int]
    per_jobcenter: bool = True
    assumption: bool = False  # the default is our assumption, not a stated legal period
    # Where the job centre's value lives when a domain already stores it (documents:
    # ``DocumentSettings.retention_years``): read and write it there instead.
    load: Callable[[Jobcenter], int | None] | None = None
    store: Callable[[Jobcenter, int], None] | None = None
    order: int = 100

    def cutoff(self, value: int, *, now: datetime | None = None) -> datetime:
        """Records dated before this moment are due."""
        now = now or timezone.now()
        if self.unit is Unit.DAYS:
            return now - timedelta(days=value)
        today = timezone.localtime(now).date()
        first = date(today.year - value, 1, 1)
        return timezone.make_aware(datetime.combine(first, time.min))

    def unit_label(self, value: int) -> str:
        from django.utils.translation import ngettext

        if self.unit is Unit.DAYS:
            return ngettext("%(n)d Tag", "%(n)d Tage", value) % {"n": value}
        return ngettext("%(n)d Jahr", "%(n)d Jahre", value) % {"n": value}


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    if not rule.minimum <= rule.default <= rule.maximum:
        msg = f"retention rule {rule.key}: default outside its bounds"
        raise ValueError(msg)
    _rules[rule.key] = rule


def rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: (r.order, r.key))


def get(key: str) -> Rule:
    return _rules[key]

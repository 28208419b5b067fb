"""Step-level funnel: where do people give up?

For each step of a form: how many applications started it, how many completed it, how
many drafts were left there (the step most recently started in a draft that was not
submitted), and the median time between starting and completing it. Only counts and
durations leave this module: no names, no answers, no application ids.
Per-person steps (``income:p2``) count once per application.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from openjobcenter.applications.models import ApplicationStatus, ApplicationStep

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class FunnelRow:
    step: str
    title: str
    started: int
    completed: int
    left_here: int
    median_s: float | None

    @property
    def median_minutes(self) -> float | None:
        return None if self.median_s is None else round(self.median_s / 60, 1)

    @property
    def completion_rate(self) -> int | None:
        return None if not self.started else round(100 * self.completed / self.started)


def funnel(jobcenter: Jobcenter, *, kind: str, since: datetime | None = None) -> list[FunnelRow]:
    """The funnel of ``kind`` applications of a job centre started since ``since``."""
    since = since or timezone.now() - timedelta(days=DEFAULT_DAYS)
    rows = ApplicationStep.objects.filter(
        application__jobcenter=jobcenter,
        application__kind=kind,
        application__created_at__gte=since,
    ).values_list("application_id", "step_key", "started_at", "completed_at", "application__status")
    started: dict[str, set[int]] = defaultdict(set)
    completed: dict[str, set[int]] = defaultdict(set)
    durations: dict[str, list[float]] = defaultdict(list)
    last_in_draft: dict[int, tuple[datetime, str]] = {}
    for app_id, step_key, started_at, completed_at, status in rows.iterator(chunk_size=5000):
        base = step_key.partition(":")[0]
        started[base].add(app_id)
        if completed_at is not None:
            completed[base].add(app_id)
            durations[base].append(max(0.0, (completed_at - started_at).total_seconds()))
        if status == ApplicationStatus.DRAFT:
            seen = last_in_draft.get(app_id)
            if seen is None or started_at > seen[0]:
                last_in_draft[app_id] = (started_at, base)
    left: dict[str, int] = defaultdict(int)
    for _at, base in last_in_draft.values():
        left[base] += 1
    order, titles = _step_order(kind)
    keys = [k for k in order if k in started] + sorted(set(started) - set(order))
    return [
        FunnelRow(
            step=key,
            title=titles.get(key, key),
            started=len(started[key]),
            completed=len(completed[key]),
            left_here=left[key],
            median_s=statistics.median(durations[key]) if durations[key] else None,
        )
        for key in keys
    ]


def _step_order(kind: str) -> tuple[list[str], dict[str, str]]:
    """Step keys in form order and their titles (newest definition of this kind)."""
    from openjobcenter.applications import engine

    found = [d for d in engine.all_definitions() if d.kind == kind]
    if not found:
        return [], {}
    definition = max(found, key=lambda d: d.version)
    return [s.key for s in definition.steps], {s.key: str(s.title) for s in definition.steps}

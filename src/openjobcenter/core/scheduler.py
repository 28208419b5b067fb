"""Periodic jobs (DESIGN §4.4: a registry, not hidden wiring), run by exactly one scheduler.

A module registers a task and an interval; ``manage.py run_scheduler`` enqueues each job
once per *period*: the interval's multiples of wall-clock time since the epoch (a 60 s job
has one period per minute, a 6 h job starts at 00:00, 06:00, ... UTC).

Two guards keep a job from being enqueued twice for one period, whatever runs:

* **One active scheduler** (``core.scheduler_lock``): on PostgreSQL every
  ``run_scheduler`` tries a session-level advisory lock; the one holding it enqueues, the
  others wait and try again every tick. The lock belongs to the leader's database
  session, so it is released the moment that process dies (its socket closes) and another
  takes over within one tick; a leader whose node vanished is noticed by the keepalives
  (docs/monitoring.md). On SQLite (embedded, one machine) the scheduler runs directly.
* **One run per period** (``ScheduledRun``): each run writes the row (job, period start)
  under a unique constraint in the same transaction that enqueues the task. A second
  scheduler, or an old leader that has not yet noticed it lost the lock, meets the row and
  enqueues nothing; a scheduler restarted within a period does not run the job again.

Tasks stay idempotent all the same (DESIGN §7): a task may still run twice when its
worker dies (``core.tasklease``).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

log = logging.getLogger(__name__)

# Rows of runs are kept this long (at least two periods of every job): enough to read
# what ran when, and to guard the periods a takeover may meet.
KEEP_RUNS = timedelta(days=1)
PRUNE_EVERY_S = 3600


@dataclass
class PeriodicJob:
    name: str
    interval_s: int
    enqueue: Callable[[], Any]
    # The period this process last handled (ran, or found run by another scheduler).
    last_period: int | None = None


_jobs: dict[str, PeriodicJob] = {}
_last_prune = 0.0


def register(name: str, interval_s: int, enqueue: Callable[[], Any]) -> None:
    _jobs[name] = PeriodicJob(name, interval_s, enqueue)


def registered() -> list[PeriodicJob]:
    return list(_jobs.values())


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def period_start(job: PeriodicJob, period: int) -> datetime:
    return datetime.fromtimestamp(period * job.interval_s, tz=UTC)


def run_once_per_period(job: PeriodicJob, period: int, runner: str) -> bool:
    """Enqueue ``job`` for ``period`` unless some scheduler already did; True if this did.

    The row and the task commit together: if the enqueue fails, the period stays open and
    the next round tries again."""
    from openjobcenter.core.models import ScheduledRun

    with transaction.atomic():
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(
                    job=job.name, period_start=period_start(job, period), runner=runner
                )
        except IntegrityError:
            return False
        job.enqueue()
    return True


def run_due(now: float | None = None, runner: str | None = None) -> list[str]:
    """Enqueue every job whose period has not run yet; returns the names this call ran.

    ``now`` is wall-clock time (``time.time()``): periods are shared by every node."""
    global _last_prune  # noqa: PLW0603 - one timestamp per process, for pruning
    now = time.time() if now is None else now
    runner = runner or runner_name()
    ran: list[str] = []
    for job in _jobs.values():
        period = int(now // job.interval_s)
        if job.last_period == period:
            continue
        try:
            if run_once_per_period(job, period, runner):
                ran.append(job.name)
        except Exception:  # the other jobs of this round still run; this one next round
            log.exception("periodic job %s could not be enqueued", job.name)
            continue
        job.last_period = period
    if now - _last_prune >= PRUNE_EVERY_S:
        _prune(now)
        _last_prune = now
    return ran


def _prune(now: float) -> None:
    from openjobcenter.core.models import ScheduledRun

    longest = max((job.interval_s for job in _jobs.values()), default=0)
    keep = max(KEEP_RUNS, timedelta(seconds=2 * longest))
    ScheduledRun.objects.filter(
        period_start__lt=datetime.fromtimestamp(now, tz=UTC) - keep
    ).delete()

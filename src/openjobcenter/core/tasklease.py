"""Leases of background tasks: a task whose worker died runs again (DESIGN §7).

django-tasks-db keeps one row per task (``DBTaskResult``). A worker claims a READY row
by setting it RUNNING with ``started_at`` and appending its id to ``worker_ids``, runs
the task, then sets SUCCESSFUL or FAILED. Nothing records that a worker is alive, so a
worker killed mid-task (OOM killer, node lost, ``kill -9``) leaves its row RUNNING for
ever, and the work it stood for (a document, a PDF, a mail) never happens.

Every task therefore holds a *lease*: ``TASKS["lease_s"]`` seconds from ``started_at``
(longer for tasks registered with ``set_lease``). ``sweep`` (run by ``run_scheduler``
itself, so it works while every worker is busy or dead) puts each RUNNING row past its
lease back to READY; any worker then claims it again (``worker_ids`` grows by one per
try). After ``TASKS["max_attempts"]`` tries it is marked FAILED instead, so a task that
kills its worker every time (a poisoned input) does not take the queue down with it.

Re-running is safe because every task is idempotent: a worker that was merely slow and
finishes after its lease ran out meets the second run at the domain's own guard (the
document's state checked under a row lock, the PDF name, the hand-off's conditional
claim, the outbox row's claim), so the work is done once. A mail is the exception: a
worker killed after the mail server accepted a mail but before the row was marked sends
it again (at least once, never lost).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

LEASE_EXPIRED = "openjobcenter.core.tasklease.LeaseExpired"

# task path (module.function) -> lease in seconds, for tasks that may run long.
_leases: dict[str, int] = {}


class LeaseExpired(Exception):  # noqa: N818 - the name is what the task row shows
    """The task's worker stopped before finishing it, too many times."""


def set_lease(task_path: str, seconds: int) -> None:
    """Give the task at ``task_path`` a lease other than the default."""
    _leases[task_path] = seconds


def _conf(key: str, default: int) -> int:
    return int(getattr(settings, "TASKS_LEASES", {}).get(key, default))


def lease_for(task_path: str) -> timedelta:
    return timedelta(seconds=_leases.get(task_path, _conf("lease_s", 600)))


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Re-enqueue (or, after too many tries, fail) every RUNNING task past its lease.

    Each change is a conditional UPDATE on the row as read (status RUNNING and the same
    ``started_at``), so a task that finished or was claimed again meanwhile is left alone
    and two schedulers never act twice on one try."""
    now = timezone.now() if now is None else now
    shortest = min([_conf("lease_s", 600), *_leases.values()])
    rows = list(
        DBTaskResult.objects.filter(
            status="RUNNING", started_at__lt=now - timedelta(seconds=shortest)
        ).values_list("pk", "task_path", "started_at", "worker_ids")[:500]
    )
    counts = {"requeued": 0, "failed": 0}
    max_attempts = _conf("max_attempts", 3)
    for pk, task_path, started_at, worker_ids in rows:
        if started_at is None or started_at >= now - lease_for(task_path):
            continue
        same_try = DBTaskResult.objects.filter(pk=pk, status="RUNNING", started_at=started_at)
        if len(worker_ids or []) >= max_attempts:
            changed = same_try.update(
                status="FAILED",
                finished_at=now,
                exception_class_path=LEASE_EXPIRED,
                traceback=f"{LEASE_EXPIRED}: the worker stopped during each of "
                f"{len(worker_ids)} tries (workers {', '.join(worker_ids)})\n",
            )
            if changed:
                counts["failed"] += 1
                log.error(
                    "task %s (%s) failed: its worker died %s times", pk, task_path, len(worker_ids)
                )
            continue
        changed = same_try.update(status="READY", started_at=None)
        if changed:
            counts["requeued"] += 1
            log.warning(
                "task %s (%s) re-enqueued: worker %s held it past its lease",
                pk,
                task_path,
                (worker_ids or ["?"])[-1],
            )
    return counts


def sweep_quietly() -> None:
    """The scheduler's entry (``core/apps.py``): a round that fails is logged, the next
    round tries again."""
    from django.conf import settings as dj_settings

    backend = dj_settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db"):
        return  # the immediate backend (tests, TASKS_IMMEDIATE) has no rows to recover
    try:
        sweep()
    except Exception:  # the other periodic jobs of this round still run
        log.exception("task lease sweep failed")

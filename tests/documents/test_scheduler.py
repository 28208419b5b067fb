"""``manage.py run_scheduler`` (core/scheduler.py): each registered periodic job is
enqueued on the real task queue (the database backend production uses) once per period,
not again before its period is over, and a worker then runs it: here the retention job
deletes a document past its retention date."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core import scheduler
from openjobcenter.documents import services, storage
from openjobcenter.documents.models import Document
from tests.documents.conftest import photo, upload

RETENTION = "openjobcenter.documents.tasks.retention_task"


def task_path(job: scheduler.PeriodicJob) -> str:
    return str(job.enqueue.__self__.module_path)  # type: ignore[attr-defined]


def queued_jobs(jobs: list[scheduler.PeriodicJob]) -> list[scheduler.PeriodicJob]:
    """The jobs that go through the task queue; the lease sweeper (core.task_leases) runs
    inside the scheduler itself, since it must work while every worker is dead."""
    return [job for job in jobs if hasattr(job.enqueue, "__self__")]


@pytest.fixture
def fresh_schedule() -> Iterator[list[scheduler.PeriodicJob]]:
    """Every job due, as when the scheduler starts; the registry's state restored after."""
    jobs = scheduler.registered()
    before = {job.name: job.last_period for job in jobs}
    for job in jobs:
        job.last_period = None
    yield jobs
    for job in jobs:
        job.last_period = before[job.name]


@pytest.fixture
def queued_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # production


def enqueued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.mark.django_db
@pytest.mark.usefixtures("queued_tasks")
def test_once_enqueues_every_due_job_once(fresh_schedule: list[scheduler.PeriodicJob]) -> None:
    names = {job.name for job in fresh_schedule}
    assert {
        "documents.retention",
        "appointments.reminders",
        "applications.handoffs",
        "core.task_leases",
        "core.outbox",
    } <= names
    queued = queued_jobs(fresh_schedule)
    assert "core.task_leases" not in {job.name for job in queued}

    # At the start of a six-hour period (so that a minute later is still inside it).
    start = (time.time() // (6 * 3600) - 1) * 6 * 3600 + 1
    scheduler.run_due(now=start)

    assert enqueued() == sorted(task_path(job) for job in queued)
    assert RETENTION in enqueued()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"READY"}

    scheduler.run_due(now=start + 2)  # right after: nothing is due yet
    assert len(enqueued()) == len(queued)

    # A minute later (the scheduler's clock moved, no waiting): only the per-minute jobs.
    ran = scheduler.run_due(now=start + 61)
    minutely = {job.name for job in fresh_schedule if job.interval_s <= 61}
    assert set(ran) == minutely and "documents.retention" not in ran
    minutely_queued = [job for job in queued if job.name in minutely]
    assert len(enqueued()) == len(queued) + len(minutely_queued)


# Committed data: the worker opens and closes database connections as in production.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("docs_on")
def test_enqueued_retention_job_deletes_due_documents_when_a_worker_runs(
    fresh_schedule: list[scheduler.PeriodicJob], customer: CustomerProfile, settings: Any
) -> None:
    # Stored and processed first (at once); then the queue is the production one.
    due, kept = (
        services.document_store_attachment(
            request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
        )
        for _ in range(2)
    )
    Document.objects.filter(pk=due.pk).update(delete_after=timezone.localdate() - timedelta(days=1))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("run_scheduler", "--once")
    assert Document.objects.count() == 2  # enqueued, not yet run

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    retention = DBTaskResult.objects.get(task_path=RETENTION)
    assert retention.status == "SUCCESSFUL"
    assert retention.return_value == {"deleted": 1, "drafts": 0}
    assert list(Document.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not storage.exists(due.file_key)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

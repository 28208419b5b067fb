"""Task leases, the outbox and the documents' processing deadline, in one process
(both databases); ``test_worker_faults.py`` kills real workers on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core import outbox, tasklease
from openjobcenter.core.models import OutboxItem
from openjobcenter.documents.models import Document, DocumentState

pytestmark = pytest.mark.django_db


def _running_row(started_ago_s: int, tries: int = 1) -> Any:
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {"document_id": 1}},
        task_path="openjobcenter.documents.tasks.process_document_task",
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - timedelta(seconds=started_ago_s),
        worker_ids=[f"w{n}" for n in range(tries)],
    )


def test_a_task_past_its_lease_runs_again_and_one_within_it_is_left(settings: Any) -> None:
    settings.TASKS_LEASES = {"lease_s": 60, "max_attempts": 3, "sweep_s": 30}
    dead = _running_row(120)
    alive = _running_row(10)
    assert tasklease.sweep() == {"requeued": 1, "failed": 0}
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.started_at) == ("READY", None)
    assert dead.worker_ids == ["w0"]  # the next claim adds the next worker
    assert alive.status == "RUNNING"
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists()  # a worker will claim it
    assert tasklease.sweep() == {"requeued": 0, "failed": 0}


def test_a_task_that_kills_its_worker_every_time_fails_after_max_attempts(
    settings: Any,
) -> None:
    settings.TASKS_LEASES = {"lease_s": 60, "max_attempts": 3, "sweep_s": 30}
    row = _running_row(120, tries=3)
    assert tasklease.sweep() == {"requeued": 0, "failed": 1}
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.exception_class_path == tasklease.LEASE_EXPIRED
    assert "3 tries" in row.traceback


def test_a_longer_lease_for_a_slow_task(settings: Any) -> None:
    settings.TASKS_LEASES = {"lease_s": 60, "max_attempts": 3, "sweep_s": 30}
    tasklease.set_lease("openjobcenter.documents.tasks.process_document_task", 600)
    try:
        row = _running_row(120)
        assert tasklease.sweep()["requeued"] == 0
        row.refresh_from_db()
        assert row.status == "RUNNING"
    finally:
        tasklease._leases.clear()


def test_outbox_delivers_once_and_retries_with_backoff(
    django_capture_on_commit_callbacks: Any,
) -> None:
    calls: list[Mapping[str, Any]] = []
    fail = [True]

    def handler(payload: Mapping[str, Any]) -> None:
        calls.append(payload)
        if fail[0]:
            raise RuntimeError("receiver down")

    outbox.register("test.topic", handler)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        item = outbox.put(topic="test.topic", key="1", payload={"id": 1})
        assert outbox.put(topic="test.topic", key="1", payload={"id": 1}).pk == item.pk
    # The nudge after commit ran it (immediate backend) and it failed: retried later.
    item.refresh_from_db()
    assert (item.attempts, item.delivered_at, item.last_error) == (
        1,
        None,
        "RuntimeError: receiver down",
    )
    assert item.next_attempt_at is not None and item.next_attempt_at > timezone.now()
    assert outbox.sweep() == 0  # not due during the backoff
    fail[0] = False
    OutboxItem.objects.filter(pk=item.pk).update(next_attempt_at=timezone.now())
    assert outbox.sweep() == 1
    item.refresh_from_db()
    assert item.delivered_at is not None and item.attempts == 2
    assert outbox.sweep() == 0 and outbox.deliver(item.pk) is None  # never twice
    assert len(calls) == 2


def _processing_document(customer: CustomerProfile, minutes_ago: int) -> Document:
    jc = customer.jobcenter
    jc.enabled_modules = [*jc.enabled_modules, "documents"]
    jc.save()
    since = timezone.now() - timedelta(minutes=minutes_ago)
    doc: Document = Document.objects.create(
        jobcenter=jc,
        customer=customer,
        kind="payslip",
        state=DocumentState.PROCESSING,
        submitted_at=since,
        processing_since=since,
    )
    return doc


def test_a_document_stuck_in_processing_offers_a_retry_after_its_deadline(
    customer: CustomerProfile, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(customer.user)
    fresh = _processing_document(customer, minutes_ago=1)
    stuck = _processing_document(customer, minutes_ago=60)
    jc = customer.jobcenter.slug

    page = client.get(reverse("customer:document", kwargs={"jc": jc, "pk": fresh.pk}))
    assert "aktualisiert sich von selbst" in page.content.decode()
    assert "Noch einmal versuchen" not in page.content.decode()
    before = fresh.processing_since
    refused = client.post(
        reverse("customer:document_retry", kwargs={"jc": jc, "pk": fresh.pk}), follow=True
    )
    assert "muss nicht neu verarbeitet werden" in refused.content.decode()
    fresh.refresh_from_db()
    assert (fresh.state, fresh.processing_since) == (DocumentState.PROCESSING, before)

    page = client.get(reverse("customer:document", kwargs={"jc": jc, "pk": stuck.pk}))
    text = page.content.decode()
    assert "dauert ungewöhnlich lange" in text and "Noch einmal versuchen" in text
    assert 'http-equiv="refresh"' not in text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customer:document_retry", kwargs={"jc": jc, "pk": stuck.pk}))
    stuck.refresh_from_db()
    # The immediate backend ran the task at once: a document without pages is refused,
    # and its clock was restarted by the retry.
    assert stuck.state == DocumentState.REFUSED
    assert stuck.processing_since is not None
    assert stuck.processing_since > timezone.now() - timedelta(minutes=1)


def test_a_second_run_of_a_finished_document_stores_nothing(customer: CustomerProfile) -> None:
    """A slow first run and a re-run both reach the end: the second drops its result."""
    from openjobcenter.documents import services_processing

    doc = _processing_document(customer, minutes_ago=1)
    Document.objects.filter(pk=doc.pk).update(state=DocumentState.RECEIVED, file_key="first")
    assert services_processing._refuse(doc, "damaged").state == DocumentState.RECEIVED
    assert services_processing._fail(doc, "boom").state == DocumentState.RECEIVED
    doc.refresh_from_db()
    assert (doc.state, doc.file_key, doc.refusal_code, doc.failure_detail) == (
        DocumentState.RECEIVED,
        "first",
        "",
        "",
    )


def test_the_submission_and_its_outbox_commit_together(
    customer: CustomerProfile, settings: Any, tmp_path: Any
) -> None:
    """Rolled back with the submission, nothing of its work remains; committed, the
    deliveries and the outbox row are there before any after-commit callback ran."""
    from bench.applications import complete_draft

    from openjobcenter.applications import services
    from openjobcenter.applications.models import Application, HandoffDelivery
    from tests.applications.staff_data import enable_module

    settings.MEDIA_ROOT = tmp_path
    enable_module(customer.jobcenter)
    app = complete_draft(customer)

    class RolledBackError(Exception):
        pass

    def submit_then_fail() -> None:
        with transaction.atomic():
            services.application_submit(request=None, application=app)
            raise RolledBackError

    with pytest.raises(RolledBackError):
        submit_then_fail()
    assert Application.objects.get(pk=app.pk).status == "draft"
    assert not HandoffDelivery.objects.filter(application=app).exists()
    assert not OutboxItem.objects.filter(
        topic__in=["applications.submitted", "applications.receipt"]
    ).exists()

    services.application_submit(request=None, application=app)  # callbacks never run here
    assert Application.objects.get(pk=app.pk).status == "received"
    assert list(
        HandoffDelivery.objects.filter(application=app).values_list("backend", "status")
    ) == [("inbox", "pending")]
    row = OutboxItem.objects.get(topic="applications.submitted")
    assert (row.payload, row.delivered_at) == (
        {"application_id": app.pk, "receipt_apart": True},
        None,
    )
    # The receipt is drawn by a task of its own (issue 19), recorded with the submission too.
    receipt = OutboxItem.objects.get(topic="applications.receipt")
    assert (receipt.payload, receipt.delivered_at) == ({"application_id": app.pk}, None)
    # The sweeper delivers it: PDFs stored, hand-off delivered.
    assert outbox.sweep() >= 1
    app.refresh_from_db()
    assert app.pdf_name and app.receipt_pdf_name
    # The filing's own outbox row (written when the draft was filed) hands the filing off
    # too; the submission's delivery is the one this test follows.
    assert HandoffDelivery.objects.get(application=app, phase="submission").status == "delivered"
    row.refresh_from_db()
    assert row.delivered_at is not None


def test_the_sweepers_run_from_the_scheduler(settings: Any) -> None:
    from openjobcenter.core import scheduler

    names = {job.name for job in scheduler.registered()}
    assert {"core.task_leases", "core.outbox", "applications.handoffs"} <= names
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_LEASES = {"lease_s": 60, "max_attempts": 3, "sweep_s": 30}
    row = _running_row(120)
    job = next(j for j in scheduler.registered() if j.name == "core.task_leases")
    job.enqueue()  # runs in the scheduler's process
    row.refresh_from_db()
    assert row.status == "READY"

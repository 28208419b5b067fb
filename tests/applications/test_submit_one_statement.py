"""A submission on PostgreSQL writes its rows in one statement, its tasks included
(issue 19, ``services_submit._write_submission_along``, ``core/taskrows.py``).

What it writes must be what the rows written one by one were: the application, the
event, the audit entry, the sealed receipt mail, the hand-off delivery, both outbox rows;
and with the database task backend the three tasks (the mail, the two outbox nudges)
commit with it, or roll back with it."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult, get_date_max

from openjobcenter import handoff
from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import services
from openjobcenter.applications.models import Application, HandoffConfig, HandoffDelivery
from openjobcenter.core.models import AuditEntry, OutboxItem, OutgoingMail
from openjobcenter.core.tasks import deliver_outbox_item, send_email
from tests.applications.staff_data import enable_module

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


@pytest.fixture
def draft(customer: CustomerProfile, settings: Any, tmp_path: Any) -> Application:
    from bench.applications import complete_draft

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    enable_module(customer.jobcenter)
    app: Application = complete_draft(customer)
    DBTaskResult.objects.all().delete()  # the filing's tasks are not the point
    OutboxItem.objects.all().delete()
    OutgoingMail.objects.all().delete()
    return app


def _tasks() -> list[tuple[str, dict[str, Any]]]:
    return sorted(
        (
            (row.task_path.rsplit(".", 1)[1], row.args_kwargs["kwargs"])
            for row in DBTaskResult.objects.all()
        ),
        key=repr,
    )


def test_rolled_back_with_the_submission_nothing_remains(draft: Application) -> None:
    class RolledBackError(Exception):
        pass

    def submit_then_fail() -> None:
        with transaction.atomic():
            services.application_submit(request=None, application=draft)
            raise RolledBackError

    audits = AuditEntry.objects.count()
    with pytest.raises(RolledBackError):
        submit_then_fail()
    assert Application.objects.get(pk=draft.pk).status == "draft"
    assert not DBTaskResult.objects.exists()
    assert not OutboxItem.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert not HandoffDelivery.objects.filter(application=draft, phase="submission").exists()
    assert not draft.events.filter(kind="submitted").exists()
    assert AuditEntry.objects.count() == audits


def test_the_submission_its_work_and_its_tasks_commit_in_one_statement(
    draft: Application,
) -> None:
    handoff.enabled_backends(draft.jobcenter_id)  # this process's copy is fresh
    with CaptureQueriesContext(connection) as queries:
        services.application_submit(request=None, application=draft, idempotency_key="k1")
    # The test's own transaction makes the service's a savepoint: not a round trip of
    # the service's in production (there BEGIN and COMMIT).
    sent = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    writes = [sql for sql in sent if not sql.lstrip().upper().startswith("SELECT")]
    # One statement writes everything (the UPDATE with its WITH clauses).
    assert len(writes) == 1, writes
    assert writes[0].startswith("WITH along_0 AS (INSERT")
    # The lock, the steps, the reserved keys and the locked row (sent together, in
    # pipeline mode: ``services_submit._lock_and_read``), then the write; the
    # switched-on hand-off backends come from this process's copy
    # (``handoff/configcache.py``).
    assert len(sent) == 5, [sql[:80] for sql in sent]
    assert sent[0].endswith("FOR UPDATE") and "applications_application" in sent[0]
    assert "applications_applicationstep" in sent[1]
    assert "nextval" in sent[2]
    assert "applications_application" in sent[3] and "FOR UPDATE" not in sent[3]
    assert not [sql for sql in sent if "handoffconfig" in sql]

    app = Application.objects.get(pk=draft.pk)
    assert app.status == "received" and app.submitted_at is not None
    assert app.submission_sha256 and app.submitted_data
    assert app.submitted_data["reference"] == app.reference
    event = app.events.get(kind="submitted")
    assert (event.status_from, event.status_to) == ("draft", "received")
    assert event.data == {"idempotency_key": "k1", "sha256": app.submission_sha256}
    assert AuditEntry.objects.filter(
        object_type="application", object_id=str(app.pk), detail="submitted"
    ).exists()
    delivery = HandoffDelivery.objects.get(application=app, phase="submission")
    assert (delivery.backend, delivery.status) == ("inbox", "pending")
    assert len(delivery.idempotency_key) == 32
    items = {i.topic: i for i in OutboxItem.objects.all()}
    assert items["applications.submitted"].payload == {
        "application_id": app.pk,
        "receipt_apart": True,
    }
    assert items["applications.receipt"].payload == {"application_id": app.pk}
    outgoing = OutgoingMail.objects.get()

    # The tasks are there at the commit, naming the rows written with them.
    assert _tasks() == sorted(
        [
            ("deliver_outbox_item", {"item_id": items["applications.submitted"].pk}),
            ("deliver_outbox_item", {"item_id": items["applications.receipt"].pk}),
            ("send_email", {"mail_id": outgoing.pk}),
        ],
        key=repr,
    )
    rows = list(DBTaskResult.objects.all())
    assert {(r.status, r.run_after, r.backend_name, r.queue_name) for r in rows} == {
        ("READY", get_date_max(), "default", "default")
    }
    assert all(r.enqueued_at is not None for r in rows)

    # Run as a worker runs them: the PDFs are stored, the hand-off delivered, the mail sent.
    for row in rows:
        task = row.task
        assert task in (deliver_outbox_item, send_email)
        task.call(**row.args_kwargs["kwargs"])
    app.refresh_from_db()
    assert app.pdf_name and app.receipt_pdf_name
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert [m.subject for m in django_mail.outbox][-1].endswith("ist abgeschickt")
    assert not OutgoingMail.objects.exists()


def test_a_second_submit_writes_nothing_twice(draft: Application) -> None:
    services.application_submit(request=None, application=draft)
    before = (_tasks(), OutboxItem.objects.count(), HandoffDelivery.objects.count())
    again = services.application_submit(request=None, application=draft, idempotency_key="x")
    assert again.status == "received"
    assert (_tasks(), OutboxItem.objects.count(), HandoffDelivery.objects.count()) == before
    assert draft.events.filter(kind="submitted").count() == 1


def test_a_backend_switched_on_after_the_copy_was_made_gets_its_delivery(
    draft: Application,
) -> None:
    """The per-process copy of the switched-on backends never hides a change: the
    switch sets the shared version anew, so the next submission reads them again."""
    assert set(handoff.enabled_backends(draft.jobcenter_id)) == {"inbox"}  # copy made
    HandoffConfig.objects.create(
        jobcenter_id=draft.jobcenter_id,
        backend="json_push",
        config={"url": "http://127.0.0.1:9/antraege", "secret": "ein-geheimnis-1234"},
    )
    with CaptureQueriesContext(connection) as queries:
        services.application_submit(request=None, application=draft)
    assert [q for q in queries if "handoffconfig" in q["sql"]], "read again after the change"
    assert set(
        HandoffDelivery.objects.filter(application=draft, phase="submission").values_list(
            "backend", flat=True
        )
    ) == {"inbox", "json_push"}

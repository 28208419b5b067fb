"""A submission and what may run beside it, on PostgreSQL (issue 19).

``application_submit`` sends its row lock, the read of the steps, the keys it reserves and
the read of the locked row in one round trip (psycopg's pipeline mode,
``services_submit._lock_and_read``). The statements run in the order sent, each with its
own snapshot, so what the submission freezes is what the last step save committed, even
when that save held the lock while the submission's statements were sent; and two
submissions of one draft at once write the submission once.

Each thread has its own database connection. SQLite serialises writers, so these run on
PostgreSQL only (CI's second pass, ``DATABASE_URL=postgres://...``).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest
from django.core import mail as django_mail
from django.db import connections, transaction

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import services
from openjobcenter.applications.models import Application, ApplicationStep, HandoffDelivery
from openjobcenter.core.models import OutboxItem
from tests.applications.staff_data import enable_module

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


@pytest.fixture
def draft(customer: CustomerProfile, settings: Any, tmp_path: Any) -> Application:
    from bench.applications import complete_draft

    settings.MEDIA_ROOT = tmp_path
    enable_module(customer.jobcenter)
    app: Application = complete_draft(customer)
    return app


def _in_thread(work: Any, errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_save_holding_the_lock_is_in_what_the_submission_freezes(draft: Application) -> None:
    """A step save has the draft's row lock and has written, not yet committed, a new
    rent when the submission's statements go out: the submission waits for the lock and
    then reads the steps after it, so it freezes the new rent, not the one before."""
    row = ApplicationStep.objects.get(application=draft, step_key="housing")
    saved, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def save() -> None:
        with transaction.atomic():
            services.application_step_save(
                request=None,
                application=Application.objects.get(pk=draft.pk),
                step_key="housing",
                answers={**row.answers, "cold_rent": "777"},
                base_version=row.version,
            )
            saved.set()
            release.wait(timeout=30)

    submitted: list[Application] = []

    def submit() -> None:
        app = Application.objects.select_related("jobcenter", "customer__user").get(pk=draft.pk)
        submitted.append(services.application_submit(request=None, application=app))

    saver = _in_thread(save, errors)
    assert saved.wait(timeout=30)
    submitter = _in_thread(submit, errors)
    time.sleep(0.5)
    assert submitter.is_alive()  # waiting for the save's lock
    release.set()
    saver.join(timeout=30)
    submitter.join(timeout=30)
    assert not errors, errors

    app = Application.objects.get(pk=draft.pk)
    assert app.status == "received"
    stored = ApplicationStep.objects.get(application=draft, step_key="housing").answers
    assert stored["cold_rent"] != row.answers["cold_rent"]
    assert app.submitted_data is not None
    assert app.submitted_data["answers"]["housing"]["cold_rent"] == stored["cold_rent"]
    assert submitted[0].submission_sha256 == app.submission_sha256


def test_two_submissions_of_one_draft_at_once_write_it_once(draft: Application) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results: list[Application] = []

    def submit(key: str) -> None:
        app = Application.objects.select_related("jobcenter", "customer__user").get(pk=draft.pk)
        barrier.wait(timeout=30)
        results.append(
            services.application_submit(request=None, application=app, idempotency_key=key)
        )

    threads = [_in_thread(lambda key=key: submit(key), errors) for key in ("a", "b")]
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors

    app = Application.objects.get(pk=draft.pk)
    assert [r.status for r in results] == ["received", "received"]
    assert {r.submission_sha256 for r in results} == {app.submission_sha256}
    assert draft.events.filter(kind="submitted").count() == 1
    assert HandoffDelivery.objects.filter(application=draft, phase="submission").count() == 1
    topics = sorted(
        OutboxItem.objects.filter(key=str(draft.pk))
        .exclude(topic="applications.filed")
        .values_list("topic", flat=True)
    )
    assert topics == ["applications.receipt", "applications.submitted"]
    # One receipt mail for the submission (the other was the filing's).
    sent = [m.subject for m in django_mail.outbox if m.subject.endswith("ist abgeschickt")]
    assert len(sent) == 1, sent

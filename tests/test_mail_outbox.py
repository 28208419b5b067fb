"""Mail content never sits in the task table; finished task rows are pruned."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core import scheduler
from openjobcenter.core.models import OutgoingMail
from openjobcenter.core.tasks import task_results_prune

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run(row: DBTaskResult[Any, Any]) -> Any:
    """What the worker does with a queued row."""
    return row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])


def test_password_reset_link_is_in_no_task_row(
    client: Client,
    customer: CustomerProfile,
    outbox: list[Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = DB_TASKS  # the real queue, as in production
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": customer.user.email})
    assert response.status_code == 302
    row = DBTaskResult.objects.get(task_path="openjobcenter.core.tasks.send_email")
    assert set(row.args_kwargs["kwargs"]) == {"mail_id"}
    stored = OutgoingMail.objects.get(pk=row.args_kwargs["kwargs"]["mail_id"])
    assert b"/konto/password/reset/key/" not in bytes(stored.sealed)
    assert customer.user.email.encode() not in bytes(stored.sealed)
    assert outbox == []  # not sent before the worker runs
    assert _run(row) == 1
    assert len(outbox) == 1
    link = re.search(r"/konto/password/reset/key/\S+", outbox[0].body)
    assert link is not None
    # Nothing of the mail is kept anywhere once it is sent.
    assert not OutgoingMail.objects.exists()
    every_row = json.dumps(list(DBTaskResult.objects.values("args_kwargs", "return_value")))
    assert link.group(0) not in every_row
    assert link.group(0).rsplit("/", 2)[-2] not in every_row  # nor the key


def test_a_mail_whose_transaction_rolls_back_is_not_kept(
    customer: CustomerProfile, settings: Any
) -> None:
    from django.core.mail import EmailMessage
    from django.db import transaction

    from openjobcenter.core.mail import send_after_commit

    settings.TASKS = DB_TASKS
    with transaction.atomic():
        send_after_commit(EmailMessage("Betreff", "Text", "a@example.org", ["b@example.org"]))
        transaction.set_rollback(True)
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def _row(status: str, finished_ago: timedelta | None) -> DBTaskResult[Any, Any]:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="openjobcenter.core.tasks.prune_task_results",
        backend_name="default",
        run_after=now,
        finished_at=None if finished_ago is None else now - finished_ago,
    )


def test_finished_task_rows_are_pruned(db: None) -> None:
    old_done = _row(TaskResultStatus.SUCCESSFUL, timedelta(hours=2))
    fresh_done = _row(TaskResultStatus.SUCCESSFUL, timedelta(minutes=5))
    old_failed = _row(TaskResultStatus.FAILED, timedelta(days=8))
    recent_failed = _row(TaskResultStatus.FAILED, timedelta(days=1))
    waiting = _row(TaskResultStatus.READY, None)
    running = _row(TaskResultStatus.RUNNING, None)
    assert task_results_prune() == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {fresh_done.pk, recent_failed.pk, waiting.pk, running.pk}
    assert old_done.pk not in left
    assert old_failed.pk not in left
    assert "core.prune_task_results" in {job.name for job in scheduler.registered()}

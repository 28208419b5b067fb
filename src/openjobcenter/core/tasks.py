"""Background tasks of the platform core."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

from openjobcenter.core import failpoints

# Finished task rows are kept only briefly: they are for watching the queue, not an
# archive, and their arguments are data. Failed ones a little longer, to look into.
KEEP_SUCCESSFUL = timedelta(hours=1)
KEEP_FAILED = timedelta(days=7)


@task()
def send_email(*, mail_id: int) -> int:
    """Send one stored e-mail (``core/mail.py``). Runs in the worker so a slow mail
    server never blocks a page; the content is not in the task's arguments."""
    from openjobcenter.core.mail import send_outgoing

    failpoints.hit("core.send_email")
    return send_outgoing(mail_id)


def task_results_prune(*, now: datetime | None = None) -> int:
    """Delete finished task rows (successful after an hour, failed after a week); rows
    waiting or running are left alone. Returns how many were deleted."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    moment = now or timezone.now()
    done = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=moment - KEEP_SUCCESSFUL
    ).delete()[0]
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=moment - KEEP_FAILED
    ).delete()[0]
    return int(done + failed)


@task()
def prune_task_results() -> int:
    return task_results_prune()


@task()
def deliver_outbox_item(*, item_id: int) -> str | None:
    """Deliver one outbox row right after the commit that wrote it (``core.outbox``)."""
    from openjobcenter.core import outbox

    return outbox.deliver(item_id)


@task()
def sweep_outbox() -> int:
    """Periodic (``core.scheduler``): deliver every outbox row still due; prune old ones."""
    from openjobcenter.core import outbox

    ran = outbox.sweep()
    outbox.prune()
    return ran

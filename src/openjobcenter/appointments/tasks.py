from __future__ import annotations

from django_tasks import task

from openjobcenter.appointments.reminders import send_due_reminders


@task()
def send_due_reminders_task() -> int:
    """Periodic: send the reminders that are due (see ``core.scheduler``)."""
    return send_due_reminders()

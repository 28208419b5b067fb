"""Background tasks of the hand-off (django-tasks; immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from openjobcenter.applications import handoff


@task()
def run_handoffs(*, application_id: int) -> dict[str, str | None]:
    """Run the due deliveries of one submitted application."""
    return handoff.run_for_application(application_id)


@task()
def retry_due_handoffs() -> int:
    """Periodic (``core.scheduler``): run the deliveries whose next try is due."""
    return handoff.retry_due()

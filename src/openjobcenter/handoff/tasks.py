"""Background tasks of the hand-off (django-tasks; immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from openjobcenter import handoff


@task()
def run_handoffs(*, application_id: int) -> dict[str, str | None]:
    """Run the due deliveries of one submitted application."""
    return handoff.run_for_application(application_id)


@task()
def retry_due_handoffs() -> int:
    """Periodic (``core.scheduler``): run the deliveries whose next try is due."""
    return handoff.retry_due()


@task()
def retry_due_items() -> int:
    """Periodic (``core.scheduler``): documents, objections, transcripts due again."""
    from openjobcenter.handoff import items

    return items.retry_due()


@task()
def run_item(*, delivery_id: int) -> str | None:
    """One try of one item delivery (a retry staff started)."""
    from openjobcenter.handoff import items

    return items.run_item_delivery(delivery_id)

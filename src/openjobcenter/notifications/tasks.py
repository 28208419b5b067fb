"""Background work of the notifications module."""

from __future__ import annotations

from django_tasks import task

from openjobcenter.notifications.services import notification_send, notifications_send_due


@task()
def send_notification(*, pending_id: int) -> bool:
    return notification_send(pending_id=pending_id)


@task()
def send_due_notifications() -> int:
    """Periodic: notifications deferred by quiet hours go out when those end."""
    return notifications_send_due()

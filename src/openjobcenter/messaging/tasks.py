"""Background work of the messaging module."""

from __future__ import annotations

from django_tasks import task

from openjobcenter.messaging.services import attachments_sweep_orphans


@task()
def sweep_orphan_attachments() -> int:
    """Periodic: attachment files whose message was never stored."""
    return attachments_sweep_orphans()

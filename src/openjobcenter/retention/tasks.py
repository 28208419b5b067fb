"""The daily deletion run as a task (registered with the scheduler in ``apps.py``)."""

from __future__ import annotations

from django_tasks import task


@task()
def retention_task() -> int:
    from openjobcenter.retention.services import retention_run

    return sum(r.deleted for r in retention_run())

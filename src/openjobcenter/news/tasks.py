from __future__ import annotations

from django_tasks import task

from openjobcenter.news import services


@task()
def publish_due() -> int:
    """Scheduled posts whose time has come go out to the followers (idempotent)."""
    return services.posts_publish_due()

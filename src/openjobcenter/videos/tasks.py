"""Background work of the videos module (django-tasks; immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from openjobcenter.videos import conversion


@task()
def transcode_variant_task(*, variant_id: int) -> str:
    """Convert one uploaded variant to a web MP4 and make its poster."""
    variant = conversion.variant_process(variant_id=variant_id)
    return variant.state if variant is not None else "missing"

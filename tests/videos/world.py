"""The ownership matrix's videos: one of job centre A (ready, with captions, attached to
a form step) and one of the shared library."""

from __future__ import annotations

import io

from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos import storage
from openjobcenter.videos.models import (
    TargetKind,
    VariantState,
    Video,
    VideoAttachment,
    VideoVariant,
)

VTT = "WEBVTT\n\n00:00.000 --> 00:01.000\nHallo\n"


def make_videos(jobcenter: Jobcenter) -> dict[str, int]:
    video = Video.objects.create(jobcenter=jobcenter, title="Antrag stellen", published=True)
    name = storage.put(jobcenter.storage_id, ".mp4", io.BytesIO(b"\x00" * 2048))
    webm = storage.put(
        jobcenter.storage_id, ".webm", io.BytesIO(b"\x1a\x45\xdf\xa3" + b"\x00" * 64)
    )
    poster = storage.put(jobcenter.storage_id, ".jpg", io.BytesIO(b"\xff\xd8\xff" + b"\x00" * 64))
    variant = VideoVariant.objects.create(
        video=video,
        state=VariantState.FAILED,
        error_code="transcode",
        source_name=name,
        mp4_name=name,
        webm_name=webm,
        poster_name=poster,
        duration_s=80,
        captions=VTT,
    )
    # Served as ready: the failed state only makes the admin's retry answer something.
    VideoVariant.objects.filter(pk=variant.pk).update(state=VariantState.READY)
    attachment = VideoAttachment.objects.create(
        jobcenter=jobcenter,
        video=video,
        target_kind=TargetKind.APPLICATION_STEP,
        target_key="initial:bank",
    )
    shared = Video.objects.create(jobcenter=None, title="Kontoauszug", published=True)
    return {
        "video": video.pk,
        "variant": variant.pk,
        "attachment": attachment.pk,
        "shared_video": shared.pk,
    }

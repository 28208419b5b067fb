"""The conversion of an uploaded variant (the background task's body): web MP4 and WebM,
a poster, progress on the variant row; nothing half-stored on failure."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from openjobcenter.videos import ffmpeg, storage
from openjobcenter.videos.models import VariantState, VideoVariant

log = logging.getLogger(__name__)


def variant_process(*, variant_id: int) -> VideoVariant | None:
    """The task's body: convert, make the poster, store both; idempotent (a re-run after
    a lost worker starts from the stored source again)."""
    with transaction.atomic():
        variant = (
            VideoVariant.objects.select_for_update()
            .select_related("video")
            .filter(pk=variant_id)
            .first()
        )
        if variant is None or variant.state == VariantState.READY:
            return variant
        variant.state = VariantState.PROCESSING
        variant.started_at = timezone.now()
        variant.progress = 0
        variant.attempts += 1
        variant.save(update_fields=["state", "started_at", "progress", "attempts", "updated_at"])
    source_name = variant.source_name
    new_names: list[str] = []
    try:
        info = _convert(variant, new_names)
    except ffmpeg.ProbeError as exc:
        storage.delete(*new_names)
        VideoVariant.objects.filter(pk=variant_id).update(
            state=VariantState.FAILED, error_code=exc.code, error_detail=exc.detail[:300]
        )
        log.warning("video variant %s failed: %s", variant_id, exc.code)
        variant.refresh_from_db()
        return variant
    with transaction.atomic():
        current = VideoVariant.objects.select_for_update().get(pk=variant_id)
        if current.source_name != source_name:
            # A new file was uploaded meanwhile: this result is outdated.
            transaction.on_commit(lambda: storage.delete(*new_names))
            return current
        old = [current.mp4_name, current.poster_name, current.webm_name]
        current.mp4_name, current.poster_name, current.webm_name = new_names
        current.duration_s = info.duration_s
        current.state = VariantState.READY
        current.progress = 100
        current.error_code = current.error_detail = ""
        current.save()
        transaction.on_commit(lambda: storage.delete(*old))
    return current


def _convert(variant: VideoVariant, new_names: list[str]) -> ffmpeg.ProbeResult:
    """Fetch the source, convert it (MP4, WebM, poster) and store the results; their
    storage names are appended to ``new_names`` as they are stored (MP4, poster, WebM),
    so the caller can delete them when a later step fails."""
    owner = storage.owner_of(variant.video)
    with tempfile.TemporaryDirectory(prefix="ojc-transcode-") as tmp:
        src = Path(tmp) / "source"
        try:
            with (
                storage.videos_storage().open(variant.source_name, "rb") as fh,
                src.open("wb") as out,
            ):
                while data := fh.read(1024 * 1024):
                    out.write(data)
        except (FileNotFoundError, OSError) as exc:
            raise ffmpeg.ProbeError("missing") from exc
        info = ffmpeg.probe(src)

        def progress(percent: int) -> None:
            VideoVariant.objects.filter(pk=variant.pk).update(progress=percent)

        mp4, webm, jpg = Path(tmp) / "out.mp4", Path(tmp) / "out.webm", Path(tmp) / "poster.jpg"
        ffmpeg.transcode(
            src,
            mp4,
            duration_s=info.duration_s,
            has_audio=info.has_audio,
            on_progress=progress,
            webm_target=webm,
        )
        ffmpeg.poster(mp4, jpg, at_s=min(1.0, info.duration_s / 2))
        for path, suffix in ((mp4, ".mp4"), (jpg, ".jpg"), (webm, ".webm")):
            with path.open("rb") as result:
                new_names.append(storage.put(owner, suffix, result))
    return info

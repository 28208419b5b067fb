"""Every write of the videos module (DESIGN §4.1); admin writes are audited."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import checked_translations
from openjobcenter.core.models import AuditAction
from openjobcenter.videos import ffmpeg, storage
from openjobcenter.videos.conf import conf
from openjobcenter.videos.errors import VideoInputError, message_for
from openjobcenter.videos.models import (
    TargetKind,
    VariantKind,
    VariantState,
    Video,
    VideoAttachment,
    VideoDayStat,
    VideoSettings,
    VideoVariant,
)
from openjobcenter.videos.webvtt import WebVTTError, parse, parse_chapters

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)
SUFFIXES = {"mov,mp4,m4a,3gp,3g2,mj2": ".mp4", "matroska,webm": ".webm"}
BEACON_FIELDS = {
    "started": "started",
    "25": "reached_25",
    "50": "reached_50",
    "75": "reached_75",
    "100": "completed",
}


def _audit(
    request: HttpRequest | None,
    actor: User | None,
    action: AuditAction,
    kind: str,
    pk: int,
    jobcenter: Jobcenter | None,
    detail: str,
) -> None:
    audit(
        request=request,
        action=action,
        object_type=kind,
        object_id=pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=detail,
    )


# --- Videos -------------------------------------------------------------------------------


def video_save(
    *,
    request: HttpRequest | None,
    actor: User | None,
    jobcenter: Jobcenter | None,
    video: Video | None,
    data: dict[str, Any],
) -> Video:
    """Create (``video=None``) or update a video of ``jobcenter`` (None: the operator's
    shared library)."""
    if video is None:
        video = Video(jobcenter=jobcenter)
        action = AuditAction.CREATE
    else:
        if video.jobcenter_id != (jobcenter.pk if jobcenter else None):
            msg = "video belongs elsewhere"
            raise ValueError(msg)
        action = AuditAction.UPDATE
    for field in ("title", "description", "published", "peertube_url"):
        if field in data:
            setattr(video, field, data[field])
    if "translations" in data:
        video.translations = checked_translations(data["translations"])
    if video.published and video.pk and jobcenter is not None:
        missing = missing_captions(jobcenter, video)
        if missing:
            raise VideoInputError(
                _("Ihr Jobcenter verlangt Untertitel. Diese Fassungen haben noch keine: %(list)s.")
                % {"list": ", ".join(missing)},
                "published",
            )
    with transaction.atomic():
        video.save()
        _audit(request, actor, action, "video", video.pk, jobcenter, video.title)
    return video


def captions_required(jobcenter: Jobcenter | None) -> bool:
    if jobcenter is None:
        return False
    return VideoSettings.objects.filter(jobcenter=jobcenter, captions_required=True).exists()


def missing_captions(jobcenter: Jobcenter, video: Video) -> list[str]:
    """The variants with speech but without captions, where the job centre requires them
    (a shared video's variants are the operator's: the job centre cannot add captions)."""
    if not captions_required(jobcenter) or video.adopted_from_id is not None:
        return []
    return [
        f"{v.get_kind_display()} ({v.get_language_display()})"
        for v in VideoVariant.objects.filter(video=video)
        if not v.captions.strip() and v.kind != VariantKind.SIGN_LANGUAGE
    ]


def video_settings_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    captions_required: bool,
    peertube_host: str = "",
) -> VideoSettings:
    with transaction.atomic():
        found, _created = VideoSettings.objects.update_or_create(
            jobcenter=jobcenter,
            defaults={"captions_required": captions_required, "peertube_host": peertube_host},
        )
        _audit(
            request,
            actor,
            AuditAction.UPDATE,
            "video_settings",
            found.pk,
            jobcenter,
            f"captions_required={captions_required} peertube_host={peertube_host or '-'}",
        )
    return found


def video_adopt(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, shared: Video
) -> Video:
    """A job centre takes a video of the shared library into its own (its own title,
    description and places; the shared files play). Adopting twice returns the first."""
    if shared.jobcenter_id is not None:
        msg = "only shared videos can be adopted"
        raise ValueError(msg)
    existing = Video.objects.filter(jobcenter=jobcenter, adopted_from=shared).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            video = Video.objects.create(
                jobcenter=jobcenter,
                adopted_from=shared,
                title=shared.title,
                description=shared.description,
                peertube_url=shared.peertube_url,
                # The operator's translations of the title come along (docs/languages.md).
                translations=shared.translations,
            )
            _audit(request, actor, AuditAction.CREATE, "video", video.pk, jobcenter, "adopted")
    except IntegrityError:  # adopted at the same moment in another request
        return Video.objects.get(jobcenter=jobcenter, adopted_from=shared)
    return video


def video_delete(*, request: HttpRequest | None, actor: User | None, video: Video) -> None:
    names = [
        n
        for v in video.variants.all()
        for n in (v.source_name, v.mp4_name, v.webm_name, v.poster_name)
        if n
    ]
    with transaction.atomic():
        _audit(request, actor, AuditAction.DELETE, "video", video.pk, video.jobcenter, video.title)
        video.delete()
        transaction.on_commit(lambda: storage.delete(*names))


# --- Variants: upload, conversion, texts -----------------------------------------------


def variant_upload(
    *,
    request: HttpRequest | None,
    actor: User | None,
    video: Video,
    kind: str,
    language: str,
    upload: UploadedFile,
    with_captions: bool = False,
) -> VideoVariant:
    """Check the file with ffprobe, store it, and convert it in the background.

    Refused (``VideoInputError``, nothing stored): too large, not a video, a disguised
    file (a picture or text named .mp4), corrupt, too long. A variant of the same kind
    and language gets the new file; its old one plays until the new one is ready.
    """
    if video.adopted_from_id is not None:
        msg = "an adopted video plays the shared files"
        raise ValueError(msg)
    if (upload.size or 0) > conf()["max_upload_bytes"]:
        raise VideoInputError(message_for("too_large"), "file")
    existing = VideoVariant.objects.filter(video=video, kind=kind, language=language).first()
    if (
        video.published
        and captions_required(video.jobcenter)
        and kind != VariantKind.SIGN_LANGUAGE
        and not with_captions
        and not (existing is not None and existing.captions.strip())
    ):
        raise VideoInputError(
            _(
                "Ihr Jobcenter verlangt Untertitel: Bitte laden Sie die WebVTT-Datei mit "
                "dem Video hoch."
            ),
            "captions_file",
        )
    with tempfile.TemporaryDirectory(prefix="ojc-video-") as tmp:
        path = Path(tmp) / "upload"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            info = ffmpeg.probe(path)
        except ffmpeg.ProbeError as exc:
            raise VideoInputError(message_for(exc.code), "file") from exc
        with path.open("rb") as fh:
            name = storage.put(storage.owner_of(video), SUFFIXES[info.format_name], fh)
    try:
        with transaction.atomic():
            variant, created = VideoVariant.objects.select_for_update().get_or_create(
                video=video, kind=kind, language=language
            )
            old_source = "" if created else variant.source_name
            variant.source_name = name
            variant.size_bytes = upload.size or 0
            variant.duration_s = info.duration_s
            variant.state = VariantState.PENDING
            variant.progress = 0
            variant.error_code = variant.error_detail = ""
            variant.attempts = 0
            variant.started_at = None
            variant.save()
            _audit(
                request,
                actor,
                AuditAction.CREATE if created else AuditAction.UPDATE,
                "video_variant",
                variant.pk,
                video.jobcenter,
                f"{video.pk} {kind} {language} upload",
            )
            pk = variant.pk
            transaction.on_commit(lambda: storage.delete(old_source))
            transaction.on_commit(lambda: _enqueue(pk))
    except BaseException:
        storage.delete(name)  # nothing half-stored
        raise
    return variant


def _enqueue(variant_id: int) -> None:
    from openjobcenter.videos.tasks import transcode_variant_task

    transcode_variant_task.enqueue(variant_id=variant_id)


def variant_retry(
    *, request: HttpRequest | None, actor: User | None, variant: VideoVariant
) -> bool:
    """Start the conversion again after a failure or a missed deadline."""
    if not variant_can_retry(variant) or not variant.source_name:
        return False
    with transaction.atomic():
        VideoVariant.objects.filter(pk=variant.pk).update(
            state=VariantState.PENDING, progress=0, error_code="", error_detail="", started_at=None
        )
        _audit(
            request,
            actor,
            AuditAction.UPDATE,
            "video_variant",
            variant.pk,
            variant.video.jobcenter,
            "retry",
        )
        pk = variant.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return True


def variant_delete(
    *, request: HttpRequest | None, actor: User | None, variant: VideoVariant
) -> None:
    """Remove one file of a video (a language or kind no longer offered). The row goes in
    one transaction with its audit entry; its files leave the storage only after the
    commit, so a failed transaction leaves row and files as they were."""
    names = [variant.source_name, variant.mp4_name, variant.webm_name, variant.poster_name]
    with transaction.atomic():
        _audit(
            request,
            actor,
            AuditAction.DELETE,
            "video_variant",
            variant.pk,
            variant.video.jobcenter,
            f"{variant.video_id} {variant.kind} {variant.language}",
        )
        variant.delete()
        transaction.on_commit(lambda: storage.delete(*names))


def variant_can_retry(variant: VideoVariant) -> bool:
    if variant.state == VariantState.FAILED:
        return True
    if variant.state == VariantState.PROCESSING and variant.started_at is not None:
        deadline = variant.started_at + timedelta(seconds=conf()["processing_deadline_s"])
        return timezone.now() > deadline
    return False


def variant_set_texts(
    *,
    request: HttpRequest | None,
    actor: User | None,
    variant: VideoVariant,
    captions: str,
    transcript: str,
    chapters: str,
) -> VideoVariant:
    """Captions (checked WebVTT), transcript and chapters of a variant. Raises
    ``VideoInputError`` with the line-numbered message; nothing is saved then."""
    captions = captions.strip()
    if captions:
        try:
            parse(captions)
        except WebVTTError as exc:
            raise VideoInputError(str(exc), "captions") from exc
    try:
        parse_chapters(chapters)
    except WebVTTError as exc:
        raise VideoInputError(str(exc), "chapters") from exc
    with transaction.atomic():
        variant.captions = captions + "\n" if captions else ""
        variant.transcript = transcript.strip()
        variant.chapters = chapters.strip()
        variant.save(update_fields=["captions", "transcript", "chapters", "updated_at"])
        _audit(
            request,
            actor,
            AuditAction.UPDATE,
            "video_variant",
            variant.pk,
            variant.video.jobcenter,
            "texts",
        )
    return variant


# --- Places and statistics ---------------------------------------------------------------


def attachment_add(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    video: Video,
    target_kind: str,
    target_key: str,
) -> VideoAttachment:
    if target_kind not in TargetKind.values or video.jobcenter_id != jobcenter.pk:
        msg = "bad attachment"
        raise ValueError(msg)
    with transaction.atomic():
        attachment, _created = VideoAttachment.objects.get_or_create(
            jobcenter=jobcenter, video=video, target_kind=target_kind, target_key=target_key
        )
        _audit(
            request,
            actor,
            AuditAction.CREATE,
            "video_attachment",
            attachment.pk,
            jobcenter,
            f"{video.pk} {target_kind} {target_key}",
        )
    return attachment


def attachment_remove(
    *, request: HttpRequest | None, actor: User, attachment: VideoAttachment
) -> None:
    with transaction.atomic():
        _audit(
            request,
            actor,
            AuditAction.DELETE,
            "video_attachment",
            attachment.pk,
            attachment.jobcenter,
            f"{attachment.video_id} {attachment}",
        )
        attachment.delete()


def beacon_record(*, video: Video, event: str) -> bool:
    """Count one player event for today; nothing about who watched."""
    field = BEACON_FIELDS.get(event)
    if field is None:
        return False
    today = timezone.localdate()
    updated = VideoDayStat.objects.filter(video=video, day=today).update(**{field: F(field) + 1})
    if not updated:
        try:
            with transaction.atomic():
                VideoDayStat.objects.create(video=video, day=today, **{field: 1})
        except IntegrityError:
            VideoDayStat.objects.filter(video=video, day=today).update(**{field: F(field) + 1})
    return True

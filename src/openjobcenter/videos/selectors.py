"""Reads of the videos module: tenant-scoped lookups that 404 for "not yours" (DESIGN §4.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from openjobcenter.tenants.modules import is_enabled
from openjobcenter.videos.models import (
    TargetKind,
    VariantKind,
    VariantState,
    Video,
    VideoAttachment,
    VideoDayStat,
    VideoVariant,
)
from openjobcenter.videos.webvtt import Chapter, format_time, parse_chapters

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter


def get_video_for_admin(jobcenter: Jobcenter, pk: int) -> Video:
    video = Video.objects.filter(jobcenter=jobcenter, pk=pk).select_related("adopted_from").first()
    if video is None:
        raise Http404
    return video


def get_variant_for_admin(video: Video, pk: int) -> VideoVariant:
    if video.adopted_from_id is not None:
        raise Http404
    variant = VideoVariant.objects.filter(video=video, pk=pk).first()
    if variant is None:
        raise Http404
    return variant


def get_attachment_for_admin(video: Video, pk: int) -> VideoAttachment:
    attachment = VideoAttachment.objects.filter(
        video=video, jobcenter=video.jobcenter, pk=pk
    ).first()
    if attachment is None:
        raise Http404
    return attachment


def get_shared_video(pk: int) -> Video:
    video = Video.objects.filter(jobcenter__isnull=True, published=True, pk=pk).first()
    if video is None:
        raise Http404
    return video


def get_video_for_viewer(
    jobcenter: Jobcenter, pk: int, *, preview: bool = False, shared_default: bool = False
) -> Video:
    """A video the job centre shows: its own, published (``preview``: the admin's own
    unpublished ones too), with the module switched on. ``shared_default``: also the
    operator's published default video of a help page, which every job centre shows,
    with or without the module (``shared_help_video``)."""
    video = None
    if is_enabled(jobcenter, "videos"):
        qs = Video.objects.filter(jobcenter=jobcenter, pk=pk)
        if not preview:
            qs = qs.filter(published=True)
        video = qs.select_related("adopted_from").first()
    if video is None and shared_default:
        video = (
            Video.objects.filter(jobcenter__isnull=True, published=True, pk=pk)
            .exclude(default_help_page="")
            .first()
        )
    if video is None:
        raise Http404
    return video


def get_ready_variant(video: Video, pk: int) -> VideoVariant:
    variant = VideoVariant.objects.filter(
        video_id=video.media_video_id, pk=pk, state=VariantState.READY
    ).first()
    if variant is None:
        raise Http404
    return variant


def ready_variants(video: Video) -> list[VideoVariant]:
    return list(
        VideoVariant.objects.filter(video_id=video.media_video_id, state=VariantState.READY)
    )


def pick_variant(
    variants: list[VideoVariant], language: str, kind: str = VariantKind.STANDARD
) -> VideoVariant | None:
    """The variant for the page's language: that language, else German, else any."""
    for want_lang, want_kind in ((language, kind), ("de", kind), (language, None), ("de", None)):
        for v in variants:
            if v.language == want_lang and (want_kind is None or v.kind == want_kind):
                return v
    return variants[0] if variants else None


@dataclass
class PlayerVideo:
    video: Video
    variant: VideoVariant
    alternatives: list[VideoVariant] = field(default_factory=list)
    page_language: str = "de"

    @property
    def duration_label(self) -> str:
        return format_time(self.variant.duration_s or 0)

    @property
    def text_language(self) -> str:
        """The language of the captions and the transcript: the variant's, German for a
        sign-language video (its captions, if any, are German)."""
        return "de" if self.variant.language == "gsg" else self.variant.language

    @property
    def text_direction(self) -> str:
        """``rtl`` for captions and transcript in Arabic or Farsi, whatever the page's
        direction (a German video's transcript on a Farsi page stays left to right)."""
        from openjobcenter.web.pdf import language_direction

        return language_direction(self.text_language)

    @property
    def captions_default(self) -> bool:
        """Captions on where the page's language differs from the audio's (and for
        sign-language videos, which have none)."""
        return bool(self.variant.captions) and self.variant.language != self.page_language

    @property
    def chapters(self) -> list[Chapter]:
        try:
            return parse_chapters(self.variant.chapters)
        except ValueError:
            return []


def player_video(video: Video, *, variant_pk: int | None = None) -> PlayerVideo | None:
    language = (get_language() or "de").split("-")[0]
    variants = ready_variants(video)
    chosen = None
    if variant_pk is not None:
        chosen = next((v for v in variants if v.pk == variant_pk), None)
    chosen = chosen or pick_variant(variants, language)
    if chosen is None:
        return None
    others = [v for v in variants if v.pk != chosen.pk]
    return PlayerVideo(video, chosen, others, language)


def videos_for(jobcenter: Jobcenter, target_kind: str, target_key: str) -> list[PlayerVideo]:
    """The published videos attached to a place, each in the page's language if there
    is a variant in it (else German)."""
    if not is_enabled(jobcenter, "videos"):
        return []
    videos = Video.objects.filter(
        jobcenter=jobcenter,
        published=True,
        attachments__target_kind=target_kind,
        attachments__target_key=target_key,
    ).select_related("adopted_from")
    out = []
    for video in videos:
        player = player_video(video)
        if player is not None:
            out.append(player)
    return out


def sign_language_video(jobcenter: Jobcenter, help_page: str) -> PlayerVideo | None:
    """The video in German Sign Language (a variant of kind ``sign``) for a help page, e.g.
    the start page's DGS slot: the job centre's own published one attached there, else the
    operator's shared default for that page (every job centre gets it, with or without
    the videos module); None without either."""
    own: list[Video] = []
    if is_enabled(jobcenter, "videos"):
        own = list(
            Video.objects.filter(
                jobcenter=jobcenter,
                published=True,
                attachments__target_kind=TargetKind.HELP_PAGE,
                attachments__target_key=help_page,
            ).select_related("adopted_from")
        )
    for video in [*own, *shared_help_videos(help_page)]:
        variants = ready_variants(video)
        sign = next((v for v in variants if v.kind == VariantKind.SIGN_LANGUAGE), None)
        if sign is not None:
            # The shared default's other versions have no page at the job centre.
            others = [v for v in variants if v.pk != sign.pk] if video.jobcenter_id else []
            return PlayerVideo(video, sign, others, (get_language() or "de").split("-")[0])
    return None


def shared_help_videos(help_page: str) -> list[Video]:
    """The operator's published shared videos marked as default for this help page,
    newest first."""
    return list(
        Video.objects.filter(
            jobcenter__isnull=True, published=True, default_help_page=help_page
        ).order_by("-updated_at", "-pk")
    )


def library(jobcenter: Jobcenter) -> list[PlayerVideo]:
    videos = Video.objects.filter(jobcenter=jobcenter, published=True).select_related(
        "adopted_from"
    )
    return [p for p in (player_video(v) for v in videos) if p is not None]


def admin_videos(jobcenter: Jobcenter) -> list[Video]:
    return list(
        Video.objects.filter(jobcenter=jobcenter)
        .select_related("adopted_from")
        .prefetch_related("variants", "attachments")
    )


def shared_videos(jobcenter: Jobcenter | None = None) -> list[tuple[Video, bool]]:
    """The shared library, each with whether ``jobcenter`` has adopted it already."""
    adopted = set(
        Video.objects.filter(jobcenter=jobcenter, adopted_from__isnull=False).values_list(
            "adopted_from_id", flat=True
        )
        if jobcenter is not None
        else []
    )
    return [
        (v, v.pk in adopted)
        for v in Video.objects.filter(jobcenter__isnull=True, published=True).prefetch_related(
            "variants"
        )
    ]


# --- Statistics ----------------------------------------------------------------------


@dataclass(frozen=True)
class VideoStats:
    video: Video
    started: int
    reached_25: int
    reached_50: int
    reached_75: int
    completed: int
    step_changes: list[StepChange]

    @property
    def completion_rate(self) -> int | None:
        return round(100 * self.completed / self.started) if self.started else None


@dataclass(frozen=True)
class StepChange:
    """The step funnel of applications around the day a video was attached: how many of
    those who started the step did not complete it, before and after."""

    step: str
    since: datetime
    before_started: int
    before_failed: int
    after_started: int
    after_failed: int

    @staticmethod
    def _rate(failed: int, started: int) -> int | None:
        return round(100 * failed / started) if started else None

    @property
    def before_rate(self) -> int | None:
        return self._rate(self.before_failed, self.before_started)

    @property
    def after_rate(self) -> int | None:
        return self._rate(self.after_failed, self.after_started)


def _step_change(jobcenter: Jobcenter, attachment: VideoAttachment, days: int) -> StepChange:
    from openjobcenter.applications.models import ApplicationStep

    form_key, _sep, step = attachment.target_key.partition(":")
    since = attachment.created_at
    base = ApplicationStep.objects.filter(
        application__jobcenter=jobcenter, application__form_key=form_key
    ).filter(Q(step_key=step) | Q(step_key__startswith=step + ":"))
    counts = []
    for lo, hi in ((since - timedelta(days=days), since), (since, since + timedelta(days=days))):
        window = base.filter(started_at__gte=lo, started_at__lt=hi)
        started = window.count()
        counts.append((started, window.filter(completed_at__isnull=True).count()))
    return StepChange(
        attachment.target_key, since, counts[0][0], counts[0][1], counts[1][0], counts[1][1]
    )


def video_stats(jobcenter: Jobcenter, *, days: int = 90) -> list[VideoStats]:
    since = timezone.localdate() - timedelta(days=days)
    out = []
    for video in Video.objects.filter(jobcenter=jobcenter).prefetch_related("attachments"):
        sums = VideoDayStat.objects.filter(video=video, day__gte=since).aggregate(
            started=Sum("started"),
            r25=Sum("reached_25"),
            r50=Sum("reached_50"),
            r75=Sum("reached_75"),
            done=Sum("completed"),
        )
        changes = [
            _step_change(jobcenter, a, days)
            for a in video.attachments.all()
            if a.target_kind == TargetKind.APPLICATION_STEP
        ]
        out.append(
            VideoStats(
                video,
                sums["started"] or 0,
                sums["r25"] or 0,
                sums["r50"] or 0,
                sums["r75"] or 0,
                sums["done"] or 0,
                changes,
            )
        )
    return out

"""Explainer videos (Erklärvideos, DESIGN §5 ``explainer``): docs/videos.md.

A ``Video`` belongs to one job centre, or to nobody (``jobcenter`` empty): then it is in
the operator's shared library, and a job centre adopts it as a local ``Video`` of its own
(``adopted_from``) with its own title, description and attachments, playing the shared
video's variants. Each ``VideoVariant`` is one file in one language and kind (standard,
German Sign Language, Leichte Sprache, with audio description) with its captions,
transcript and chapters; files live in the videos storage (``videos.storage``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VariantKind(models.TextChoices):
    STANDARD = "standard", _("Standardfassung")
    SIGN_LANGUAGE = "sign", _("Gebärdensprache")
    EASY_LANGUAGE = "easy", _("Leichte Sprache")
    AUDIO_DESCRIPTION = "described", _("Mit Audiodeskription")


# Language codes of variants: the platform's languages and a few more that job centres
# produce videos in; "gsg" is German Sign Language (DGS, ISO 639-3), used with the kind
# ``sign``. Other modules can use the same pairs (kind, language) later.
VARIANT_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("de", "Deutsch"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("tr", "Türkçe"),
    ("ru", "Русский"),
    ("fa", "فارسی"),
    ("gsg", "Deutsche Gebärdensprache (DGS)"),
)


class VariantState(models.TextChoices):
    PENDING = "pending", _("Wartet auf Umwandlung")
    PROCESSING = "processing", _("Wird umgewandelt")
    READY = "ready", _("Bereit")
    FAILED = "failed", _("Fehlgeschlagen")


class TargetKind(models.TextChoices):
    APPLICATION_STEP = "application_step", _("Schritt eines Antrags")
    DOCUMENT_KIND = "document_kind", _("Art einer Unterlage")
    APPOINTMENT_TYPE = "appointment_type", _("Terminart")
    HELP_PAGE = "help_page", _("Hilfeseite")


class Video(models.Model):
    jobcenter = models.ForeignKey(
        "tenants.Jobcenter",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="videos",
        help_text="Empty: the operator's shared library.",
    )
    adopted_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    title = models.CharField(_("Titel"), max_length=120)
    # Per-language versions of this row's texts (core/content_i18n.py).
    translations = models.JSONField(_("Übersetzungen"), default=dict, db_default={}, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=2000)
    published = models.BooleanField(_("Veröffentlicht"), default=False)
    # A self-hosted PeerTube video instead of (or besides) uploaded files.
    peertube_url = models.URLField(_("PeerTube-Adresse"), blank=True, max_length=300)
    # Shared library only: every job centre without its own video for this help page shows
    # this one (the platform's default DGS video on "startseite", docs/languages.md).
    default_help_page = models.CharField(
        _("Standard für die Hilfeseite"),
        max_length=80,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Nur in der gemeinsamen Bibliothek: Jedes Jobcenter ohne eigenes Video für diese"
            " Hilfeseite zeigt dieses Video, z. B. „startseite“ für das Video in"
            " Deutscher Gebärdensprache."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("title", "pk")
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "adopted_from"), name="video_adopt_once"),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def media_video_id(self) -> int:
        """Whose variants play: the shared video's for an adopted one."""
        return self.adopted_from_id or self.pk


class VideoVariant(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="variants")
    kind = models.CharField(
        _("Fassung"), max_length=12, choices=VariantKind.choices, default=VariantKind.STANDARD
    )
    language = models.CharField(_("Sprache"), max_length=8, choices=VARIANT_LANGUAGES, default="de")
    # Storage keys in the videos storage (never local paths).
    source_name = models.CharField(max_length=200, blank=True)
    mp4_name = models.CharField(max_length=200, blank=True)
    # VP9/Opus WebM beside the MP4 (about half the size where the browser plays it);
    # empty for variants converted before it existed: those play the MP4 alone.
    webm_name = models.CharField(max_length=200, blank=True, db_default="")
    poster_name = models.CharField(max_length=200, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    duration_s = models.FloatField(null=True, blank=True)
    state = models.CharField(
        max_length=12, choices=VariantState.choices, default=VariantState.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=20, blank=True)
    error_detail = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    captions = models.TextField(_("Untertitel (WebVTT)"), blank=True)
    transcript = models.TextField(_("Transkript"), blank=True)
    chapters = models.TextField(_("Kapitel"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("language", "kind", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("video", "kind", "language"), name="video_variant_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.video_id}:{self.kind}:{self.language}"


class VideoAttachment(models.Model):
    """A place where a job centre shows a video: next to a form step, a document kind in a
    request, an appointment type, a help page. ``created_at`` is the "video added" date
    the statistics compare the step's error rate against."""

    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="video_attachments"
    )
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="attachments")
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    # application step "initial:household", document kind "bank_statement", appointment
    # type id "12", help page slug "antrag-hilfe".
    target_key = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("target_kind", "target_key", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("video", "target_kind", "target_key"), name="video_attachment_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.target_kind}:{self.target_key}"


class VideoDayStat(models.Model):
    """Counts per video and day from the player's beacons; nothing about the viewer."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="day_stats")
    day = models.DateField()
    started = models.PositiveIntegerField(default=0)
    reached_25 = models.PositiveIntegerField(default=0)
    reached_50 = models.PositiveIntegerField(default=0)
    reached_75 = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("video", "day"), name="video_day_unique"),)

    def __str__(self) -> str:
        return f"{self.video_id}@{self.day}"


class VideoSettings(models.Model):
    """A job centre's rules for its videos."""

    jobcenter = models.OneToOneField(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="video_settings"
    )
    # Published videos must have captions in every variant with speech (not DGS).
    captions_required = models.BooleanField(_("Untertitel sind Pflicht"), default=False)
    # The job centre's own PeerTube instance (host name): only its videos are embedded,
    # and only the player page of such a video allows frames from it (CSP frame-src).
    peertube_host = models.CharField(
        _("Eigene PeerTube-Instanz"), max_length=120, blank=True, db_default=""
    )

    def __str__(self) -> str:
        return f"video settings {self.jobcenter_id}"

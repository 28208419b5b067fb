"""Job centres (tenants), their offices and the area they serve."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.tenants.jccache import bump_version

_M = TypeVar("_M", bound=models.Model)

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Bitte eine Farbe wie #1d4f91 angeben."))
postcode_validator = RegexValidator(r"^\d{5}$", _("Eine Postleitzahl hat fünf Ziffern."))


class JobcenterKind(models.TextChoices):
    MUNICIPAL = "municipal", _("kommunales Jobcenter")
    JOINT = "joint", _("gemeinsame Einrichtung")


def new_storage_id() -> str:
    return uuid.uuid4().hex


def default_modules() -> list[str]:
    # The self-check needs nothing from the job centre, so every new one offers it.
    return ["calculator"]


class VersionBumpingQuerySet(models.QuerySet[_M]):
    """Bulk updates and deletes set the job centres' shared version anew, so the
    per-process copies keyed by it (``jccache.py``, ``handoff/configcache.py``) are read
    afresh."""

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        bump_version()
        return rows

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        bump_version()
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[_M]:
        created = super().bulk_create(*args, **kwargs)
        bump_version()
        return created


class VersionBumpingModel(models.Model):
    """A row that per-process copies keyed by the job centres' version depend on (a job
    centre's offices, hand-off backends, BundID switch, access rules): saving or deleting
    one sets the version anew. Pair it with a ``VersionBumpingQuerySet`` manager for the
    bulk writes."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        bump_version()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        bump_version()
        return deleted


class JobcenterQuerySet(VersionBumpingQuerySet["Jobcenter"]):
    """Bulk writes tell the per-process job centre caches too (``jccache.py``)."""


class Jobcenter(models.Model):
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=60, unique=True)
    # Never changes: the job centre's encryption keys and storage names derive from it, not
    # from the editable slug (renaming a job centre must not make its files unreadable).
    # Job centres that existed before it got their slug of that day (their files were
    # encrypted under it); new ones a random id.
    storage_id = models.CharField(
        max_length=64, unique=True, default=new_storage_id, editable=False
    )
    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=JobcenterKind.choices)
    state = models.CharField(_("Bundesland"), max_length=60, default="Hessen")
    host = models.CharField(
        _("Eigener Hostname"),
        max_length=253,
        blank=True,
        default="",
        help_text=_("Optional, z. B. jobcenter.landkreis-fulda.de"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    # Branding and start page, maintained by the job centre itself.
    primary_colour = models.CharField(
        _("Hauptfarbe"), max_length=7, default="#1d4f91", validators=[hex_colour]
    )
    logo = models.FileField(_("Logo"), upload_to="logos/", blank=True)
    intro = models.TextField(_("Begrüßungstext"), blank=True)

    # Contact channels.
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Webseite"), blank=True)

    # Legal pages.
    imprint = models.TextField(_("Impressum"), blank=True)
    privacy = models.TextField(_("Datenschutzerklärung"), blank=True)
    accessibility = models.TextField(_("Erklärung zur Barrierefreiheit"), blank=True)
    accessibility_feedback_email = models.EmailField(
        _("Feedback zur Barrierefreiheit (E-Mail)"), blank=True
    )
    # BITV 2.0 § 4: what the site offers, in Leichte Sprache (empty: the platform's text).
    easy_language = models.TextField(_("Text in Leichter Sprache"), blank=True, db_default="")
    # Per-language versions of this row's texts (core/content_i18n.py).
    translations = models.JSONField(_("Übersetzungen"), default=dict, db_default={}, blank=True)

    enabled_modules = models.JSONField(
        _("Eingeschaltete Module"), default=default_modules, blank=True
    )
    customer_number_prefix = models.CharField(
        _("Präfix der Kundennummer"), max_length=10, blank=True
    )

    objects = JobcenterQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        verbose_name = _("Jobcenter")
        verbose_name_plural = _("Jobcenter")
        constraints = (
            models.UniqueConstraint(
                fields=("host",), condition=~models.Q(host=""), name="jobcenter_host_unique"
            ),
        )

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.host = self.host.strip().lower()
        if self.pk is not None:
            stored = (
                type(self).objects.filter(pk=self.pk).values_list("storage_id", flat=True).first()
            )
            if stored is not None and stored != self.storage_id:
                msg = "storage_id never changes: the job centre's files are encrypted under it"
                raise ValidationError(msg)
        super().save(*args, **kwargs)
        bump_version()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        bump_version()
        return deleted


class OfficeQuerySet(VersionBumpingQuerySet["Office"]):
    """Offices are cached with their job centre (the start page, ``web/fragments.py``):
    bulk writes tell the per-process caches too."""


class Office(VersionBumpingModel):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="offices")
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, validators=[postcode_validator])
    city = models.CharField(_("Ort"), max_length=100)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    opening_hours = models.TextField(
        _("Öffnungszeiten"), blank=True, help_text=_("Eine Zeile je Zeitraum, z. B. Mo–Fr 8–12 Uhr")
    )
    accessible_entrance = models.BooleanField(_("Barrierefreier Zugang"), default=False)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # Per-language opening hours (core/content_i18n.py); the German text stays the one
    # the appointments' opening-hours check reads.
    translations = models.JSONField(_("Übersetzungen"), default=dict, db_default={}, blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    @property
    def opening_hours_lines(self) -> list[str]:
        """The opening hours in the reader's language (German as the fallback)."""
        from openjobcenter.core.content_i18n import translated

        text = translated(self, "opening_hours")
        return [line.strip() for line in text.splitlines() if line.strip()]


class ServiceArea(models.Model):
    """A municipality (and postcode) a job centre is responsible for."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="areas")
    municipality = models.CharField(_("Gemeinde"), max_length=120)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, validators=[postcode_validator])

    class Meta:
        ordering = ("municipality", "postcode")
        verbose_name = _("Zuständigkeitsgebiet")
        verbose_name_plural = _("Zuständigkeitsgebiete")
        constraints = (
            models.UniqueConstraint(
                fields=("jobcenter", "municipality", "postcode"), name="area_unique"
            ),
        )
        indexes = (models.Index(fields=("postcode",)),)

    def __str__(self) -> str:
        return f"{self.postcode} {self.municipality}"


class LanguageReview(models.Model):
    """A job centre's record that its texts in one language were read and checked by a
    test group of readers ("geprüft", issue 23.1): who, which group, when, which texts.
    One current record per language (earlier ones stay in the audit log). The platform's
    own catalogues record the same in their ``X-Checked-By`` header (docs/languages.md)."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.CASCADE, related_name="language_reviews"
    )
    language = models.CharField(_("Sprache"), max_length=16)
    reviewer = models.CharField(_("Geprüft von"), max_length=200)
    group = models.TextField(_("Prüfgruppe"), blank=True, db_default="")
    scope = models.TextField(_("Geprüfte Texte"), blank=True, db_default="")
    reviewed_on = models.DateField(_("Geprüft am"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("language",)
        verbose_name = _("Prüfung einer Sprache")
        verbose_name_plural = _("Prüfungen der Sprachen")
        constraints = (
            models.UniqueConstraint(
                fields=("jobcenter", "language"), name="language_review_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.jobcenter_id}:{self.language}"

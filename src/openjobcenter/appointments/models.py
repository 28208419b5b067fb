"""Appointments with one's advisor: types, availability, bookings, invitations.

Times are stored in UTC and shown in Europe/Berlin. A partial unique index on
(staff, starts_at) over active appointments is what guarantees that no slot is ever
booked twice, also under concurrent bookings on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.tenants.models import Jobcenter, Office


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("vor Ort")
    PHONE = "phone", _("am Telefon")
    VIDEO = "video", _("per Video")


def default_channels() -> list[str]:
    return [Channel.IN_PERSON.value]


class AppointmentType(models.Model):
    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.CASCADE, related_name="appointment_types"
    )
    name = models.CharField(_("Bezeichnung"), max_length=120)
    description = models.TextField(_("Beschreibung"), blank=True)
    # Per-language versions of this row's texts (core/content_i18n.py).
    translations = models.JSONField(_("Übersetzungen"), default=dict, db_default={}, blank=True)
    duration_min = models.PositiveSmallIntegerField(
        _("Dauer in Minuten"), validators=[MinValueValidator(5), MaxValueValidator(480)], default=30
    )
    buffer_min = models.PositiveSmallIntegerField(
        _("Puffer danach in Minuten"), validators=[MaxValueValidator(120)], default=0
    )
    channels = models.JSONField(_("Wege"), default=default_channels)
    self_bookable = models.BooleanField(
        _("Kundinnen und Kunden dürfen selbst buchen"), default=True
    )
    own_advisor_only = models.BooleanField(
        _("Nur bei der eigenen Ansprechperson"),
        default=True,
        help_text=_("Sonst bei allen Mitarbeitenden mit Sprechzeiten."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("Buchbar bis (Tage im Voraus)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        default=56,
    )
    notice_hours = models.PositiveSmallIntegerField(
        _("Vorlauf in Stunden"), validators=[MaxValueValidator(24 * 14)], default=12
    )
    what_to_bring = models.TextField(_("Bitte mitbringen"), blank=True)
    legal_notice = models.TextField(
        _("Rechtsfolgenbelehrung bei Einladungen"),
        blank=True,
        help_text=_("Wird bei Einladungen (§ 59 SGB II) angezeigt."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ("jobcenter", "name")
        verbose_name = _("Terminart")
        verbose_name_plural = _("Terminarten")

    def __str__(self) -> str:
        return self.name

    @property
    def step_min(self) -> int:
        return int(self.duration_min) + int(self.buffer_min)


class WeeklyHours(models.Model):
    """Recurring consultation hours of one member of staff (local time, Europe/Berlin)."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(
        _("Wochentag"),
        choices=[
            (0, _("Montag")),
            (1, _("Dienstag")),
            (2, _("Mittwoch")),
            (3, _("Donnerstag")),
            (4, _("Freitag")),
            (5, _("Samstag")),
            (6, _("Sonntag")),
        ],
    )
    start = models.TimeField(_("von"))
    end = models.TimeField(_("bis"))

    class Meta:
        ordering = ("staff", "weekday", "start")
        verbose_name = _("Sprechzeit")
        verbose_name_plural = _("Sprechzeiten")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="weekly_hours_order"
            ),
        )

    def __str__(self) -> str:
        return f"{self.staff} {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Absence(models.Model):
    """A period without appointments: holiday, illness, training. ``staff`` empty = everyone."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="absences",
    )
    starts_at = models.DateTimeField(_("von"))
    ends_at = models.DateTimeField(_("bis"))
    reason = models.CharField(_("Grund"), max_length=120, blank=True)

    class Meta:
        ordering = ("starts_at",)
        verbose_name = _("Abwesenheit")
        verbose_name_plural = _("Abwesenheiten")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="absence_order"
            ),
        )

    def __str__(self) -> str:
        return f"{self.staff or '*'} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class Status(models.TextChoices):
    BOOKED = "booked", _("gebucht")
    INVITED = "invited", _("Einladung offen")
    CONFIRMED = "confirmed", _("bestätigt")
    CHANGE_REQUESTED = "change_requested", _("Verschiebung erbeten")
    CANCELLED = "cancelled", _("abgesagt")
    ATTENDED = "attended", _("wahrgenommen")
    MISSED = "missed", _("nicht wahrgenommen")


# Statuses that hold a slot; the unique index below covers exactly these, and so does the
# exclusion constraint on PostgreSQL (migration 0003 spells them out: keep both in step).
ACTIVE_STATUSES = (Status.BOOKED, Status.INVITED, Status.CONFIRMED, Status.CHANGE_REQUESTED)


class ChangeReason(models.TextChoices):
    ILLNESS = "illness", _("Krankheit")
    JOB_INTERVIEW = "job_interview", _("Vorstellungsgespräch")
    CHILDCARE = "childcare", _("Kinderbetreuung")
    OTHER = "other", _("Anderer Grund")


def new_room_name() -> str:
    # Unguessable and free of personal data: it appears in the video link.
    return secrets.token_urlsafe(18)


class Appointment(models.Model):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="appointments")
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="appointments"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("Weg"), max_length=12, choices=Channel.choices)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note_for_customer = models.TextField(_("Hinweis für die Kundin oder den Kunden"), blank=True)
    change_reason = models.CharField(
        _("Grund"), max_length=20, choices=ChangeReason.choices, blank=True
    )
    change_message = models.TextField(_("Nachricht"), blank=True)
    # When the customer said they cannot come, kept apart from later staff changes.
    change_requested_at = models.DateTimeField(
        _("Absage oder Bitte gesendet am"), null=True, blank=True
    )
    cancelled_by = models.CharField(
        _("Abgesagt von"),
        max_length=10,
        choices=[("customer", _("Kundin oder Kunde")), ("staff", _("Jobcenter"))],
        blank=True,
    )
    staff_message = models.TextField(_("Nachricht des Jobcenters"), blank=True)
    # A proof sent with "Ich kann den Termin nicht wahrnehmen" (kept by the documents
    # module, which owns the file, its retention and who may read it).
    proof = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Nachweis"),
    )
    # Where the appointment stood before it was moved (staff moved it, or an invitation
    # answered the customer's request for another date): the same row moves, so there is
    # one appointment; the audit log keeps every step, this the last one for the pages.
    rescheduled_from = models.DateTimeField(_("Vorher geplant für"), null=True, blank=True)
    # Why staff set this appointment on a holiday, a weekend or outside the office's
    # opening hours (appointments/opening.py warned; the reason is also audited).
    override_reason = models.TextField(
        _("Begründung für einen Termin außerhalb der Öffnungszeiten"), blank=True
    )
    video_room = models.CharField(max_length=40, default=new_room_name, unique=True)
    checked_in_at = models.DateTimeField(_("Angemeldet am Empfang"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("starts_at",)
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        constraints = (
            models.UniqueConstraint(
                fields=("staff", "starts_at"),
                condition=models.Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="appointment_slot_taken_once",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="appointment_order"
            ),
        )
        indexes = (
            models.Index(fields=("jobcenter", "starts_at")),
            models.Index(fields=("staff", "starts_at")),
            # The staff work queue: customers' requests to move an appointment.
            models.Index(
                fields=("jobcenter", "change_requested_at"),
                name="appt_change_requested",
                condition=models.Q(status="change_requested"),
            ),
        )

    def __str__(self) -> str:
        return f"{self.type} {self.starts_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AppointmentMove(models.Model):
    """One move of an appointment: where it stood and where it went.

    The appointment row moves (one appointment, not a second); these rows are its
    history for the pages ("verlegt auf …"), the audit log keeps who saw what."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="moves")
    moved_from = models.DateTimeField(_("Vorher geplant für"))
    moved_to = models.DateTimeField(_("Verlegt auf"))
    # True when an invitation answered the customer's request for another date.
    answered_request = models.BooleanField(default=False)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("moved_at", "pk")
        verbose_name = _("Verlegung")
        verbose_name_plural = _("Verlegungen")

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.moved_from:%Y-%m-%d %H:%M} -> {self.moved_to:%H:%M}"


class ReminderKind(models.TextChoices):
    BEFORE_24H = "24h", _("24 Stunden vorher")
    BEFORE_2H = "2h", _("2 Stunden vorher")


class ReminderSent(models.Model):
    """One reminder that went out; the unique key makes sending idempotent."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    starts_at = (
        models.DateTimeField()
    )  # the start it reminded of; a moved appointment is reminded again
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("appointment", "kind", "starts_at"), name="reminder_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind}"


def feed_token_hash(token: str) -> str:
    """What is stored of a feed token. Tokens are 256 random bits, so a plain SHA-256
    (no salt, no key stretching) is enough: nothing to guess, and a lookup by hash works."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A customer's private calendar feed: the token is a revocable secret.

    Only the token's hash is stored (a database dump or backup does not open anyone's
    feed); the customer sees the address once, right after making it.
    """

    customer = models.OneToOneField(
        CustomerProfile, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kalender-Abo")

    def __str__(self) -> str:
        return f"feed {self.customer_id}"

"""Reception on site: waiting areas, desks, tickets with call numbers, waiting-room displays.

A ticket's call number is the waiting area's prefix and a number counted per waiting area
and day (``A-017``); the unique constraint on (area, day, number) is what keeps two
receptionists from handing out one number twice. Displays authenticate with a random token
of their own, stored only as its SHA-256 hash and revocable; they see numbers and desks,
never a name.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.tenants.models import Jobcenter

prefix_validator = RegexValidator(
    r"^[A-Z]{1,2}$", _("Bitte geben Sie ein oder zwei Großbuchstaben an, zum Beispiel A.")
)


class WaitingArea(models.Model):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="waiting_areas")
    name = models.CharField(_("Bezeichnung"), max_length=80)
    prefix = models.CharField(
        _("Buchstabe der Aufrufnummer"), max_length=2, validators=[prefix_validator]
    )
    active = models.BooleanField(_("in Betrieb"), default=True)

    class Meta:
        ordering = ("name", "pk")
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "prefix"), name="reception_area_prefix"),
            models.UniqueConstraint(fields=("jobcenter", "name"), name="reception_area_name"),
        )

    def __str__(self) -> str:
        return self.name


class Desk(models.Model):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="desks")
    area = models.ForeignKey(WaitingArea, on_delete=models.CASCADE, related_name="desks")
    name = models.CharField(_("Bezeichnung"), max_length=40, help_text=_("Zum Beispiel: Platz 3"))
    active = models.BooleanField(_("in Betrieb"), default=True)

    class Meta:
        ordering = ("area", "name", "pk")
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "name"), name="reception_desk_name"),
        )

    def __str__(self) -> str:
        return self.name


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("wartet")
    CALLED = "called", _("aufgerufen")
    DONE = "done", _("erledigt")
    NO_SHOW = "no_show", _("nicht erschienen")


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED)


class Ticket(models.Model):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="tickets")
    area = models.ForeignKey(WaitingArea, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField()
    number = models.PositiveIntegerField()
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="tickets", null=True, blank=True
    )
    appointment = models.OneToOneField(
        "appointments.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket",
    )
    topic = models.CharField(_("Anliegen"), max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=TicketStatus.choices, default="waiting")
    desk = models.ForeignKey(Desk, on_delete=models.SET_NULL, null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    called_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("day", "area", "number")
        constraints = (
            models.UniqueConstraint(
                fields=("area", "day", "number"), name="reception_ticket_number"
            ),
        )
        indexes = (
            models.Index(fields=("jobcenter", "day", "status"), name="reception_ticket_day"),
        )

    def __str__(self) -> str:
        return self.call_number

    @property
    def call_number(self) -> str:
        return f"{self.area.prefix}-{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Display(models.Model):
    """A waiting-room screen: its link carries the token; revoking ends it at once."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="displays")
    area = models.ForeignKey(WaitingArea, on_delete=models.CASCADE, related_name="displays")
    name = models.CharField(_("Bezeichnung"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("area", "name", "pk")

    def __str__(self) -> str:
        return self.name

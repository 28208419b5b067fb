"""Representatives and co-signing (issue 25 §3, §4).

A ``Mandate`` lets another person's account act for a customer within scopes, for a
period of at most twelve months (a guardian's: the court's). It starts as an invitation
(a single-use code, stored only as its hash) and becomes active when the representative
accepts it with their own account. An ``Organisation`` is an advice centre whose staff
accept mandates in its name. A ``Cosignature`` is one adult of an application's household
confirming, correcting, delegating (§ 38 SGB II) or objecting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.sealed_fields import SealedTextField


class Scope(models.TextChoices):
    READ = "read", _("Alles lesen")
    APPLICATIONS = "applications", _("Anträge stellen und bearbeiten")
    DOCUMENTS = "documents", _("Unterlagen hochladen")
    APPOINTMENTS = "appointments", _("Termine buchen und absagen")
    CHAT = "chat", _("Nachrichten schreiben")
    NOTICES = "notices", _("Bescheide empfangen")


class MandateKind(models.TextChoices):
    PERSONAL = "personal", _("Vollmacht")
    GUARDIAN = "guardian", _("Rechtliche Betreuung")


class MandateState(models.TextChoices):
    INVITED = "invited", _("Einladung offen")
    ACTIVE = "active", _("Aktiv")
    EXPIRED = "expired", _("Abgelaufen")
    REVOKED = "revoked", _("Widerrufen")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Wartet auf Freigabe")
    APPROVED = "approved", _("Freigegeben")
    REJECTED = "rejected", _("Abgelehnt")


class Organisation(models.Model):
    """An advice centre (Beratungsstelle) registered with one job centre."""

    jobcenter = models.ForeignKey("tenants.Jobcenter", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("Name"), max_length=200)
    address = models.CharField(_("Anschrift"), max_length=300)
    email = models.EmailField(_("E-Mail-Adresse"))
    status = models.CharField(
        max_length=10, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    jobcenter = models.ForeignKey("tenants.Jobcenter", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "accounts.CustomerProfile", on_delete=models.CASCADE, related_name="mandates"
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mandates_held",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="mandates"
    )
    kind = models.CharField(
        max_length=10, choices=MandateKind.choices, default=MandateKind.PERSONAL
    )
    scopes: Any = models.JSONField(default=list)
    label = models.CharField(_("Für wen"), max_length=120, blank=True)
    valid_until = models.DateField(_("Gültig bis"))
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A guardian's: the court's document in the customer's documents and its reference.
    proof_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    court_reference = models.CharField(_("Aktenzeichen des Gerichts"), max_length=80, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("representative", "jobcenter")),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def state(self, today: date | None = None) -> MandateState:
        today = today or timezone.localdate()
        if self.revoked_at is not None:
            return MandateState.REVOKED
        if self.valid_until < today:
            return MandateState.EXPIRED
        if self.accepted_at is None:
            return MandateState.INVITED
        return MandateState.ACTIVE

    @property
    def state_label(self) -> str:
        return str(self.state().label)

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]


class CosignState(models.TextChoices):
    OPEN = "open", _("Noch offen")
    CONFIRMED = "confirmed", _("Bestätigt und unterschrieben")
    CORRECTED = "corrected", _("Bestätigt mit Korrektur")
    REPRESENTED = "represented", _("Lässt sich vertreten (§ 38 SGB II)")
    OBJECTED = "objected", _("Widerspricht")


class Cosignature(models.Model):
    """One adult of an application's household (a person id of the answers, "p2"...)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="cosignatures"
    )
    person_id = models.CharField(max_length=4)
    person_name = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=CosignState.choices, default=CosignState.OPEN)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_email = models.EmailField(blank=True)
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    correction = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("person_id",)
        constraints = (
            models.UniqueConstraint(
                fields=("application", "person_id"), name="cosign_one_per_person"
            ),
        )

    def __str__(self) -> str:
        return f"{self.person_name} ({self.get_state_display()})"


class CosignCorrection(models.Model):
    """One field the co-signing adult corrected: what the application said and what they
    say instead (German labels and values as read, for the file and the PDF; the new
    value also canonical, as the form stores it). Sealed like other personal data."""

    cosignature = models.ForeignKey(
        Cosignature, on_delete=models.CASCADE, related_name="corrections"
    )
    field_key = models.CharField(max_length=120)
    label = models.CharField(max_length=300)
    old_value = SealedTextField(blank=True)
    new_value = SealedTextField()
    new_canonical = SealedTextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.cosignature_id}:{self.field_key}"

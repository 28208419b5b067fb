"""The digital customer card (Kundenkarte): one current card per customer, its QR token
only as a SHA-256 hash for lookups (plus a sealed copy so the customer's own page and the
wallet pass can show it again), and the job centre's wallet signing certificate."""

from __future__ import annotations

import hashlib
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.sealed_fields import SealedTextField
from openjobcenter.tenants.models import Jobcenter

# The fixed contract of what a card's QR code holds: this prefix and an opaque token.
PAYLOAD_PREFIX = "OJC1:"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("gültig")
    BLOCKED = "blocked", _("gesperrt")
    REPLACED = "replaced", _("ersetzt")


class CustomerCard(models.Model):
    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.CASCADE, related_name="customer_cards"
    )
    customer = models.ForeignKey(CustomerProfile, on_delete=models.CASCADE, related_name="cards")
    status = models.CharField(
        _("Status"), max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    # SHA-256 (hex) of the raw QR token: the only form a scan is looked up by.
    token_hash = models.CharField(max_length=64, unique=True)
    # The raw token sealed with the documents' keys (AES-GCM), read only to draw the
    # card's own QR code and wallet pass; never searched, never shown to staff.
    token_sealed = SealedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    blocked_at = models.DateTimeField(null=True, blank=True)
    # When this card was replaced by a new one (renewal).
    renewed_at = models.DateTimeField(null=True, blank=True)
    show_next_appointment = models.BooleanField(
        _("Nächsten Termin auf der Karte zeigen"), default=True
    )
    # Apple Wallet: the pass's serial number and its web-service authentication token
    # (hash for lookups, sealed copy to write it into the pass again).
    pass_serial = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pass_auth_hash = models.CharField(max_length=64, unique=True)
    pass_auth_sealed = SealedTextField(blank=True, default="")
    # Anything the pass shows changed (appointment, status, settings): PassKit's
    # "updated since" and Last-Modified.
    pass_updated_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The state (pass_modified) of the last copy the customer downloaded: a newer
    # state means the copy in their wallet is outdated (the card page says so).
    pass_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Kundenkarte")
        verbose_name_plural = _("Kundenkarten")
        constraints = (
            # At most one current (active or blocked) card per customer.
            models.UniqueConstraint(
                fields=("customer",),
                condition=Q(status__in=("active", "blocked")),
                name="card_one_current_per_customer",
            ),
        )

    def __str__(self) -> str:
        return f"Kundenkarte {self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == CardStatus.ACTIVE

    @property
    def payload(self) -> str:
        """What the QR code holds: ``OJC1:`` + the raw token."""
        return PAYLOAD_PREFIX + str(self.token_sealed)


class PassDevice(models.Model):
    """A device that registered a card's Apple Wallet pass for updates."""

    card = models.ForeignKey(CustomerCard, on_delete=models.CASCADE, related_name="devices")
    device_library_id = models.CharField(max_length=100)
    push_token = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("card", "device_library_id"), name="pass_device_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.device_library_id[:8]}… ({self.card_id})"


class WalletSettings(models.Model):
    """A job centre's wallet configuration: Apple pass certificate (private key sealed like
    documents) and Google Wallet issuer."""

    jobcenter = models.OneToOneField(
        Jobcenter, on_delete=models.CASCADE, related_name="wallet_settings"
    )
    pass_type_identifier = models.CharField(_("Pass Type ID"), max_length=200, blank=True)
    team_identifier = models.CharField(_("Team ID"), max_length=20, blank=True)
    certificate_pem = models.TextField(blank=True)
    private_key_sealed = SealedTextField(blank=True, default="")
    wwdr_pem = models.TextField(blank=True)
    certificate_subject = models.CharField(max_length=300, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    google_issuer_id = models.CharField(_("Google-Wallet-Aussteller-ID"), max_length=40, blank=True)
    google_service_account_email = models.EmailField(blank=True)
    google_private_key_sealed = SealedTextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Wallet-Einstellungen")
        verbose_name_plural = _("Wallet-Einstellungen")

    def __str__(self) -> str:
        return f"Wallet ({self.jobcenter_id})"

    @property
    def apple_configured(self) -> bool:
        return bool(self.certificate_pem and self.private_key_sealed and self.pass_type_identifier)

    @property
    def google_configured(self) -> bool:
        return bool(
            self.google_issuer_id
            and self.google_service_account_email
            and self.google_private_key_sealed
        )

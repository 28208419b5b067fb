"""Digital post (issue 25 §§ 1–2): the customer's consent to electronic notices, the
notices (Bescheide) in the postbox, and objections (Widerspruch) to them.

A notice's PDF is sealed at rest in the documents' storage (``documents/storage.py``);
its name is random. Consent is a row per customer with the current state and an
append-only history (``ConsentChange``), so "given on … / withdrawn on …" is shown and
audited; a notice records which way it went when it was deposited (``channel``), so
withdrawing takes effect for the next notice and never rewrites an earlier one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.sealed_fields import SealedTextField
from openjobcenter.tenants.models import Jobcenter


class ConsentChoice(models.TextChoices):
    # (a) uploads and chat need no consent beyond the terms; recorded for the record.
    ONLINE_SERVICES = "online_services", _("Hochladen und Chat")
    # (b) § 37 Abs. 2a SGB X; default: by post.
    ELECTRONIC_NOTICES = "electronic_notices", _("Bescheide elektronisch")


class NoticeConsent(models.Model):
    """The customer's current choice for notices (b). No row: by post (the default)."""

    customer = models.OneToOneField(
        CustomerProfile, on_delete=models.CASCADE, related_name="notice_consent"
    )
    electronic = models.BooleanField(_("Bescheide elektronisch"), default=False)
    changed_at = models.DateTimeField(_("geändert am"))

    class Meta:
        verbose_name = _("Einwilligung in elektronische Bescheide")
        verbose_name_plural = _("Einwilligungen in elektronische Bescheide")

    def __str__(self) -> str:
        return f"consent:{self.customer_id}:{self.electronic}"


class ConsentChange(models.Model):
    """One given or withdrawn consent, append-only (the history the profile shows)."""

    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="consent_changes"
    )
    choice = models.CharField(max_length=30, choices=ConsentChoice.choices)
    given = models.BooleanField()
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["customer", "choice", "-at"], name="postbox_consent_hist")]

    def __str__(self) -> str:
        return f"{self.choice}:{self.given}@{self.at:%Y-%m-%d}"


class NoticeKind(models.TextChoices):
    GRANT = "grant", _("Bewilligung")
    REFUSAL = "refusal", _("Ablehnung")
    CHANGE = "change", _("Änderung")
    REVOCATION = "revocation", _("Aufhebung/Erstattung")
    HEARING = "hearing", _("Anhörung")
    INVITATION = "invitation", _("Einladung")


# Kinds that are administrative acts open to objection (an Anhörung and an Einladung
# are not decisions: no Widerspruch, no deadline).
OBJECTABLE = frozenset(
    {NoticeKind.GRANT, NoticeKind.REFUSAL, NoticeKind.CHANGE, NoticeKind.REVOCATION}
)


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("elektronisch (Postfach)")
    POST = "post", _("per Post")


class Notice(models.Model):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="notices")
    customer = models.ForeignKey(CustomerProfile, on_delete=models.PROTECT, related_name="notices")
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )
    kind = models.CharField(_("Art"), max_length=20, choices=NoticeKind.choices)
    dated = models.DateField(_("Datum des Schreibens"))
    channel = models.CharField(max_length=12, choices=Channel.choices)
    file_name = models.CharField(max_length=200)
    key_id = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(default=1)
    # Whether the file declares PDF/A conformance (XMP pdfaid); recorded, not converted.
    pdfa = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Deposited by the back-office system with its token (no person: ``created_by`` empty).
    deposited_via = models.ForeignKey(
        "postbox.BackOfficeToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField()
    # Electronic: when the customer was told it is there (the § 37 Abs. 2a date counts
    # from this); first retrieval (download) by the customer.
    notified_at = models.DateTimeField(null=True, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    # Sent by post (without consent, or not retrieved within ten days).
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # One chat conversation for questions about this notice (messaging).
    question_conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="postbox_notice_customer"),
            # The staff queue: electronic not retrieved, or for post, not yet posted.
            models.Index(
                fields=["jobcenter", "channel", "created_at"],
                name="postbox_notice_unposted",
                condition=models.Q(posted_at__isnull=True, retrieved_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"notice:{self.pk}"

    @property
    def objectable(self) -> bool:
        return self.kind in OBJECTABLE


class Objection(models.Model):
    """A Widerspruch the customer filed online against a notice, with its receipt."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="objections")
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="objections"
    )
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    reasons = SealedTextField(_("Begründung"))
    # What the customer asks for instead (optional).
    request_text = SealedTextField(_("Was möchten Sie erreichen?"), blank=True)
    submitted_at = models.DateTimeField()
    reference = models.CharField(max_length=20, unique=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.reference


class TokenScope(models.TextChoices):
    NOTICES_DEPOSIT = "notices.deposit", _("Bescheide einstellen")


class BackOfficeToken(models.Model):
    """A machine token of one job centre's back-office system (Fachverfahren): deposits
    notices through the API without a staff session (``postbox.backoffice``). Created by
    the job centre's admin, shown once, stored only as its SHA-256, scoped, revocable;
    every creation, revocation and use is audited."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("Bezeichnung"), max_length=100)
    # The first characters of the key, to recognise it in the list (not enough to use it).
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        max_length=30, choices=TokenScope.choices, default=TokenScope.NOTICES_DEPOSIT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        # The rate limit's key (ninja's AuthRateThrottle hashes str(request.auth)).
        return f"backoffice-token:{self.pk}"

"""Deliveries of what is not an application: accepted documents, objections, chat
transcripts (applications keep ``applications.HandoffDelivery``, which the previous
release reads and writes; the runner treats both alike)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.tenants.models import Jobcenter


class ItemDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Wartet")
    DELIVERED = "delivered", _("Übergeben")
    RETRYING = "retrying", _("Neuer Versuch geplant")
    FAILED = "failed", _("Fehlgeschlagen")


class ItemSubject(models.TextChoices):
    DOCUMENT = "document", _("Unterlage")
    OBJECTION = "objection", _("Widerspruch")
    CHAT_TRANSCRIPT = "chat_transcript", _("Chatverlauf")
    NOTICE_RETRIEVAL = "notice_retrieval", _("Abruf eines Bescheids")


class ItemDelivery(models.Model):
    """The hand-off of one item (``subject`` + ``subject_id``) to one backend. Written in
    the transaction of the event (document accepted, objection filed) with an outbox row,
    so nothing is lost between the commit and the delivery."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=20, choices=ItemSubject.choices)
    subject_id = models.PositiveBigIntegerField()
    backend = models.CharField(max_length=40)
    status = models.CharField(
        max_length=12, choices=ItemDeliveryStatus.choices, default=ItemDeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # The same for every try and every backend of the item: receivers drop duplicates.
    idempotency_key = models.CharField(max_length=64)
    # Short and free of personal data (an HTTP status, an exception's class name).
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # What an earlier try left at the receiver (a FIT-Connect submission id).
    external_ref = models.CharField(max_length=100, blank=True, default="", db_default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Spelled out for the type checker (django-stubs did not infer them for this app).
    objects: ClassVar[models.Manager[ItemDelivery]] = models.Manager()
    jobcenter_id: int

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "subject_id", "backend"], name="handoff_item_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="handoff_item_due"),
            models.Index(fields=["jobcenter", "status"], name="handoff_item_jc_status"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}:{self.subject_id}:{self.backend}"


class HandoffSettings(models.Model):
    """The job centre's choices about what is handed off beyond applications, documents
    and objections: chat transcripts only when it switched them on (off by default)."""

    jobcenter = models.OneToOneField(
        Jobcenter, on_delete=models.CASCADE, related_name="handoff_settings"
    )
    chat_transcripts = models.BooleanField(
        _("Chatverläufe übergeben, wenn das Jobcenter ein Gespräch abschließt"),
        default=False,
        db_default=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[HandoffSettings]] = models.Manager()

    def __str__(self) -> str:
        return f"hand-off settings of {self.jobcenter_id}"

"""Documents (proofs) a customer sends, their pages, requests (Nachforderung) and the job
centre's document settings. Files never live in the database: every file is a key in the
documents storage, encrypted (``crypto.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.sealed_fields import SealedTextField, word_index
from openjobcenter.documents.kinds import get_kind, kind_choices


class DocumentState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PROCESSING = "processing", _("Wird verarbeitet")
    FAILED = "failed", _("Verarbeitung fehlgeschlagen")
    REFUSED = "refused", _("Nicht lesbar")
    RECEIVED = "received", _("Eingegangen")
    CHECKED = "checked", _("Geprüft")
    ACCEPTED = "accepted", _("Anerkannt")
    NEW_COPY_NEEDED = "new_copy_needed", _("Neue Kopie nötig")


# States in which the job centre holds the document (staff see it, receipts exist).
DELIVERED_STATES = (
    DocumentState.RECEIVED,
    DocumentState.CHECKED,
    DocumentState.ACCEPTED,
    DocumentState.NEW_COPY_NEEDED,
)


class Source(models.TextChoices):
    UPLOAD = "upload", _("Hochgeladen")
    CHAT = "chat", _("Nachricht")


class PageState(models.TextChoices):
    PENDING = "pending", _("Wird bearbeitet")
    READY = "ready", _("Fertig")
    REFUSED = "refused", _("Abgelehnt")
    FAILED = "failed", _("Fehler")


def ocr_scope(storage_id: str) -> str:
    """The blind index of OCR text is keyed per job centre."""
    return f"documents.ocr:{storage_id}"


class Document(models.Model):
    jobcenter = models.ForeignKey("tenants.Jobcenter", on_delete=models.CASCADE)
    customer = models.ForeignKey(
        "accounts.CustomerProfile", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("Art"), max_length=40, choices=kind_choices(), default="other")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    state = models.CharField(
        max_length=20, choices=DocumentState.choices, default=DocumentState.DRAFT
    )
    # File names as the customer's device named them (for the receipt).
    original_names = models.CharField(max_length=500, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    # The stored PDF: key in the documents storage, encryption key id, size and hash of
    # the PDF (the plaintext a downloader receives).
    file_key = models.CharField(max_length=200, blank=True)
    key_id = models.CharField(max_length=40, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # An uploaded PDF kept as it is (no page previews).
    is_original_pdf = models.BooleanField(default=False)
    # Sealed at rest; searched through ``ocr_index`` (core/sealed_fields.py).
    ocr_text = SealedTextField(blank=True)
    ocr_index = models.TextField(blank=True, editable=False)
    suggested_kind = models.CharField(max_length=40, blank=True)
    # Shown to the customer: staff's "new copy needed" reason.
    reason = models.TextField(blank=True)
    # Why processing refused it: a message code (``pipeline.base.MESSAGES``), rendered in
    # the reader's language by ``refusal_message``.
    refusal_code = models.CharField(max_length=40, blank=True)
    # Internal only (exception class of a crashed step); never shown to customers.
    failure_detail = models.CharField(max_length=300, blank=True)
    request_item = models.ForeignKey(
        "documents.RequestItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    # The proof on another module's list this document answers, e.g.
    # "application:12:payslip:p2" (``documents.proof_links``): the owner of the list reads
    # it to show "erhalten am …" instead of asking again. Set only from a signed token the
    # owning module issued for this customer, so nobody links to someone else's list.
    proof_for = models.CharField(max_length=120, blank=True, default="")
    # The upload form's one-time key: a second tap on "Senden" (or a resent POST) finds the
    # document the first one made instead of making another.
    submit_key = models.CharField(max_length=40, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock of the review: the staff form carries the version it was rendered
    # with, and ``document_review`` writes only if it is still the stored one, so a
    # second reviewer cannot silently overwrite the first (issue 16, item 4).
    review_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the current processing began (sending, or a retry): "processing" has a deadline
    # (DOCUMENTS["processing_deadline_s"]) after which the customer may start it again.
    processing_since = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    delete_after = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (
            models.Index(fields=("jobcenter", "customer", "state")),
            models.Index(
                fields=("customer", "proof_for"),
                name="document_proof_for",
                condition=~models.Q(proof_for=""),
            ),
            # The staff work queue: received, not yet checked, oldest first.
            models.Index(
                fields=("jobcenter", "submitted_at"),
                name="document_queue_received",
                condition=models.Q(state="received"),
            ),
            # The work queue's health documents: a capped count and the oldest per kind
            # (documents/queue.py), without reading every unchecked document.
            models.Index(
                fields=("jobcenter", "kind", "submitted_at"),
                name="document_queue_received_kind",
                condition=models.Q(state="received"),
            ),
            # The case view and its timeline: one customer's newest documents, in order.
            models.Index(
                fields=("customer", "-submitted_at", "-id"), name="document_customer_recent"
            ),
        )
        constraints = (
            models.UniqueConstraint(
                fields=("customer", "submit_key"),
                name="document_submit_once",
                condition=~models.Q(submit_key=""),
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The sealed OCR text is searched through its blind word index: keep them together.
        fields = kwargs.get("update_fields")
        if fields is None or "ocr_text" in fields:
            self.ocr_index = self.index_of(self.ocr_text)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "ocr_index"}
        super().save(*args, **kwargs)

    def index_of(self, text: str) -> str:
        return word_index(text, ocr_scope(self.jobcenter.storage_id))

    @property
    def kind_label(self) -> str:
        return str(get_kind(self.kind).label)

    @property
    def refusal_message(self) -> str:
        """Why the document was refused, in the active language ("" if it was not)."""
        from openjobcenter.documents.pipeline.base import message

        return message(self.refusal_code) if self.refusal_code else ""

    @property
    def is_delivered(self) -> bool:
        return self.state in DELIVERED_STATES

    @property
    def is_received(self) -> bool:
        """Received and not sent back for a new copy: the proof it answers is done."""
        return self.is_delivered and self.state != DocumentState.NEW_COPY_NEEDED

    @property
    def processing_overdue(self) -> bool:
        """Still processing past the deadline: its worker may have died (the task sweeper
        re-runs it, but the customer need not wait for that): offer a retry."""
        from datetime import timedelta

        from django.utils import timezone

        from openjobcenter.documents.conf import conf

        if self.state != DocumentState.PROCESSING:
            return False
        since = self.processing_since or self.submitted_at or self.created_at
        deadline = timedelta(seconds=int(conf()["processing_deadline_s"]))
        return bool(since and since < timezone.now() - deadline)


class DocumentPage(models.Model):
    """One uploaded file of a document: a photo (cleaned to one page) or a PDF."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    position = models.PositiveIntegerField(default=0)
    original_name = models.CharField(max_length=200, blank=True)
    mime = models.CharField(max_length=40, blank=True)
    # Scratch copy of the upload; deleted after success unless the job centre keeps it.
    original_key = models.CharField(max_length=200, blank=True)
    cleaned_key = models.CharField(max_length=200, blank=True)
    preview_key = models.CharField(max_length=200, blank=True)
    key_id = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=PageState.choices, default=PageState.PENDING)
    # Code of the refusal message (``pipeline.base.MESSAGES``), rendered in the reader's
    # language when shown.
    message_code = models.CharField(max_length=40, blank=True)
    # Rectangles to black out, relative to the cleaned page: [[x, y, w, h], ...] in 0..1.
    redactions = models.JSONField(default=list, blank=True)
    # OCR of the cleaned page (before any redaction), for the early kind suggestion;
    # redacted pages are read again after blacking out, so nothing removed survives here
    # into the document's text. Sealed at rest.
    ocr_text = SealedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"page {self.position} of document {self.document_id}"


class DocumentRequest(models.Model):
    """A Nachforderung (§ 60 SGB I): items the job centre asks a customer to send."""

    jobcenter = models.ForeignKey("tenants.Jobcenter", on_delete=models.CASCADE)
    customer = models.ForeignKey(
        "accounts.CustomerProfile", on_delete=models.CASCADE, related_name="document_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline = models.DateField(_("Frist"))
    explanation = models.TextField(_("Erklärung"), blank=True)
    # The duty-to-cooperate notice (§§ 60, 66 SGB I) as the job centre worded it when the
    # request was made; empty: the shipped default text, in the reader's language
    # (``notice_text``).
    cooperation_notice = models.TextField(blank=True, default="")
    # Its translations as the job centre entered them then (``{"cooperation_notice":
    # {"<language>": "<text>"}}``, core/content_i18n.py); the customer reads it in their
    # language, German where there is none.
    translations = models.JSONField(default=dict, db_default={}, blank=True)
    # The staff form's one-time key: a second tap on "Anfordern" finds the first request.
    submit_key = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once the reminder went out; the periodic job checks it, so it runs once.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = (
            models.UniqueConstraint(
                fields=("jobcenter", "submit_key"),
                name="document_request_submit_once",
                condition=~models.Q(submit_key=""),
            ),
        )
        # The staff work queue: requests whose deadline has passed.
        indexes = (models.Index(fields=("jobcenter", "deadline"), name="docrequest_deadline"),)

    def __str__(self) -> str:
        return f"request {self.pk} (deadline {self.deadline})"

    @property
    def is_complete(self) -> bool:
        return all(item.fulfilled_at for item in self.items.all())

    @property
    def notice_text(self) -> str:
        from openjobcenter.documents.notice import default_notice

        if not self.cooperation_notice:
            return default_notice()
        from openjobcenter.core.content_i18n import translated

        return translated(self, "cooperation_notice")


class RequestItem(models.Model):
    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=40, choices=kind_choices(), default="other")
    free_text = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    reason = models.CharField(_("Grund"), max_length=300, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    # The proof on another module's list this item asks for again (``Document.proof_for``,
    # e.g. "application:12:payslip:p2"): a document answering either one answers both.
    proof_ref = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ("position", "pk")
        # The work queue's overdue requests: does a request still have an open item?
        indexes = (
            models.Index(
                fields=("request",),
                name="requestitem_open",
                condition=models.Q(fulfilled_at__isnull=True),
            ),
        )

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.free_text or str(get_kind(self.kind).label)

    @property
    def upload_query(self) -> str:
        """Query of the upload page answering this item (once fulfilled, e.g. a copy sent
        back by staff, a new copy is sent on its own: the item link would be stale)."""
        if self.fulfilled_at:
            return f"?kind={self.kind}"
        return f"?kind={self.kind}&item={self.pk}"

    @property
    def answer(self) -> Document | None:
        """The document that tells this item's state: the first one received, else the
        newest try (still processing, refused, failed). Reads ``documents`` as prefetched
        by ``selectors._with_items``."""
        sent = [d for d in self.documents.all() if d.state != DocumentState.DRAFT]
        received = [d for d in sent if d.is_received]
        if received:
            return min(received, key=lambda d: (d.processed_at or d.created_at, d.pk))
        return max(sent, key=lambda d: (d.created_at, d.pk)) if sent else None


class DocumentSettings(models.Model):
    """Per job centre: keep the originals, retention in years (default and per kind)."""

    jobcenter = models.OneToOneField(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="document_settings"
    )
    keep_originals = models.BooleanField(_("Originale aufbewahren"), default=False)
    retention_years = models.PositiveIntegerField(_("Aufbewahrung in Jahren"), default=10)
    # {"payslip": 5, ...}: years per kind, overriding ``retention_years``.
    retention_by_kind = models.JSONField(default=dict, blank=True)
    # The deadline a new request proposes (editable per request).
    request_deadline_days = models.PositiveIntegerField(
        _("Frist für Anforderungen in Tagen"), default=14
    )
    # The duty-to-cooperate notice on every request; empty: the shipped default text.
    cooperation_notice = models.TextField(_("Hinweis zur Mitwirkungspflicht"), blank=True)
    # The notice per language, ``{"cooperation_notice": {"<language>": "<text>"}}``
    # (core/content_i18n.py); German is the fallback.
    translations = models.JSONField(default=dict, db_default={}, blank=True)

    def __str__(self) -> str:
        return f"document settings of {self.jobcenter_id}"

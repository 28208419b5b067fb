"""Applications: drafts, submitted applications, their history and their hand-off.

An application belongs to one customer of one job centre. Its answers are stored per
step (``ApplicationStep``), language-neutral (keys and values, never labels), together
with the key and version of the form definition it was started with, so a submitted
application always shows with the questions it was filed with.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.tenants.models import Jobcenter, VersionBumpingModel, VersionBumpingQuerySet


class ApplicationKind(models.TextChoices):
    INITIAL = "initial", _("Erstantrag")
    RENEWAL = "renewal", _("Weiterbewilligungsantrag")
    CHANGE_NOTICE = "change_notice", _("Veränderungsmitteilung")


# The title a form carries on paper (PDFs, receipts): what the customer and other
# offices know it by, never the internal key.
OFFICIAL_TITLES = {
    ApplicationKind.INITIAL: _("Antrag auf Bürgergeld – Erstantrag"),
    ApplicationKind.RENEWAL: _("Weiterbewilligungsantrag"),
    ApplicationKind.CHANGE_NOTICE: _("Veränderungsmitteilung"),
}


class ApplicationStatus(models.TextChoices):
    # Customer side, before submission.
    DRAFT = "draft", _("Entwurf")
    # Back office, after submission (the customer's status page shows these).
    RECEIVED = "received", _("Eingegangen")
    IN_PROGRESS = "in_progress", _("In Bearbeitung")
    DOCUMENTS_REQUESTED = "documents_requested", _("Unterlagen angefordert")
    COMPLETE = "complete", _("Vollständig")
    DECIDED = "decided", _("Entschieden")
    WITHDRAWN = "withdrawn", _("Zurückgenommen")


SUBMITTED_STATUSES = frozenset(ApplicationStatus) - {ApplicationStatus.DRAFT}
# Submitted and not yet decided: work still to do (the staff work queue).
OPEN_STATUSES = (
    ApplicationStatus.RECEIVED,
    ApplicationStatus.IN_PROGRESS,
    ApplicationStatus.DOCUMENTS_REQUESTED,
    ApplicationStatus.COMPLETE,
)


class Application(models.Model):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="applications")
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="applications"
    )
    kind = models.CharField(max_length=20, choices=ApplicationKind.choices)
    status = models.CharField(
        max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # Human-readable, unique, shown on receipts: e.g. "EA-2026-7K3QM9XP".
    reference = models.CharField(max_length=32, unique=True)
    form_key = models.CharField(max_length=40)
    form_version = models.PositiveIntegerField()
    # Filing (Antragstellung): the moment the minimal first step was completed. The
    # benefit takes effect from the first of that month (§ 37 SGB II).
    filed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 over the canonical JSON of the submitted data (shown in the PDF).
    submission_sha256 = models.CharField(max_length=64, blank=True)
    # The frozen, language-neutral submitted data (what hand-off backends receive).
    submitted_data = models.JSONField(null=True, blank=True)
    # Storage name of the generated summary PDF (PDF/A), empty until generated.
    pdf_name = models.CharField(max_length=255, blank=True)
    receipt_pdf_name = models.CharField(max_length=255, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )
    # Denormalised for the staff inbox search (kept in step by the services).
    customer_name = models.CharField(max_length=300, blank=True)
    customer_number = models.CharField(max_length=40, blank=True)
    # For a renewal or change notice: the application it continues, if known.
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Inbox: newest first within a job centre, filtered by status/kind/assignee.
            models.Index(fields=["jobcenter", "status", "-submitted_at"], name="app_inbox_status"),
            models.Index(fields=["jobcenter", "-submitted_at"], name="app_inbox_all"),
            # The name search's window (the newest 5,000 submissions, ``selectors_staff``):
            # on PostgreSQL read from the index alone (the columns it filters and ranks by
            # included), however the rows lie in the table. SQLite has no INCLUDE.
            models.Index(
                fields=["jobcenter", "-submitted_at", "-id"],
                name="app_inbox_names",
                include=["status", "kind", "assignee", "customer_name"],
                condition=models.Q(submitted_at__isnull=False),
            ),
            # A rare kind (few change notices among 500,000) must not scan app_inbox_all.
            models.Index(fields=["jobcenter", "kind", "-submitted_at"], name="app_inbox_kind"),
            models.Index(fields=["jobcenter", "customer_number"], name="app_customer_number"),
            models.Index(fields=["jobcenter", "assignee", "status"], name="app_assignee"),
            models.Index(fields=["customer", "kind", "status"], name="app_customer_kind"),
            # Filed, not yet complete applications (the inbox's and work queue's filings).
            models.Index(
                fields=["jobcenter", "filed_at"],
                name="app_filed_draft",
                condition=models.Q(status="draft", filed_at__isnull=False),
            ),
            # Open applications of one person, oldest first (the work queue's "mine": its
            # oldest without reading the person's whole caseload).
            models.Index(
                fields=["jobcenter", "assignee", "submitted_at"],
                name="app_open_assigned",
                condition=models.Q(
                    assignee__isnull=False,
                    submitted_at__isnull=False,
                    status__in=[s.value for s in OPEN_STATUSES],
                ),
            ),
            # Open applications nobody has taken (the work queue's count and oldest).
            models.Index(
                fields=["jobcenter", "submitted_at"],
                name="app_open_unassigned",
                condition=models.Q(
                    assignee__isnull=True,
                    submitted_at__isnull=False,
                    status__in=[s.value for s in OPEN_STATUSES],
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def official_title(self) -> str:
        """The form's title on paper ("Antrag auf Bürgergeld – Erstantrag")."""
        return str(OFFICIAL_TITLES.get(ApplicationKind(self.kind), self.get_kind_display()))


class StepState(models.TextChoices):
    OPEN = "open", _("Offen")
    DONE = "done", _("Erledigt")


class ApplicationStep(models.Model):
    """The answers of one step (and, for per-person annexes, one person)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    # "household", "income:person-2", ... (step key, optionally ":" and the person id).
    step_key = models.CharField(max_length=80)
    answers = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=StepState.choices, default=StepState.OPEN)
    # Optimistic concurrency: a save names the version it was based on.
    version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "step_key"], name="app_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.step_key}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Angelegt")
    FILED = "filed", _("Antrag gestellt")
    SUBMITTED = "submitted", _("Abgeschickt")
    STATUS_CHANGED = "status_changed", _("Status geändert")
    ASSIGNED = "assigned", _("Zugewiesen")
    QUESTION = "question", _("Rückfrage")
    ANSWER = "answer", _("Antwort")
    HANDOFF = "handoff", _("Übergabe")
    NOTE = "note", _("Vermerk")


class ApplicationEvent(models.Model):
    """History of an application: who did what when. Append-only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    status_from = models.CharField(max_length=24, blank=True)
    status_to = models.CharField(max_length=24, blank=True)
    # Shown to the customer (reason of a status change, a question, an answer).
    message = models.TextField(blank=True)
    # Only for staff.
    internal = models.BooleanField(default=False)
    data: Any = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="app_event_at")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


class ApplicationSettings(models.Model):
    """A job centre's local adaptations. The questions themselves stay shared."""

    jobcenter = models.OneToOneField(
        Jobcenter, on_delete=models.CASCADE, related_name="application_settings"
    )
    introduction = models.TextField(blank=True)
    receipt_contact = models.TextField(blank=True)
    # {"<step_key>.<field_key>": "local help text"}; shown in German instead of the shared
    # help (other languages: ``translations["help_texts"]``, applications/help_texts.py).
    help_texts: Any = models.JSONField(default=dict, blank=True)
    # Per-language versions of the introduction and the help lines (core/content_i18n.py).
    translations: Any = models.JSONField(default=dict, db_default={}, blank=True)
    renewal_enabled = models.BooleanField(default=True)
    change_notice_enabled = models.BooleanField(default=True)
    # Functional mailbox told (without personal data) that something arrived.
    notify_mailbox = models.EmailField(blank=True)

    def __str__(self) -> str:
        return f"{self.jobcenter_id}"


class HandoffConfigQuerySet(VersionBumpingQuerySet["HandoffConfig"]):
    """Bulk writes tell the per-process copies too (``handoff/configcache.py``)."""


class HandoffConfig(VersionBumpingModel):
    """One hand-off backend switched on for a job centre, with its settings. Each
    process keeps the switched-on ones per job centre (``handoff/configcache.py``):
    every write sets the job centres' shared version anew (``tenants/jccache.py``)."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.CASCADE, related_name="handoff_configs"
    )
    backend = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    config: Any = models.JSONField(default=dict, blank=True)

    objects = HandoffConfigQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "backend"], name="handoff_config_unique")
        ]

    def __str__(self) -> str:
        return f"{self.jobcenter_id}:{self.backend}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Wartet")
    DELIVERED = "delivered", _("Übergeben")
    RETRYING = "retrying", _("Neuer Versuch geplant")
    FAILED = "failed", _("Fehlgeschlagen")


class HandoffPhase(models.TextChoices):
    # The filing (first step done, § 37 SGB II): secures the date in the back office.
    FILING = "filing", _("Antragstellung")
    # The complete application, after submission.
    SUBMISSION = "submission", _("Vollständiger Antrag")


class HandoffDelivery(models.Model):
    """The state of one application's hand-off to one backend (visible to staff): one for
    the filing, one for the complete application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="deliveries"
    )
    backend = models.CharField(max_length=40)
    phase = models.CharField(
        max_length=12, choices=HandoffPhase.choices, default=HandoffPhase.SUBMISSION
    )
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # Sent with every try so the receiver can drop duplicates.
    idempotency_key = models.CharField(max_length=64)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # What an earlier try left at the receiver (a FIT-Connect submission id).
    external_ref = models.CharField(max_length=100, blank=True, default="", db_default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "backend", "phase"], name="handoff_phase_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="handoff_due")]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.backend}:{self.phase}"

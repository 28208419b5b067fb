"""A job centre's retention values, the deletion reports, account deletion requests and
the warnings sent before an inactive account is deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionSetting(models.Model):
    """The job centre's own value for one rule (within the rule's bounds)."""

    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="retention_settings"
    )
    rule = models.CharField(max_length=60)
    value = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "rule"), name="retention_setting_unique"),
        )

    def __str__(self) -> str:
        return f"{self.jobcenter_id}:{self.rule}={self.value}"


class ReportStatus(models.TextChoices):
    RUNNING = "running", _("Läuft")
    DONE = "done", _("Abgeschlossen")
    FAILED = "failed", _("Mit Fehlern")
    INTERRUPTED = "interrupted", _("Abgebrochen, beim nächsten Lauf fortgesetzt")


class DeletionReport(models.Model):
    """One rule's part of one run: counts only, never content. Global rules (sessions,
    task results) have no job centre."""

    run_id = models.CharField(max_length=32, db_index=True)
    jobcenter = models.ForeignKey(
        "tenants.Jobcenter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deletion_reports",
    )
    rule = models.CharField(max_length=60)
    value = models.PositiveIntegerField()
    cutoff = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    deleted = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    # The exception's class only (never a message: it may quote data).
    error_kind = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.RUNNING
    )

    class Meta:
        ordering = ("-started_at", "rule")
        indexes = (models.Index(fields=("jobcenter", "-started_at"), name="deletion_report_jc"),)

    def __str__(self) -> str:
        return f"{self.run_id}:{self.rule}:{self.deleted}"


class AccountDeletionRequest(models.Model):
    """A customer asked to delete their account. The account is closed at once; what
    must be kept stays until its own rule deletes it, then the account goes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="deletion_request",
    )
    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="account_deletions"
    )
    customer = models.ForeignKey(
        "accounts.CustomerProfile",
        null=True,
        on_delete=models.SET_NULL,
        related_name="deletion_requests",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # What was deleted at once (counts by kind) and what was kept (counts by kind).
    deleted_now = models.JSONField(default=dict)
    kept = models.JSONField(default=dict)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Staff took note that the customer is reached by post from now on (the account and
    # with it the online channel are gone); until then the request is in the work queue.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"deletion request {self.pk}"


class InactivityWarning(models.Model):
    """The e-mail that announced the deletion of an inactive account (sent once; a login
    afterwards keeps the account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inactivity_warning"
    )
    warned_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"inactivity warning {self.user_id}"

"""The append-only audit log: who read or changed which person's data, when, from where."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.tenants.models import VersionBumpingModel, VersionBumpingQuerySet


class AuditAction(models.TextChoices):
    READ = "read", _("gelesen")
    CREATE = "create", _("angelegt")
    UPDATE = "update", _("geändert")
    DELETE = "delete", _("gelöscht")
    LOGIN = "login", _("angemeldet")
    LOGOUT = "logout", _("abgemeldet")
    LOGIN_FAILED = "login_failed", _("Anmeldung fehlgeschlagen")
    EXPORT = "export", _("exportiert")


# Readable names for ``AuditEntry.object_type``; unknown types are shown as stored.
OBJECT_TYPE_LABELS = {
    "customer_profile": _("Kundenprofil"),
    "customer_list": _("Kundenliste"),
    "customer_number": _("Kundennummer"),
    "customer_card": _("Kundenkarte"),
    "customer_advisor": _("Ansprechperson"),
    "appointment": _("Termin"),
    "appointment_calendar": _("Terminkalender"),
    "appointment_config": _("Termineinstellungen"),
    "calendar_feed": _("Kalender-Abo"),
    "staff_membership": _("Rolle im Jobcenter"),
    "jobcenter": _("Einstellungen des Jobcenters"),
    "office": _("Standort"),
    "session": _("Sitzung"),
    "me": _("Eigene Daten (API)"),
    "access_rule": _("Zugriffsregel"),
}


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        msg = "The audit log is append-only"
        raise PermissionError(msg)

    def delete(self) -> tuple[int, dict[str, int]]:
        msg = "The audit log is append-only"
        raise PermissionError(msg)


class AuditEntry(models.Model):
    """One access to personal data. Rows are never updated or deleted by the application."""

    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    jobcenter = models.ForeignKey(
        "tenants.Jobcenter",
        verbose_name=_("Jobcenter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Wer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text as well so the entry stays readable after the account is gone.
    actor_label = models.CharField(_("Wer (Text)"), max_length=254, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Betroffene Person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_label = models.CharField(_("Betroffene Person (Text)"), max_length=254, blank=True)
    # Issue 25: the customer a representative acted for (the actor is the representative).
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Handelnd für"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("Aktion"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("Art der Daten"), max_length=60)
    object_id = models.CharField(_("Kennung"), max_length=64, blank=True)
    detail = models.CharField(_("Einzelheiten"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)
    request_id = models.CharField(_("Anfrage-ID"), max_length=64, blank=True)

    objects: ClassVar[AuditEntryQuerySet] = AuditEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        indexes = (models.Index(fields=("jobcenter", "-at")),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            msg = "The audit log is append-only"
            raise PermissionError(msg)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        msg = "The audit log is append-only"
        raise PermissionError(msg)

    @property
    def object_type_label(self) -> str:
        return str(OBJECT_TYPE_LABELS.get(self.object_type, self.object_type))


def _mail_token() -> str:
    import secrets

    return secrets.token_hex(16)


class OutgoingMail(models.Model):
    """An e-mail between its transaction's commit and the worker that sends it.

    Its content can carry a password-reset or verification link, so it is not passed to
    the task (task rows keep their arguments): it is sealed here (AES-GCM, a key derived
    from ``DOCUMENTS_MASTER_KEY``; ``core/mail.py``), the task gets the id, and the row is
    deleted once the mail is sent.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    token = models.CharField(max_length=32, default=_mail_token, editable=False)
    sealed = models.BinaryField(editable=False)

    # Not registered in the admin: nobody reads these rows but the worker.

    def __str__(self) -> str:
        return f"mail #{self.pk}"


class OutboxItem(models.Model):
    """Work that must not be lost, written in the same transaction as the change that
    causes it (DESIGN §7) and delivered afterwards by the worker, or by the periodic
    sweeper when the nudge after commit never ran (``core.outbox``)."""

    # What to do: a handler registered under this name (``outbox.register``).
    topic = models.CharField(max_length=60)
    # Ids only, never personal data: the handler reads the rest from the database.
    payload = models.JSONField(default=dict)
    # A second ``put`` with the same (topic, key) adds nothing.
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    # Due from then (NULL: due now). While a try runs it holds the lease's end.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Set when ``max_attempts`` tries failed; an operator looks at ``last_error``.
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("topic", "key"), name="core_outbox_topic_key"),
        )
        indexes = (
            models.Index(
                fields=("next_attempt_at",),
                name="core_outbox_pending",
                condition=models.Q(delivered_at__isnull=True, failed_at__isnull=True),
            ),
        )

    def __str__(self) -> str:
        return f"{self.topic}:{self.key}"


class AccessRuleQuerySet(VersionBumpingQuerySet["AccessRule"]):
    """Bulk writes tell the per-process copies of the rules too."""


class AccessRule(VersionBumpingModel):
    """A job centre's documented deviation from the need-to-know default
    (``core.need_to_know``): what ``role`` may see of ``category``, why, who set it, when.

    Widening needs a written reason or legal basis; narrowing below the default is
    allowed as well. Each change is in the audit log.
    """

    jobcenter = models.ForeignKey(
        "tenants.Jobcenter",
        verbose_name=_("Jobcenter"),
        on_delete=models.CASCADE,
        related_name="access_rules",
    )
    role = models.CharField(_("Rolle"), max_length=20)
    category = models.CharField(_("Datenkategorie"), max_length=30)
    visibility = models.PositiveSmallIntegerField(_("Sichtbarkeit"))
    reason = models.TextField(_("Begründung oder Rechtsgrundlage"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Geändert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_by_label = models.CharField(_("Geändert von (Text)"), max_length=254, blank=True)
    changed_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    # Every staff page reads its job centre's rules (``need_to_know._rules``); each process
    # keeps them under the job centres' version, which every write here sets anew.
    objects = AccessRuleQuerySet.as_manager()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("jobcenter", "role", "category"), name="core_access_rule_unique"
            ),
        )
        verbose_name = _("Zugriffsregel")
        verbose_name_plural = _("Zugriffsregeln")

    def __str__(self) -> str:
        return f"{self.jobcenter_id}:{self.role}:{self.category}={self.visibility}"


class ScheduledRun(models.Model):
    """One periodic job's run for one period (``core.scheduler``): the unique pair (job,
    period start) is what keeps two schedulers, or one taking over from another, from
    enqueuing the same period twice. Written in the transaction that enqueues the task."""

    job = models.CharField(max_length=80)
    period_start = models.DateTimeField()
    ran_at = models.DateTimeField(auto_now_add=True)
    # host:pid of the scheduler that ran it (operators and the takeover test read it).
    runner = models.CharField(max_length=120)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("job", "period_start"), name="core_scheduled_run_once"),
        )

    def __str__(self) -> str:
        return f"{self.job}@{self.period_start:%Y-%m-%dT%H:%M:%S}"


class SharedTranslation(models.Model):
    """A translation the operator ships for a German text that job centres commonly enter
    ("Erstgespräch", "Fragen zum Antrag"): every job centre whose text is exactly this
    German adopts it, unless it has entered its own (core/content_i18n.py)."""

    source = models.CharField(_("Deutscher Text"), max_length=500, unique=True)
    translations = models.JSONField(_("Übersetzungen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Geteilte Übersetzung")
        verbose_name_plural = _("Geteilte Übersetzungen")

    def __str__(self) -> str:
        return self.source

    def save(self, *args: Any, **kwargs: Any) -> None:
        from django.core.cache import cache

        from openjobcenter.core.content_i18n import shared_cache_key

        super().save(*args, **kwargs)
        cache.delete(shared_cache_key(self.source))

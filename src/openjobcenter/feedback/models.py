"""Comprehension feedback, text-change marks and the "Mitmachen" panel (issue 22 §3).

A ``Feedback`` row carries no link to a person: the page (URL pattern name, never a URL
with ids), for application steps the form and step, the answer, and the comment after
``scrub.scrub`` removed what looks like personal data. Whether the author was on the
panel is kept as a flag, not as a reference.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.tenants.models import Jobcenter

COMMENT_MAX = 1000


class Answer(models.TextChoices):
    YES = "yes", _("Ja")
    PARTLY = "partly", _("Teilweise")
    NO = "no", _("Nein")


class Audience(models.TextChoices):
    CUSTOMER = "customer", _("Kundinnen und Kunden")
    STAFF = "staff", _("Mitarbeitende")


class Feedback(models.Model):
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    page = models.CharField(_("Seite"), max_length=100)
    form_key = models.CharField(_("Formular"), max_length=60, blank=True)
    step_key = models.CharField(_("Schritt"), max_length=60, blank=True)
    answer = models.CharField(_("Antwort"), max_length=10, choices=Answer.choices)
    comment = models.TextField(_("Kommentar (bereinigt)"), blank=True)
    panel = models.BooleanField(_("Aus dem Mitmachen-Panel"), default=False)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = (
            models.Index(fields=("jobcenter", "audience", "created_at"), name="feedback_jc_aud"),
        )

    def __str__(self) -> str:
        return f"{self.page} {self.form_key}:{self.step_key} {self.answer}"


class TextChange(models.Model):
    """Staff mark the day a page's (or a step's) text changed: the dashboard shows the
    answers before and after."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(_("Seite"), max_length=100)
    form_key = models.CharField(_("Formular"), max_length=60, blank=True)
    step_key = models.CharField(_("Schritt"), max_length=60, blank=True)
    changed_on = models.DateField(_("Geändert am"))
    description = models.CharField(_("Was wurde geändert?"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.page} {self.changed_on}"


class PanelMembership(models.Model):
    """A customer's explicit consent to be asked to try new pages. Withdrawing keeps the
    row with ``withdrawn_at`` (the profile shows when) until the retention rule removes
    it; deleting the account removes it at once."""

    customer = models.OneToOneField(
        CustomerProfile, on_delete=models.CASCADE, related_name="feedback_panel"
    )
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    consent_version = models.PositiveSmallIntegerField(default=1)
    consented_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"panel:{self.customer_id}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class PanelInvitation(models.Model):
    """Staff ask the panel to try a page (later: a video). The message is shown inside
    the platform only; the notification carries its fixed text."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(_("Seite"), max_length=100)
    path = models.CharField(_("Adresse"), max_length=300)
    message = models.TextField(_("Nachricht an das Panel"), max_length=1000)
    recipients = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.path} ({self.recipients})"

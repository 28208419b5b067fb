"""Staff notes on a customer (Vermerke), kept apart by data category: a job advisor's
placement note is not a benefits caseworker's business and the other way round
(§ 35 SGB I; ``core.need_to_know``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.need_to_know import Category


class NoteCategory(models.TextChoices):
    # The values are need-to-know categories, so a note is gated like any other data.
    BENEFIT = Category.BENEFIT_DATA.value, _("Leistung")
    PLACEMENT = Category.PLACEMENT_DATA.value, _("Vermittlung")


class CaseNote(models.Model):
    jobcenter = models.ForeignKey("tenants.Jobcenter", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "accounts.CustomerProfile", on_delete=models.CASCADE, related_name="case_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(_("Bereich"), max_length=20, choices=NoteCategory.choices)
    text = models.TextField(_("Vermerk"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (
            models.Index(fields=("customer", "category", "-created_at"), name="case_note_recent"),
        )

    def __str__(self) -> str:
        return f"note {self.pk} on customer {self.customer_id}"

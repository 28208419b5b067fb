"""A job centre's local reasonableness limits for housing (§ 22 Abs. 10 SGB II)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.tenants.models import Jobcenter

MAX_PERSONS = 6


class HousingLimit(models.Model):
    """Total limit for rent and heating per household size; ``persons`` = 6 means 6 or more."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.CASCADE, related_name="housing_limits"
    )
    persons = models.PositiveSmallIntegerField(
        _("Personen im Haushalt"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PERSONS)]
    )
    amount_m = models.DecimalField(
        _("Grenze für Miete und Heizung im Monat"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        ordering = ("jobcenter", "persons")
        verbose_name = _("Angemessenheitsgrenze")
        verbose_name_plural = _("Angemessenheitsgrenzen")
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "persons"), name="housing_limit_unique"),
        )

    def __str__(self) -> str:
        return f"{self.jobcenter.slug}: {self.persons} → {self.amount_m} €"

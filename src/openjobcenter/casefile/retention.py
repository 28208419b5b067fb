"""The case file's retention rule (``retention.registry``): case notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def _due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.casefile.models import CaseNote

    return CaseNote.objects.filter(jobcenter=jobcenter, created_at__lt=cutoff)


def _delete(pks: Sequence[int]) -> int:
    from openjobcenter.casefile.models import CaseNote

    return int(CaseNote.objects.filter(pk__in=pks).delete()[0])


def register_rules() -> None:
    register(
        Rule(
            key="casefile.notes",
            label=_("Vermerke zur Fallakte"),
            basis=_("Zeitpunkt des Vermerks"),
            unit=Unit.YEARS,
            default=10,
            minimum=1,
            maximum=30,
            source=_(
                "§ 84 SGB X; Vermerke sind Teil der Akte und folgen ihrer Frist (Ende des "
                "10. Kalenderjahres). Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_due,
            delete=_delete,
            order=70,
        )
    )

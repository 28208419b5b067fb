"""The case file's retention rule (``retention.registry``): case notes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import model_rule


def register_rules() -> None:
    register(
        model_rule(
            model="casefile.CaseNote",
            date_field="created_at",
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
            order=70,
        )
    )

"""Weiterbewilligungsantrag (renewal), version 1: prefilled, asks only what changed."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.definitions import steps_v1 as s
from openjobcenter.applications.engine import (
    Field,
    FieldType,
    FormDefinition,
    Has,
    Step,
    choices,
    register,
)

RENEWAL_CHANGES = Step(
    "changes",
    _("Was hat sich geändert?"),
    s.T_TOPIC_CHANGES,
    intro=_(
        "Wir haben Ihre bisherigen Angaben übernommen. Sagen Sie uns nur, was sich seit Ihrem "
        "letzten Antrag geändert hat."
    ),
    fields=(
        Field(
            "what",
            FieldType.MULTI,
            _("Was hat sich seit dem letzten Antrag geändert?"),
            required=False,
            hint=_("Wenn sich nichts geändert hat, lassen Sie alles leer."),
            choices=choices(
                ("household", _("Personen im Haushalt")),
                ("housing", _("Miete, Nebenkosten oder Heizkosten")),
                ("income", _("Einkommen")),
                ("bank_account", _("Bankverbindung")),
                ("assets", _("Vermögen")),
                ("needs", _("Mehrbedarfe")),
            ),
        ),
    ),
)


def _if(step: Step, what: str) -> Step:
    return replace(step, show_if=Has("changes.what", what))


RENEWAL_V1 = register(
    FormDefinition(
        key="renewal",
        version=1,
        kind="renewal",
        title=_("Weiterbewilligungsantrag"),
        description=_("Bürgergeld für den nächsten Zeitraum weiter beantragen."),
        steps=(
            s.FILING,
            RENEWAL_CHANGES,
            _if(s.HOUSEHOLD, "household"),
            _if(s.MEMBER, "household"),
            _if(s.HOUSING, "housing"),
            _if(s.INCOME, "income"),
            _if(s.BANK, "bank_account"),
            _if(s.ASSETS, "assets"),
            _if(s.NEEDS, "needs"),
            s.DECLARATIONS,
        ),
    )
)

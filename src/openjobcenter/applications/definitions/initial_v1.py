"""Erstantrag (first application), version 1: the main form with the annexes that apply."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.definitions import steps_v1 as s
from openjobcenter.applications.engine import FormDefinition, register

INITIAL_V1 = register(
    FormDefinition(
        key="initial",
        version=1,
        kind="initial",
        title=_("Erstantrag auf Bürgergeld"),
        description=_(
            "Der Antrag auf Bürgergeld mit allen Anlagen, die für Sie gelten. Sie können jederzeit "
            "unterbrechen und später weitermachen."
        ),
        steps=(
            s.FILING,
            s.PERSONAL,
            s.BANK,
            s.SITUATION,
            s.HOUSEHOLD,
            s.MEMBER,
            s.HOUSING,
            s.INCOME,
            s.ASSETS,
            s.MAINTENANCE,
            s.NEEDS,
            s.HEALTH,
            s.DAMAGES,
            s.DECLARATIONS,
        ),
    )
)

"""Erstantrag (first application), version 2: as version 1, with health insurance and
assets asked for each person (issue 17). New applications start with this version;
applications stored with version 1 keep it (their ``form_version``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.definitions import steps_v1 as s
from openjobcenter.applications.definitions import steps_v2 as s2
from openjobcenter.applications.engine import FormDefinition, register

INITIAL_V2 = register(
    FormDefinition(
        key="initial",
        version=2,
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
            s2.PERSON_ASSETS,
            s.MAINTENANCE,
            s.NEEDS,
            s2.PERSON_HEALTH,
            s.DAMAGES,
            s.DECLARATIONS,
        ),
    )
)

"""The places a video can be attached to, as choices for the admin and readable labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from openjobcenter.videos.models import TargetKind

if TYPE_CHECKING:
    from openjobcenter.applications.engine.definitions import FormDefinition
    from openjobcenter.tenants.models import Jobcenter


def target_choices(jobcenter: Jobcenter) -> list[tuple[str, object]]:
    """Grouped choices ``kind|key``: the application forms' steps, the document kinds,
    the job centre's appointment types, and a help page (named in a second field)."""
    from openjobcenter.applications.engine.definitions import all_definitions
    from openjobcenter.appointments.models import AppointmentType
    from openjobcenter.documents.kinds import all_kinds

    latest: dict[str, FormDefinition] = {}
    for definition in all_definitions():
        if definition.key not in latest or definition.version > latest[definition.key].version:
            latest[definition.key] = definition
    steps = [
        (f"{TargetKind.APPLICATION_STEP}|{d.key}:{s.key}", f"{d.title} – {s.title}")
        for d in latest.values()
        for s in d.steps
    ]
    kinds = [(f"{TargetKind.DOCUMENT_KIND}|{k.key}", str(k.label)) for k in all_kinds()]
    types = [
        (f"{TargetKind.APPOINTMENT_TYPE}|{t.pk}", t.name)
        for t in AppointmentType.objects.filter(jobcenter=jobcenter)
    ]
    return [
        (str(_("Schritt eines Antrags")), steps),
        (str(_("Art einer Unterlage")), kinds),
        (str(_("Terminart")), types),
        (
            str(_("Hilfeseite")),
            [(f"{TargetKind.HELP_PAGE}|", str(_("Hilfeseite (Kurzname unten)")))],
        ),
    ]


def target_label(jobcenter: Jobcenter, kind: str, key: str) -> str:
    for _group, options in target_choices(jobcenter):
        for value, label in options:  # type: ignore[attr-defined]
            if value == f"{kind}|{key}":
                return f"{label}"
    return f"{TargetKind(kind).label}: {key}"

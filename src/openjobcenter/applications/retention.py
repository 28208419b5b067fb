"""The applications module's retention rules (``retention.registry``): drafts never
submitted, and submitted applications with their PDFs."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import delete_audited, model_rule


def delete_applications(pks: Sequence[int]) -> int:
    """Delete applications with their steps, events, hand-off states and PDFs (the files
    after the commit); an audit entry each (no content)."""
    from openjobcenter.core import sealed

    # One cascade for the batch (steps, events, hand-off states), one audit INSERT.
    rows = delete_audited(
        "applications.Application",
        pks,
        kind="application",
        fields=("pdf_name", "receipt_pdf_name"),
    )
    names = [n for row in rows for n in row[3:] if n]

    def remove_files() -> None:
        for name in names:
            sealed.delete(name)

    transaction.on_commit(remove_files)
    return len(rows)


def register_rules() -> None:
    from openjobcenter.applications.models import ApplicationStatus

    register(
        model_rule(
            model="applications.Application",
            date_field="updated_at",
            where={"status": ApplicationStatus.DRAFT},
            key="applications.drafts",
            label=_("Antragsentwürfe, die nie abgeschickt wurden"),
            basis=_("Letzte Bearbeitung des Entwurfs"),
            unit=Unit.DAYS,
            default=180,
            minimum=30,
            maximum=730,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung): ein nie gestellter Antrag "
                "gehört nicht zur Akte. Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            delete=delete_applications,
            order=10,
        )
    )
    register(
        # The last change (the decision, a withdrawal) counts; still-open ones are never due.
        model_rule(
            model="applications.Application",
            date_field="updated_at",
            where={"status__in": (ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN)},
            key="applications.submitted",
            label=_("Gestellte Anträge mit Antrags-PDF und Eingangsbestätigung"),
            basis=_("Entscheidung oder Rücknahme (letzte Änderung)"),
            unit=Unit.YEARS,
            default=10,
            minimum=5,
            maximum=30,
            source=_(
                "§ 84 SGB X (Löschung, wenn nicht mehr erforderlich); Aktenpraxis für "
                "Leistungsakten: bis zum Ende des 10. Kalenderjahres nach Abschluss "
                "(Erstattung und Rücknahme nach §§ 45, 50 SGB X bleiben so lange möglich). "
                "Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            delete=delete_applications,
            order=11,
        )
    )

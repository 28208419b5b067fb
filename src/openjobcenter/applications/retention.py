"""The applications module's retention rules (``retention.registry``): drafts never
submitted, and submitted applications with their PDFs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def delete_applications(pks: Sequence[int]) -> int:
    """Delete applications with their steps, events, hand-off states and PDFs (the files
    after the commit); an audit entry each (no content)."""
    from openjobcenter.applications.models import Application
    from openjobcenter.core import sealed
    from openjobcenter.retention.auditing import audit_deleted, homes_changed

    rows = list(
        Application.objects.filter(pk__in=pks).values_list(
            "pk", "jobcenter_id", "pdf_name", "receipt_pdf_name", "customer_id"
        )
    )
    names = [n for _pk, _jc, pdf, receipt, _c in rows for n in (pdf, receipt) if n]
    # One cascade for the batch (steps, events, hand-off states), one audit INSERT.
    Application.objects.filter(pk__in=[r[0] for r in rows]).delete()
    audit_deleted("application", [(r[0], r[1]) for r in rows], detail="retention")
    homes_changed(r[4] for r in rows)

    def remove_files() -> None:
        for name in names:
            sealed.delete(name)

    transaction.on_commit(remove_files)
    return len(rows)


def _drafts_due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.applications.models import Application, ApplicationStatus

    return Application.objects.filter(
        jobcenter=jobcenter, status=ApplicationStatus.DRAFT, updated_at__lt=cutoff
    )


def _submitted_due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.applications.models import Application, ApplicationStatus

    # The last change (the decision, a withdrawal) counts; still-open ones are never due.
    return Application.objects.filter(
        jobcenter=jobcenter,
        status__in=(ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN),
        updated_at__lt=cutoff,
    )


def register_rules() -> None:
    register(
        Rule(
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
            due=_drafts_due,
            delete=delete_applications,
            order=10,
        )
    )
    register(
        Rule(
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
            due=_submitted_due,
            delete=delete_applications,
            order=11,
        )
    )

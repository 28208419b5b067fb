"""The appointments module's retention rule (``retention.registry``): appointments with
their moves, reminders and the proofs sent with them, counted from the appointment's
end."""

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
    from openjobcenter.appointments.models import Appointment

    return Appointment.objects.filter(jobcenter=jobcenter, ends_at__lt=cutoff)


def delete_appointments(pks: Sequence[int]) -> int:
    from openjobcenter.appointments.models import Appointment
    from openjobcenter.documents.retention import delete_documents
    from openjobcenter.retention.auditing import audit_deleted, homes_changed

    rows = list(
        Appointment.objects.filter(pk__in=pks).values_list(
            "pk", "jobcenter_id", "proof_id", "customer_id"
        )
    )
    proofs = [r[2] for r in rows if r[2] is not None]
    Appointment.objects.filter(pk__in=[r[0] for r in rows]).delete()
    audit_deleted("appointment", [(r[0], r[1]) for r in rows], detail="retention")
    homes_changed(r[3] for r in rows)
    # A proof ("Ich kann den Termin nicht wahrnehmen") belongs to the appointment.
    delete_documents(proofs, detail="appointment retention")
    return len(rows)


def register_rules() -> None:
    register(
        Rule(
            key="appointments.appointments",
            label=_("Termine mit Nachweisen zum Termin"),
            basis=_("Ende des Termins"),
            unit=Unit.YEARS,
            default=3,
            minimum=1,
            maximum=10,
            source=_(
                "§ 84 SGB X; Termine (§ 59 SGB II) können eine Leistungsminderung "
                "begründen und werden so lange gebraucht, wie diese angefochten werden "
                "kann. Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_due,
            delete=delete_appointments,
            order=40,
        )
    )

"""The appointments module's retention rule (``retention.registry``): appointments with
their moves, reminders and the proofs sent with them, counted from the appointment's
end."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import delete_audited, model_rule


def delete_appointments(pks: Sequence[int]) -> int:
    from openjobcenter.documents.retention import delete_documents

    rows = delete_audited("appointments.Appointment", pks, kind="appointment", fields=("proof_id",))
    # A proof ("Ich kann den Termin nicht wahrnehmen") belongs to the appointment.
    delete_documents([r[3] for r in rows if r[3] is not None], detail="appointment retention")
    return len(rows)


def register_rules() -> None:
    register(
        model_rule(
            model="appointments.Appointment",
            date_field="ends_at",
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
            delete=delete_appointments,
            order=40,
        )
    )

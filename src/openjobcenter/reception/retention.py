"""The reception's retention rule (``retention.registry``): tickets (call numbers, with
who was checked in when) are needed for the day's work only; counted from their day."""

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
    from openjobcenter.reception.models import Ticket

    return Ticket.objects.filter(jobcenter=jobcenter, created_at__lt=cutoff)


def delete_tickets(pks: Sequence[int]) -> int:
    from openjobcenter.reception.models import Ticket
    from openjobcenter.retention.auditing import audit_deleted

    rows = list(Ticket.objects.filter(pk__in=pks).values_list("pk", "jobcenter_id"))
    Ticket.objects.filter(pk__in=[r[0] for r in rows]).delete()
    audit_deleted("reception_ticket", rows, detail="retention")
    return len(rows)


def register_rules() -> None:
    register(
        Rule(
            key="reception.tickets",
            label=_("Wartenummern am Empfang"),
            basis=_("Tag der Wartenummer"),
            unit=Unit.DAYS,
            default=30,
            minimum=1,
            maximum=365,
            source=_(
                "§ 84 SGB X; Wartenummern braucht nur der Betrieb des Tages, die Anmeldung "
                "zum Termin steht beim Termin. Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_due,
            delete=delete_tickets,
            order=45,
        )
    )

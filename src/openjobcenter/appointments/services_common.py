"""What the appointment services share: the refusals, the audit entry, the row lock, the
overlap check and the insert that lets the database decide who got a slot first."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openjobcenter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    Channel,
)
from openjobcenter.appointments.selectors import free_slots
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.appointments.opening import Concern
    from openjobcenter.appointments.slots import Slot

MAX_MESSAGE = 1000
MAX_OVERRIDE_REASON = 500


class AppointmentError(Exception):
    """A request the rules refuse; ``message`` is shown to the person as it is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SlotTaken(AppointmentError):  # noqa: N818 - reads as the situation, like Http404
    """Someone else got the slot first; ``alternatives`` are the next free ones."""

    def __init__(self, alternatives: list[Slot]) -> None:
        super().__init__(
            _("Dieser Termin ist gerade vergeben worden – hier sind die nächsten freien Termine.")
        )
        self.alternatives = alternatives


class OutsideOpeningHours(AppointmentError):  # noqa: N818 - reads as the situation
    """A holiday, a weekend or a time the office is closed, and no reason to override it.

    ``concerns`` name each reason (``code`` for the API, ``message`` for people)."""

    code = "outside_opening_hours"

    def __init__(self, concerns: list[Concern]) -> None:
        super().__init__(
            " ".join(c.message for c in concerns)
            + " "
            + _("Wenn der Termin trotzdem stattfinden soll, geben Sie bitte eine Begründung an."),
            field="override_reason",
        )
        self.concerns = concerns


def _audit(
    request: HttpRequest | None,
    actor: User,
    appointment: Appointment,
    action: AuditAction,
    detail: str,
) -> None:
    audit(
        request=request,
        action=action,
        object_type="appointment",
        object_id=appointment.pk,
        jobcenter=appointment.jobcenter,
        subject=appointment.customer.user,
        actor=actor,
        detail=detail,
    )


def _check_channel(appt_type: AppointmentType, channel: str) -> None:
    if channel not in (appt_type.channels or []) or channel not in Channel.values:
        raise AppointmentError(_("Diesen Weg gibt es für diese Terminart nicht."), field="channel")


def _next_free(appt_type: AppointmentType, staff_ids: list[int], after: datetime) -> list[Slot]:
    return free_slots(appt_type=appt_type, staff_ids=staff_ids, start=after)[:5]


def _refuse_overlap(appointment: Appointment, appt_type: AppointmentType) -> None:
    """Staff may pick any time, but not one that overlaps another of that person's
    appointments. The friendly early answer; under concurrency the guarantee is
    PostgreSQL's exclusion constraint (SQLite serialises writers)."""
    clash = (
        Appointment.objects.filter(
            staff_id=appointment.staff_id,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=appointment.ends_at,
            ends_at__gt=appointment.starts_at,
        )
        .exclude(pk=appointment.pk)
        .exists()
    )
    if clash:
        raise SlotTaken(_next_free(appt_type, [appointment.staff_id], appointment.starts_at))


def _insert(appointment: Appointment, alternatives_for: tuple[AppointmentType, list[int]]) -> None:
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        # The database decided: the unique index on (staff, starts_at), or on PostgreSQL
        # the exclusion constraint against overlaps (migration 0003). Someone was first.
        appt_type, staff_ids = alternatives_for
        raise SlotTaken(_next_free(appt_type, staff_ids, appointment.starts_at)) from None


def _lock(appointment: Appointment) -> Appointment:
    # of=("self",): lock this appointment only. Without it PostgreSQL also locks the
    # joined job centre, customer, user and type rows, and every booking of the job
    # centre would wait for this one.
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("jobcenter", "customer__user", "type")
        .get(pk=appointment.pk)
    )

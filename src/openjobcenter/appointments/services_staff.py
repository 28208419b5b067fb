"""Staff changes to appointments (DESIGN §4.1): invite or book for a customer, move,
cancel, mark attended or missed, check in at reception.

An invitation, a booking by staff or a move to a new time is checked against
``opening.py`` (Hessian public holidays, weekends, the office's opening hours): outside
them it is refused with ``OutsideOpeningHours`` unless staff give a reason, which is
stored with the appointment and audited. Who may hold an appointment is
``selectors.advisors_for``; anyone else is refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.appointments import notify
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentMove,
    AppointmentType,
    Channel,
    Status,
)
from openjobcenter.appointments.opening import concerns_for
from openjobcenter.appointments.selectors import advisors_for
from openjobcenter.appointments.services_common import (
    MAX_MESSAGE,
    MAX_OVERRIDE_REASON,
    AppointmentError,
    OutsideOpeningHours,
    SlotTaken,
    _audit,
    _check_channel,
    _insert,
    _lock,
    _next_free,
    _refuse_overlap,
)
from openjobcenter.appointments.slot_cache import slots_changed
from openjobcenter.core.models import AuditAction
from openjobcenter.home.realtime import home_changed, queue_changed
from openjobcenter.tenants.models import Office

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User


def _opening_checked(appointment: Appointment, override_reason: str) -> tuple[str, str]:
    """The reason to store and the audit note, or ``OutsideOpeningHours``.

    A reason given for a time that needs none is not stored: it would mislead later."""
    reason = override_reason.strip()
    if len(reason) > MAX_OVERRIDE_REASON:
        raise AppointmentError(
            _("Die Begründung ist zu lang (höchstens 500 Zeichen)."), field="override_reason"
        )
    hours = None
    if appointment.channel == Channel.IN_PERSON and appointment.office_id is not None:
        hours = (
            Office.objects.filter(pk=appointment.office_id)
            .values_list("opening_hours", flat=True)
            .first()
        )
    concerns = concerns_for(appointment.starts_at, appointment.ends_at, opening_hours=hours)
    if not concerns:
        return "", ""
    if not reason:
        raise OutsideOpeningHours(concerns)
    codes = ",".join(c.code for c in concerns)
    return reason, f" outside opening hours ({codes}), reason: {reason[:200]}"


def _check_staff(customer: CustomerProfile, staff: User) -> None:
    if not advisors_for(customer.jobcenter).filter(pk=staff.pk).exists():
        raise AppointmentError(
            _(
                "Bei dieser Person können Sie keinen Termin vergeben. Bitte wählen Sie eine "
                "Person aus der Liste."
            ),
            field="staff",
        )


@transaction.atomic
def appointment_invite(
    *,
    request: HttpRequest | None,
    actor: User,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    staff: User,
    starts_at: datetime,
    channel: str,
    office_id: int | None,
    note: str = "",
    replaces: Appointment | None = None,
    override_reason: str = "",
) -> Appointment:
    """Staff invite a customer (§ 59 SGB II) or book for them; the customer answers.

    With ``replaces`` (an appointment the customer asked to move), the invitation is the
    answer: that appointment moves to the new date as an open invitation (one
    appointment, not a second one), ``rescheduled_from`` and an ``AppointmentMove`` keep
    where it stood and the audit entry says both. Outside opening hours, on a weekend
    or a public holiday, ``override_reason`` must say why."""
    if appt_type.jobcenter_id != customer.jobcenter_id:
        raise AppointmentError(
            _("Diese Terminart gehört zu einem anderen Jobcenter."), field="type"
        )
    _check_staff(customer, staff)
    _check_channel(appt_type, channel)
    if starts_at <= timezone.now():
        raise AppointmentError(_("Dieser Zeitpunkt liegt in der Vergangenheit."), field="starts_at")
    appointment = Appointment(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=staff,
        office_id=office_id if channel == Channel.IN_PERSON else None,
        channel=channel,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=appt_type.duration_min),
        status=Status.INVITED,
        created_by=actor,
        note_for_customer=note[:MAX_MESSAGE],
    )
    if replaces is not None:
        return _invite_in_place(
            request=request,
            actor=actor,
            customer=customer,
            old=replaces,
            changes=appointment,
            override_reason=override_reason,
        )
    # A taken time first: a reason to override the opening hours would not help there.
    _refuse_overlap(appointment, appt_type)
    appointment.override_reason, audit_note = _opening_checked(appointment, override_reason)
    _insert(appointment, (appt_type, [staff.pk]))
    _audit(
        request,
        actor,
        appointment,
        AuditAction.CREATE,
        f"invited {starts_at:%Y-%m-%d %H:%M}Z{audit_note}",
    )
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.invited(appointment.pk))
    home_changed(appointment.customer.user_id)
    queue_changed(appointment.jobcenter_id)
    return appointment


def _invite_in_place(
    *,
    request: HttpRequest | None,
    actor: User,
    customer: CustomerProfile,
    old: Appointment,
    changes: Appointment,
    override_reason: str,
) -> Appointment:
    appointment = _lock(old)
    if appointment.customer_id != customer.pk or appointment.jobcenter_id != customer.jobcenter_id:
        raise AppointmentError(_("Dieser Termin gehört zu einer anderen Person."), field="replaces")
    if appointment.status != Status.CHANGE_REQUESTED:
        # Answered already (a second tap, or a colleague was quicker): nothing moves twice.
        raise AppointmentError(
            _("Diese Bitte um einen anderen Termin ist schon beantwortet."), field="replaces"
        )
    before = appointment.starts_at
    appointment.rescheduled_from = before
    appointment.type = changes.type
    appointment.staff = changes.staff
    appointment.office_id = changes.office_id
    appointment.channel = changes.channel
    appointment.starts_at = changes.starts_at
    appointment.ends_at = changes.ends_at
    appointment.status = Status.INVITED
    # Now an invitation from the job centre (the legal notice applies to it).
    appointment.created_by = actor
    if changes.note_for_customer:
        appointment.note_for_customer = changes.note_for_customer
    # The customer's reason and message stay: they are the history of this appointment.
    _refuse_overlap(appointment, appointment.type)
    appointment.override_reason, audit_note = _opening_checked(appointment, override_reason)
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        raise SlotTaken(
            _next_free(appointment.type, [appointment.staff_id], appointment.starts_at)
        ) from None
    AppointmentMove.objects.create(
        appointment=appointment,
        moved_from=before,
        moved_to=appointment.starts_at,
        answered_request=True,
        moved_by=actor,
    )
    _audit(
        request,
        actor,
        appointment,
        AuditAction.UPDATE,
        f"invited in answer to change request: moved {before:%Y-%m-%d %H:%M}Z -> "
        f"{appointment.starts_at:%Y-%m-%d %H:%M}Z{audit_note}",
    )
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.invited(appointment.pk))
    home_changed(appointment.customer.user_id)
    queue_changed(appointment.jobcenter_id)
    return appointment


@transaction.atomic
def appointment_cancel(
    *, request: HttpRequest | None, actor: User, appointment: Appointment, message: str = ""
) -> Appointment:
    """Staff cancel; the customer is told."""
    appointment = _lock(appointment)
    if not appointment.is_active:
        raise AppointmentError(_("Dieser Termin ist nicht mehr aktiv."))
    appointment.status = Status.CANCELLED
    appointment.cancelled_by = "staff"
    # The customer's own reason and message stay as they were sent.
    appointment.staff_message = message[:MAX_MESSAGE]
    appointment.save(update_fields=["status", "cancelled_by", "staff_message", "updated_at"])
    _audit(request, actor, appointment, AuditAction.UPDATE, "cancelled by staff")
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.cancelled_by_staff(appointment.pk))
    home_changed(appointment.customer.user_id)
    queue_changed(appointment.jobcenter_id)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    request: HttpRequest | None,
    actor: User,
    appointment: Appointment,
    starts_at: datetime,
    override_reason: str = "",
) -> Appointment:
    """Staff move an appointment; a pending change request counts as answered.

    The new time is checked like an invitation (``override_reason`` outside the hours)."""
    appointment = _lock(appointment)
    if not appointment.is_active:
        raise AppointmentError(_("Dieser Termin ist nicht mehr aktiv."))
    if starts_at <= timezone.now():
        raise AppointmentError(_("Dieser Zeitpunkt liegt in der Vergangenheit."), field="starts_at")
    old = appointment.starts_at
    answered = appointment.status == Status.CHANGE_REQUESTED
    if starts_at == old and not answered:
        # Sent twice (or to the time it has): nothing moves, nothing is written.
        return appointment
    appointment.rescheduled_from = old
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + timedelta(minutes=appointment.type.duration_min)
    if answered:
        appointment.status = Status.BOOKED
    _refuse_overlap(appointment, appointment.type)
    appointment.override_reason, audit_note = _opening_checked(appointment, override_reason)
    try:
        with transaction.atomic():
            appointment.save(
                update_fields=[
                    "starts_at",
                    "ends_at",
                    "status",
                    "rescheduled_from",
                    "override_reason",
                    "updated_at",
                ]
            )
    except IntegrityError:
        raise SlotTaken(_next_free(appointment.type, [appointment.staff_id], starts_at)) from None
    AppointmentMove.objects.create(
        appointment=appointment,
        moved_from=old,
        moved_to=starts_at,
        answered_request=answered,
        moved_by=actor,
    )
    _audit(
        request,
        actor,
        appointment,
        AuditAction.UPDATE,
        f"moved {old:%Y-%m-%d %H:%M}Z -> {starts_at:%Y-%m-%d %H:%M}Z{audit_note}",
    )
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.rescheduled(appointment.pk))
    home_changed(appointment.customer.user_id)
    queue_changed(appointment.jobcenter_id)
    return appointment


@transaction.atomic
def appointment_mark(
    *, request: HttpRequest | None, actor: User, appointment: Appointment, attended: bool
) -> Appointment:
    appointment = _lock(appointment)
    if appointment.starts_at > timezone.now():
        raise AppointmentError(
            _("Ein Termin kann erst nach seinem Beginn als wahrgenommen oder versäumt gelten.")
        )
    if appointment.status in (Status.CANCELLED,):
        raise AppointmentError(_("Dieser Termin wurde abgesagt."))
    appointment.status = Status.ATTENDED if attended else Status.MISSED
    appointment.save(update_fields=["status", "updated_at"])
    _audit(request, actor, appointment, AuditAction.UPDATE, appointment.status)
    slots_changed(appointment.jobcenter_id)
    home_changed(appointment.customer.user_id)
    queue_changed(appointment.jobcenter_id)
    return appointment


@transaction.atomic
def appointment_check_in(
    *, request: HttpRequest | None, actor: User, appointment: Appointment
) -> Appointment:
    """Reception checks the customer in; the advisor is told the customer has arrived."""
    appointment = _lock(appointment)
    if not appointment.is_active:
        raise AppointmentError(_("Dieser Termin ist nicht mehr aktiv."))
    if appointment.checked_in_at is None:
        appointment.checked_in_at = timezone.now()
        appointment.save(update_fields=["checked_in_at", "updated_at"])
        _audit(request, actor, appointment, AuditAction.UPDATE, "checked in")
        transaction.on_commit(lambda: notify.arrived(appointment.pk))
        home_changed(appointment.customer.user_id)
        queue_changed(appointment.jobcenter_id)
    return appointment

"""Every change to an appointment (DESIGN §4.1): audited, side effects after commit.

The customer's own changes live here (book, confirm, "Ich kann den Termin nicht
wahrnehmen"); staff changes in ``services_staff`` and the shared refusals and helpers
in ``services_common``. Both are re-exported, so ``services.appointment_invite`` and
``services.AppointmentError`` stay where callers know them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.appointments import notify
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentType,
    ChangeReason,
    Channel,
    Status,
)
from openjobcenter.appointments.proof import ProofRefused, proof_store, proof_upload_available
from openjobcenter.appointments.selectors import free_slots, staff_for_type
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
)
from openjobcenter.appointments.services_staff import (
    appointment_cancel,
    appointment_check_in,
    appointment_invite,
    appointment_mark,
    appointment_reschedule,
)
from openjobcenter.appointments.slot_cache import slots_changed
from openjobcenter.core.models import AuditAction
from openjobcenter.home.realtime import home_changed, queue_changed

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User

__all__ = [
    "MAX_MESSAGE",
    "MAX_OVERRIDE_REASON",
    "AppointmentError",
    "BookingRequest",
    "OutsideOpeningHours",
    "SlotTaken",
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_confirm",
    "appointment_invite",
    "appointment_mark",
    "appointment_request_change",
    "appointment_reschedule",
]


@dataclass(frozen=True)
class BookingRequest:
    appt_type: AppointmentType
    staff_id: int
    starts_at: datetime
    channel: str


@transaction.atomic
def appointment_book(
    *, request: HttpRequest | None, customer: CustomerProfile, booking: BookingRequest, actor: User
) -> Appointment:
    """A customer books a free slot of a self-bookable type."""
    appt_type = booking.appt_type
    if (
        appt_type.jobcenter_id != customer.jobcenter_id
        or not appt_type.self_bookable
        or not appt_type.is_active
    ):
        raise AppointmentError(_("Diese Terminart können Sie nicht selbst buchen."), field="type")
    _check_channel(appt_type, booking.channel)
    staff_ids = staff_for_type(appt_type, customer)
    if booking.staff_id not in staff_ids:
        raise AppointmentError(
            _("Bei dieser Person können Sie diesen Termin nicht buchen."), field="slot"
        )
    now = timezone.now()
    if booking.starts_at <= now:
        raise AppointmentError(_("Dieser Zeitpunkt liegt in der Vergangenheit."), field="slot")
    if booking.starts_at > now + timedelta(days=appt_type.horizon_days):
        raise AppointmentError(
            _("Dieser Termin liegt außerhalb des buchbaren Zeitraums."), field="slot"
        )
    day_start = booking.starts_at - timedelta(hours=1)
    offered = free_slots(
        appt_type=appt_type,
        staff_ids=[booking.staff_id],
        now=now,
        start=day_start,
        end=booking.starts_at + timedelta(hours=1),
    )
    slot = next((s for s in offered if s.starts_at == booking.starts_at), None)
    if slot is None:
        if booking.starts_at > now + timedelta(
            days=appt_type.horizon_days
        ) or booking.starts_at < now + timedelta(hours=appt_type.notice_hours):
            raise AppointmentError(
                _("Dieser Termin liegt außerhalb des buchbaren Zeitraums."), field="slot"
            )
        raise SlotTaken(_next_free(appt_type, staff_ids, booking.starts_at))
    appointment = Appointment(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff_id=slot.staff_id,
        office_id=slot.office_id if booking.channel == Channel.IN_PERSON else None,
        channel=booking.channel,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=Status.BOOKED,
        created_by=actor,
    )
    _insert(appointment, (appt_type, staff_ids))
    _audit(
        request,
        actor,
        appointment,
        AuditAction.CREATE,
        f"booked {appointment.starts_at:%Y-%m-%d %H:%M}Z",
    )
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.booked(appointment.pk))
    home_changed(customer.user_id)
    return appointment


@transaction.atomic
def appointment_confirm(
    *, request: HttpRequest | None, customer: CustomerProfile, appointment: Appointment
) -> Appointment:
    appointment = _lock(appointment)
    if appointment.customer_id != customer.pk or appointment.status != Status.INVITED:
        raise AppointmentError(_("Diese Einladung ist nicht mehr offen."))
    appointment.status = Status.CONFIRMED
    appointment.save(update_fields=["status", "updated_at"])
    _audit(request, customer.user, appointment, AuditAction.UPDATE, "confirmed")
    home_changed(customer.user_id)
    return appointment


@transaction.atomic
def appointment_request_change(
    *,
    request: HttpRequest | None,
    customer: CustomerProfile,
    appointment: Appointment,
    reason: str,
    message: str,
    cancel: bool,
    proof: UploadedFile | None = None,
) -> Appointment:
    """ "Ich kann den Termin nicht wahrnehmen": cancel, or ask for another date, with a reason.

    ``proof`` (e.g. a sick note) is kept by the documents module and linked to the
    appointment; if that module is off or refuses the file, nothing at all is stored."""
    appointment = _lock(appointment)
    if appointment.customer_id != customer.pk or not appointment.is_active:
        raise AppointmentError(_("Dieser Termin kann nicht mehr geändert werden."))
    if appointment.status == Status.CHANGE_REQUESTED:
        # Said once already: a second tap (or an old tab) must not overwrite the first.
        raise AppointmentError(
            _("Sie haben bereits um einen anderen Termin gebeten. Ihre Ansprechperson meldet sich.")
        )
    if appointment.starts_at <= timezone.now():
        raise AppointmentError(_("Dieser Termin hat schon begonnen."))
    if reason not in ChangeReason.values:
        raise AppointmentError(_("Bitte wählen Sie einen Grund."), field="reason")
    if len(message) > MAX_MESSAGE:
        raise AppointmentError(
            _("Die Nachricht ist zu lang (höchstens 1000 Zeichen)."), field="message"
        )
    fields = [
        "change_reason",
        "change_message",
        "change_requested_at",
        "status",
        "cancelled_by",
        "updated_at",
    ]
    if proof is not None:
        if not proof_upload_available(appointment.jobcenter):
            raise AppointmentError(
                _("Einen Nachweis können Sie hier nicht hochladen."), field="proof"
            )
        try:
            appointment.proof = proof_store(request=request, customer=customer, uploaded_file=proof)
        except ProofRefused as refused:
            raise AppointmentError(refused.message, field="proof") from None
        fields.append("proof")
    appointment.change_reason = reason
    appointment.change_message = message.strip()
    appointment.change_requested_at = timezone.now()
    appointment.status = Status.CANCELLED if cancel else Status.CHANGE_REQUESTED
    appointment.cancelled_by = "customer" if cancel else ""
    appointment.save(update_fields=fields)
    _audit(
        request,
        customer.user,
        appointment,
        AuditAction.UPDATE,
        f"{'cancelled' if cancel else 'change requested'} reason={reason}"
        + (f" proof=document:{appointment.proof_id}" if proof is not None else ""),
    )
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.change_requested(appointment.pk))
    home_changed(customer.user_id)
    queue_changed(appointment.jobcenter_id)  # the staff queue's move requests
    return appointment

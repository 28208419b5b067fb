"""Every change to an appointment (DESIGN §4.1): audited, side effects after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.appointments import notify
from openjobcenter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    ChangeReason,
    Channel,
    Status,
)
from openjobcenter.appointments.proof import ProofRefused, proof_store, proof_upload_available
from openjobcenter.appointments.selectors import free_slots, staff_for_type
from openjobcenter.appointments.slot_cache import slots_changed
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.appointments.slots import Slot

MAX_MESSAGE = 1000


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


@dataclass(frozen=True)
class BookingRequest:
    appt_type: AppointmentType
    staff_id: int
    starts_at: datetime
    channel: str


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
) -> Appointment:
    """Staff invite a customer (§ 59 SGB II) or book for them; the customer answers.

    With ``replaces`` (an appointment the customer asked to move), the invitation is the
    answer: that appointment moves to the new date as an open invitation (one
    appointment, not a second one), ``rescheduled_from`` keeps where it stood and the
    audit entry says both."""
    if appt_type.jobcenter_id != customer.jobcenter_id:
        raise AppointmentError(
            _("Diese Terminart gehört zu einem anderen Jobcenter."), field="type"
        )
    _check_channel(appt_type, channel)
    if starts_at <= timezone.now():
        raise AppointmentError(_("Dieser Zeitpunkt liegt in der Vergangenheit."), field="starts_at")
    if replaces is not None:
        return _invite_in_place(
            request=request,
            actor=actor,
            customer=customer,
            old=replaces,
            changes=Appointment(
                type=appt_type,
                staff=staff,
                office_id=office_id if channel == Channel.IN_PERSON else None,
                channel=channel,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=appt_type.duration_min),
                note_for_customer=note[:MAX_MESSAGE],
            ),
        )
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
    _refuse_overlap(appointment, appt_type)
    _insert(appointment, (appt_type, [staff.pk]))
    _audit(request, actor, appointment, AuditAction.CREATE, f"invited {starts_at:%Y-%m-%d %H:%M}Z")
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.invited(appointment.pk))
    home_changed(appointment.customer.user_id)
    return appointment


def _invite_in_place(
    *,
    request: HttpRequest | None,
    actor: User,
    customer: CustomerProfile,
    old: Appointment,
    changes: Appointment,
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
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        raise SlotTaken(
            _next_free(appointment.type, [appointment.staff_id], appointment.starts_at)
        ) from None
    _audit(
        request,
        actor,
        appointment,
        AuditAction.UPDATE,
        f"invited in answer to change request: moved {before:%Y-%m-%d %H:%M}Z -> "
        f"{appointment.starts_at:%Y-%m-%d %H:%M}Z",
    )
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.invited(appointment.pk))
    home_changed(customer.user_id)
    return appointment


def _lock(appointment: Appointment) -> Appointment:
    # of=("self",): lock this appointment only. Without it PostgreSQL also locks the
    # joined job centre, customer, user and type rows, and every booking of the job
    # centre would wait for this one.
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("jobcenter", "customer__user", "type")
        .get(pk=appointment.pk)
    )


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
    return appointment


@transaction.atomic
def appointment_reschedule(
    *, request: HttpRequest | None, actor: User, appointment: Appointment, starts_at: datetime
) -> Appointment:
    """Staff move an appointment; a pending change request counts as answered."""
    appointment = _lock(appointment)
    if not appointment.is_active:
        raise AppointmentError(_("Dieser Termin ist nicht mehr aktiv."))
    if starts_at <= timezone.now():
        raise AppointmentError(_("Dieser Zeitpunkt liegt in der Vergangenheit."), field="starts_at")
    old = appointment.starts_at
    appointment.rescheduled_from = old
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + timedelta(minutes=appointment.type.duration_min)
    if appointment.status == Status.CHANGE_REQUESTED:
        appointment.status = Status.BOOKED
    _refuse_overlap(appointment, appointment.type)
    try:
        with transaction.atomic():
            appointment.save(
                update_fields=["starts_at", "ends_at", "status", "rescheduled_from", "updated_at"]
            )
    except IntegrityError:
        raise SlotTaken(_next_free(appointment.type, [appointment.staff_id], starts_at)) from None
    _audit(
        request,
        actor,
        appointment,
        AuditAction.UPDATE,
        f"moved {old:%Y-%m-%d %H:%M}Z -> {starts_at:%Y-%m-%d %H:%M}Z",
    )
    slots_changed(appointment.jobcenter_id)
    transaction.on_commit(lambda: notify.rescheduled(appointment.pk))
    home_changed(appointment.customer.user_id)
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
    return appointment

"""``/api/v1/appointments/{jc}/...``: appointments for customers' apps and for staff.

Customers authenticate with the session (plus CSRF) or a personal bearer token; staff
endpoints (``/{jc}/staff/...``) take only a session in which the second factor was used,
so a leaked token never opens the back office. Everything is scoped to the job centre in
the path: someone else's appointment, customer, type or office is a 404, like a missing
one. Writes go through ``appointments.services``; a taken slot is a 409 with the next
free slots, a refused request a 422 naming the field (or a 409 when the appointment's
state forbids it).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.throttling import AuthRateThrottle
from pydantic import AwareDatetime, ConfigDict, Field

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.accounts.selectors import get_customer_for
from openjobcenter.api.auth import auth_user, session_or_token, staff_session
from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.appointments import selectors, services
from openjobcenter.appointments.models import Appointment, Channel
from openjobcenter.appointments.slot_cache import free_slot_rows
from openjobcenter.appointments.slots import BERLIN, Slot
from openjobcenter.appointments.video import join_appointment, join_window
from openjobcenter.core.access import (
    Perm,
    has_perm,
    staff_roles,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.inputs import Day
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.models import Jobcenter, Office
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["appointments"])


# --- schemas --------------------------------------------------------------------------


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


ChannelName = Literal["in_person", "phone", "video"]
ReasonName = Literal["illness", "job_interview", "childcare", "other"]


class TypeOut(Schema):
    id: int
    name: str
    description: str
    duration_min: int
    channels: list[str]
    what_to_bring: str


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    staff_id: int
    office_id: int | None


class SlotsQuery(Schema):
    von: Day | None = Field(default=None, description="First day (Europe/Berlin), default today")
    bis: Day | None = Field(default=None, description="Last day, inclusive; default: horizon")


class AppointmentOfficeOut(Schema):
    name: str
    street: str
    postcode: str
    city: str


class AppointmentOut(Schema):
    id: int
    type_id: int
    type: str
    status: str
    status_label: str
    channel: str
    starts_at: datetime
    ends_at: datetime
    staff_name: str
    office: AppointmentOfficeOut | None
    what_to_bring: str
    legal_notice: str
    note_for_customer: str
    change_reason: str
    change_message: str
    cancelled_by: str
    staff_message: str


class StaffAppointmentOut(AppointmentOut):
    staff_id: int
    customer_id: int
    customer_name: str
    customer_number: str | None
    checked_in_at: datetime | None


class BookIn(Strict):
    type_id: int
    staff_id: int
    starts_at: AwareDatetime
    channel: ChannelName


class ChangeIn(Strict):
    reason: ReasonName
    message: str = Field(default="", max_length=services.MAX_MESSAGE)


class VideoOut(Schema):
    provider: str
    state: Literal["cancelled", "early", "open", "over"]
    opens_at: datetime
    closes_at: datetime
    url: str | None
    embed: bool
    valid_until: datetime | None


class SlotTakenOut(Schema):
    detail: str
    alternatives: list[SlotOut]


class CalendarQuery(Schema):
    tag: Day | None = Field(default=None, description="First day (Europe/Berlin), default today")
    tage: int = Field(default=1, ge=1, le=7, description="Number of days, 1 to 7")
    person: int | None = Field(default=None, description="Staff member (user id); default: oneself")


class InviteIn(Strict):
    customer_id: int
    type_id: int
    starts_at: AwareDatetime
    channel: ChannelName
    office_id: int | None = None
    staff_id: int | None = Field(default=None, description="Default: oneself")
    note: str = Field(default="", max_length=services.MAX_MESSAGE)


WRITE_ERRORS: dict[int, Any] = {
    404: ErrorOut,
    409: SlotTakenOut | ErrorOut,
    422: ValidationErrorOut,
}

# Service field names → the API's field names.
_FIELDS = {"type": "type_id", "slot": "starts_at", "starts_at": "starts_at"}


def _error(exc: services.AppointmentError) -> Status[Any]:
    if isinstance(exc, services.SlotTaken):
        return Status(
            409, {"detail": exc.message, "alternatives": [_slot(s) for s in exc.alternatives]}
        )
    if exc.field is None:
        # The appointment's state forbids it (no longer open, already started, ...).
        return Status(409, {"detail": exc.message})
    field = _FIELDS.get(exc.field, exc.field)
    return Status(
        422,
        {
            "detail": [
                {"loc": ["body", "payload", field], "msg": exc.message, "type": "appointment"}
            ]
        },
    )


def _slot(slot: Slot) -> dict[str, Any]:
    return {
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "staff_id": slot.staff_id,
        "office_id": slot.office_id,
    }


def _office(office: Office | None) -> dict[str, str] | None:
    if office is None:
        return None
    return {
        "name": office.name,
        "street": office.street,
        "postcode": office.postcode,
        "city": office.city,
    }


def _appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "type_id": appointment.type_id,
        "type": appointment.type.name,
        "status": appointment.status,
        "status_label": str(appointment.get_status_display()),
        "channel": appointment.channel,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "staff_name": appointment.staff.display_name,
        "office": _office(appointment.office),
        "what_to_bring": appointment.type.what_to_bring,
        "legal_notice": appointment.type.legal_notice,
        "note_for_customer": appointment.note_for_customer,
        "change_reason": appointment.change_reason,
        "change_message": appointment.change_message,
        "cancelled_by": appointment.cancelled_by,
        "staff_message": appointment.staff_message,
    }


def _staff_appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        **_appointment(appointment),
        "staff_id": appointment.staff_id,
        "customer_id": appointment.customer_id,
        "customer_name": appointment.customer.user.display_name,
        "customer_number": appointment.customer.customer_number,
        "checked_in_at": appointment.checked_in_at,
    }


# --- who is asking --------------------------------------------------------------------


def _jobcenter(request: HttpRequest, jc: str) -> Jobcenter:
    # TenantMiddleware has resolved the path's ``jc`` already (404 for unknown slugs).
    jobcenter: Jobcenter | None = getattr(request, "jobcenter", None)
    if jobcenter is None or jobcenter.slug != jc:
        jobcenter = get_jobcenter_by_slug(jc)
    if not is_enabled(jobcenter, "appointments"):
        raise Http404
    return jobcenter


def _customer(request: HttpRequest, jc: str) -> CustomerProfile:
    """The caller's customer profile at job centre ``jc``, or 404."""
    jobcenter: Jobcenter | None = getattr(request, "jobcenter", None)
    if jobcenter is not None and jobcenter.slug == jc:
        where: dict[str, Any] = {"jobcenter": jobcenter}
    else:
        # One query for job centre and profile (the same rule as get_jobcenter_by_slug).
        where = {"jobcenter__slug": jc, "jobcenter__is_active": True}
    try:
        customer = CustomerProfile.objects.select_related("jobcenter", "user").get(
            user=auth_user(request),
            **where,
        )
    except CustomerProfile.DoesNotExist:
        raise Http404 from None
    if not is_enabled(customer.jobcenter, "appointments"):
        raise Http404
    return customer


def _staff(request: HttpRequest, jc: str, *perms: Perm) -> tuple[Jobcenter, frozenset[Any]]:
    """Job centre and roles of a staff caller: 404 if not its staff, 403 without any of ``perms``."""
    jobcenter = _jobcenter(request, jc)
    roles = staff_roles(auth_user(request), jobcenter)
    if not roles:
        raise Http404
    if not any(has_perm(roles, perm) for perm in perms):
        raise HttpError(403, "Your role does not allow this.")
    request.jobcenter = jobcenter  # type: ignore[attr-defined]
    return jobcenter, roles


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BERLIN)


# --- customers ------------------------------------------------------------------------


@router.get(
    "/{jc}/types",
    response={200: list[TypeOut], 404: ErrorOut},
    auth=session_or_token,
    summary="Appointment types the customer can book",
)
def list_types(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc)
    return [
        {
            "id": t.pk,
            "name": t.name,
            "description": t.description,
            "duration_min": t.duration_min,
            "channels": list(t.channels or []),
            "what_to_bring": t.what_to_bring,
        }
        for t in selectors.bookable_types(customer.jobcenter)
    ]


@router.get(
    "/{jc}/types/{type_id}/slots",
    response={200: list[SlotOut], 404: ErrorOut, 422: ValidationErrorOut},
    auth=session_or_token,
    summary="Free slots of an appointment type",
)
def list_slots(request: HttpRequest, jc: str, type_id: int, params: Query[SlotsQuery]) -> Any:
    """Free slots from ``von`` to ``bis`` (days in Europe/Berlin), within notice and horizon."""
    customer = _customer(request, jc)
    appt_type = selectors.get_type_for(customer.jobcenter, type_id, self_bookable_only=True)
    appt_type.jobcenter = customer.jobcenter  # the same row: spares free_slots a query
    start = _day_start(params.von) if params.von else None
    end = _day_start(params.bis + timedelta(days=1)) if params.bis else None
    if start is not None and end is not None and end <= start:
        return Status(
            422,
            {
                "detail": [
                    {
                        "loc": ["query", "bis"],
                        "msg": "bis must not be before von",
                        "type": "value_error",
                    }
                ]
            },
        )
    rows = free_slot_rows(
        appt_type=appt_type,
        staff_ids=selectors.staff_for_type(appt_type, customer),
        start=start,
        end=end,
    )
    # Plain dicts, already in SlotOut's shape: a response of a few hundred slots skips
    # pydantic's per-item validation (the schema still documents it in OpenAPI).
    return HttpResponse(json.dumps(rows, separators=(",", ":")), content_type="application/json")


@router.get(
    "/{jc}/appointments",
    response={200: list[AppointmentOut], 404: ErrorOut},
    auth=session_or_token,
    summary="The customer's appointments",
)
def my_appointments(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc)
    return [_appointment(a) for a in selectors.appointments_of_customer(customer)]


@router.get(
    "/{jc}/appointments/{pk}",
    response={200: AppointmentOut, 404: ErrorOut},
    auth=session_or_token,
    summary="One of the customer's appointments",
)
def my_appointment(request: HttpRequest, jc: str, pk: int) -> Any:
    customer = _customer(request, jc)
    return _appointment(selectors.get_appointment_for_customer(customer, pk))


@router.post(
    "/{jc}/appointments",
    response={201: AppointmentOut, **WRITE_ERRORS},
    auth=session_or_token,
    throttle=[AuthRateThrottle("30/m")],
    summary="Book a free slot",
)
def book(request: HttpRequest, jc: str, payload: BookIn) -> Any:
    customer = _customer(request, jc)
    appt_type = selectors.get_type_for(
        customer.jobcenter, payload.type_id, self_bookable_only=False
    )
    try:
        appointment = services.appointment_book(
            request=request,
            customer=customer,
            booking=services.BookingRequest(
                appt_type=appt_type,
                staff_id=payload.staff_id,
                starts_at=payload.starts_at,
                channel=payload.channel,
            ),
            actor=customer.user,
        )
    except services.AppointmentError as exc:
        return _error(exc)
    return Status(201, _appointment(_reload_for_customer(customer, appointment.pk)))


def _reload_for_customer(customer: CustomerProfile, pk: int) -> Appointment:
    return selectors.get_appointment_for_customer(customer, pk)


@router.post(
    "/{jc}/appointments/{pk}/confirm",
    response={200: AppointmentOut, **WRITE_ERRORS},
    auth=session_or_token,
    summary="Confirm an invitation",
)
def confirm(request: HttpRequest, jc: str, pk: int) -> Any:
    customer = _customer(request, jc)
    appointment = selectors.get_appointment_for_customer(customer, pk)
    try:
        services.appointment_confirm(request=request, customer=customer, appointment=appointment)
    except services.AppointmentError as exc:
        return _error(exc)
    return _appointment(_reload_for_customer(customer, pk))


def _change(request: HttpRequest, jc: str, pk: int, payload: ChangeIn, *, cancel: bool) -> Any:
    customer = _customer(request, jc)
    appointment = selectors.get_appointment_for_customer(customer, pk)
    try:
        services.appointment_request_change(
            request=request,
            customer=customer,
            appointment=appointment,
            reason=payload.reason,
            message=payload.message,
            cancel=cancel,
        )
    except services.AppointmentError as exc:
        return _error(exc)
    return _appointment(_reload_for_customer(customer, pk))


@router.post(
    "/{jc}/appointments/{pk}/cancel",
    response={200: AppointmentOut, **WRITE_ERRORS},
    auth=session_or_token,
    summary="Cancel: “Ich kann den Termin nicht wahrnehmen”",
)
def cancel(request: HttpRequest, jc: str, pk: int, payload: ChangeIn) -> Any:
    """Cancel with a reason (illness, job interview, childcare, other) and a message."""
    return _change(request, jc, pk, payload, cancel=True)


@router.post(
    "/{jc}/appointments/{pk}/reschedule-request",
    response={200: AppointmentOut, **WRITE_ERRORS},
    auth=session_or_token,
    summary="Ask for another date",
)
def reschedule_request(request: HttpRequest, jc: str, pk: int, payload: ChangeIn) -> Any:
    """Ask to move the appointment (also the answer “another date, please” to an invitation)."""
    return _change(request, jc, pk, payload, cancel=False)


@router.get(
    "/{jc}/appointments/{pk}/video",
    response={200: VideoOut, 404: ErrorOut},
    auth=session_or_token,
    summary="Where and when to join a video appointment",
)
def video_link(request: HttpRequest, jc: str, pk: int) -> Any:
    """``url`` is set from 10 minutes before the start until the end (``state`` "open")."""
    customer = _customer(request, jc)
    appointment = selectors.get_appointment_for_customer(customer, pk)
    if appointment.channel != Channel.VIDEO:
        raise Http404
    attempt = join_appointment(
        request=request, appointment=appointment, user=customer.user, is_staff=False
    )
    opens_at, closes_at = join_window(appointment)
    info = attempt.info
    return {
        "provider": attempt.provider.key,
        "state": attempt.state,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "url": None if info is None else request.build_absolute_uri(info.url),
        "embed": bool(info and info.embed),
        "valid_until": None if info is None else info.valid_until,
    }


# --- staff ----------------------------------------------------------------------------


@router.get(
    "/{jc}/staff/calendar",
    response={200: list[StaffAppointmentOut], 403: ErrorOut, 404: ErrorOut},
    auth=staff_session,
    summary="Calendar of a staff member (staff, second factor used)",
)
def staff_calendar(request: HttpRequest, jc: str, params: Query[CalendarQuery]) -> Any:
    """Appointments of ``person`` (default: oneself) from ``tag`` for ``tage`` days.

    Another person's calendar needs the team lead's or reception's role.
    """
    jobcenter, roles = _staff(request, jc, Perm.APPOINTMENTS_OWN, Perm.APPOINTMENTS_RECEPTION)
    me: User = auth_user(request)
    person = params.person if params.person is not None else me.pk
    if person != me.pk:
        if not selectors.staff_members(jobcenter).filter(pk=person).exists():
            raise Http404
        if not (
            has_perm(roles, Perm.APPOINTMENTS_CONFIGURE)
            or has_perm(roles, Perm.APPOINTMENTS_RECEPTION)
        ):
            raise HttpError(403, "Your role does not allow seeing other people's calendars.")
    first = params.tag or timezone.localdate(timezone.now(), BERLIN)
    start = _day_start(first)
    end = _day_start(first + timedelta(days=params.tage))
    appointments = list(
        selectors.appointments_of_jobcenter(jobcenter)
        .filter(staff_id=person, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
    )
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="appointment",
        jobcenter=jobcenter,
        detail=f"calendar person={person} {first:%Y-%m-%d}+{params.tage}d ({len(appointments)})",
    )
    return [_staff_appointment(a) for a in appointments]


@router.post(
    "/{jc}/staff/invitations",
    response={201: StaffAppointmentOut, 403: ErrorOut, **WRITE_ERRORS},
    auth=staff_session,
    summary="Invite a customer to an appointment (§ 59 SGB II)",
)
def staff_invite(request: HttpRequest, jc: str, payload: InviteIn) -> Any:
    """Invite for oneself, or (team lead, admin) for a colleague with ``staff_id``."""
    jobcenter, roles = _staff(request, jc, Perm.APPOINTMENTS_OWN)
    me: User = auth_user(request)
    staff = me
    if payload.staff_id is not None and payload.staff_id != me.pk:
        found = selectors.staff_members(jobcenter).filter(pk=payload.staff_id).first()
        if found is None:
            raise Http404
        if not has_perm(roles, Perm.APPOINTMENTS_CONFIGURE):
            raise HttpError(403, "Your role does not allow inviting for colleagues.")
        staff = found
    customer = get_customer_for(jobcenter, payload.customer_id)
    appt_type = selectors.get_type_for(jobcenter, payload.type_id, self_bookable_only=False)
    office_id = None
    if payload.office_id is not None:
        if not jobcenter.offices.filter(pk=payload.office_id).exists():
            raise Http404
        office_id = payload.office_id
    elif payload.channel == Channel.IN_PERSON.value:
        return Status(
            422,
            {
                "detail": [
                    {
                        "loc": ["body", "payload", "office_id"],
                        "msg": "An in-person appointment needs an office.",
                        "type": "missing",
                    }
                ]
            },
        )
    try:
        appointment = services.appointment_invite(
            request=request,
            actor=me,
            customer=customer,
            appt_type=appt_type,
            staff=staff,
            starts_at=payload.starts_at,
            channel=payload.channel,
            office_id=office_id,
            note=payload.note,
        )
    except services.AppointmentError as exc:
        return _error(exc)
    return Status(
        201, _staff_appointment(selectors.get_appointment_for_staff(jobcenter, appointment.pk))
    )


@router.post(
    "/{jc}/staff/appointments/{pk}/check-in",
    response={200: StaffAppointmentOut, 403: ErrorOut, **WRITE_ERRORS},
    auth=staff_session,
    summary="Reception: the customer has arrived",
)
def staff_check_in(request: HttpRequest, jc: str, pk: int) -> Any:
    jobcenter, _roles = _staff(request, jc, Perm.APPOINTMENTS_RECEPTION)
    appointment = selectors.get_appointment_for_staff(jobcenter, pk)
    try:
        services.appointment_check_in(
            request=request,
            actor=auth_user(request),
            appointment=appointment,
        )
    except services.AppointmentError as exc:
        return _error(exc)
    return _staff_appointment(selectors.get_appointment_for_staff(jobcenter, pk))

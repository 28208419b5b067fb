"""Staff operations of the appointments API: ``/appointments/{jc}/staff/...``.

Only a session in which the second factor was used, so a leaked token never opens the
back office; another job centre's staff get 404, roles without the permission 403. The
calendar of a day range, inviting a customer to an appointment, and checking a customer
in at reception. Writes go through ``appointments.services``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Status
from ninja.errors import HttpError

from openjobcenter.accounts.models import User
from openjobcenter.accounts.selectors import get_customer_for
from openjobcenter.api.auth import auth_user, staff_session
from openjobcenter.api.schemas import ErrorOut
from openjobcenter.appointments import selectors, services
from openjobcenter.appointments.api_common import (
    STAFF_WRITE_ERRORS,
    WRITE_ERRORS,
    _appointment,
    _day_start,
    _error,
    _jobcenter,
    router,
)
from openjobcenter.appointments.api_schemas import CalendarQuery, InviteIn, StaffAppointmentOut
from openjobcenter.appointments.models import Appointment, Channel
from openjobcenter.appointments.slots import BERLIN
from openjobcenter.core.access import Perm, has_perm, staff_roles, tenant_request
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.models import Jobcenter

# Operation ids are pinned to those of the former single ``appointments/api.py``
# (``openjobcenter_appointments_api_<function>``), so generated clients keep their names.


def _staff_appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        **_appointment(appointment),
        "staff_id": appointment.staff_id,
        "customer_id": appointment.customer_id,
        "customer_name": appointment.customer.user.display_name,
        "customer_number": appointment.customer.customer_number,
        "checked_in_at": appointment.checked_in_at,
        "rescheduled_from": appointment.rescheduled_from,
        "override_reason": appointment.override_reason,
    }


def _staff(request: HttpRequest, jc: str, *perms: Perm) -> tuple[Jobcenter, frozenset[Any]]:
    """Job centre and roles of a staff caller: 404 if not its staff, 403 without any of ``perms``."""
    jobcenter = _jobcenter(request, jc)
    roles = staff_roles(auth_user(request), jobcenter)
    if not roles:
        raise Http404
    if not any(has_perm(roles, perm) for perm in perms):
        raise HttpError(403, "Your role does not allow this.")
    tenant_request(request).jobcenter = jobcenter
    return jobcenter, roles


@router.get(
    "/{jc}/staff/calendar",
    response={200: list[StaffAppointmentOut], 403: ErrorOut, 404: ErrorOut},
    auth=staff_session,
    summary="Calendar of a staff member (staff, second factor used)",
    operation_id="openjobcenter_appointments_api_staff_calendar",
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
    response={201: StaffAppointmentOut, 403: ErrorOut, **STAFF_WRITE_ERRORS},
    auth=staff_session,
    summary="Invite a customer to an appointment (§ 59 SGB II)",
    operation_id="openjobcenter_appointments_api_staff_invite",
)
def staff_invite(request: HttpRequest, jc: str, payload: InviteIn) -> Any:
    """Invite for oneself, or (team lead, admin) for a colleague with ``staff_id``.

    ``replaces_id`` answers the customer's request for another date: that appointment
    moves (sent twice, the second answer is 409 and nothing moves again). On a Hessian
    public holiday, a weekend or outside the office's opening hours the answer is 422
    with ``code`` ``outside_opening_hours`` and the ``reasons``, unless
    ``override_reason`` says why; the reason is stored and audited."""
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
    replaces = None
    if payload.replaces_id is not None:
        replaces = selectors.get_appointment_for_staff(jobcenter, payload.replaces_id)
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
            replaces=replaces,
            override_reason=payload.override_reason,
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
    operation_id="openjobcenter_appointments_api_staff_check_in",
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

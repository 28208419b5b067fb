"""Customer operations of the appointments API: ``/appointments/{jc}/...``.

A customer (session with CSRF or a personal bearer token) of the path's job centre lists
the self-bookable types and their free slots, books (409 with the next free slots when
the slot was taken), lists and reads their own appointments, confirms, cancels or asks
to reschedule, and gets the video link. Someone else's appointment is a 404.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Status
from ninja.throttling import AuthRateThrottle

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.api.auth import auth_user, session_or_token
from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.appointments import selectors, services
from openjobcenter.appointments.api_common import (
    WRITE_ERRORS,
    _appointment,
    _day_start,
    _error,
    router,
)
from openjobcenter.appointments.api_schemas import (
    AppointmentOut,
    BookIn,
    ChangeIn,
    SlotOut,
    SlotsQuery,
    TypeOut,
    VideoOut,
)
from openjobcenter.appointments.models import Appointment, Channel
from openjobcenter.appointments.slot_cache import free_slot_rows
from openjobcenter.appointments.video import join_appointment, join_window
from openjobcenter.core.access import ACTING_HEADER, api_customer
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

# Operation ids are pinned to those of the former single ``appointments/api.py``
# (``openjobcenter_appointments_api_<function>``), so generated clients keep their names.


def _customer(request: HttpRequest, jc: str) -> CustomerProfile:
    """The caller's customer profile at job centre ``jc``, or 404; with X-Acting-For the
    customer they represent there (``api/acting.py``)."""
    if ACTING_HEADER in request.headers:
        acting_in = get_jobcenter_by_slug(jc)
        if not is_enabled(acting_in, "appointments"):
            raise Http404
        return api_customer(request, auth_user(request), acting_in, "appointments")
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


@router.get(
    "/{jc}/types",
    response={200: list[TypeOut], 404: ErrorOut},
    auth=session_or_token,
    summary="Appointment types the customer can book",
    operation_id="openjobcenter_appointments_api_list_types",
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
    operation_id="openjobcenter_appointments_api_list_slots",
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
    operation_id="openjobcenter_appointments_api_my_appointments",
)
def my_appointments(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc)
    return [_appointment(a) for a in selectors.appointments_of_customer(customer)]


@router.get(
    "/{jc}/appointments/{pk}",
    response={200: AppointmentOut, 404: ErrorOut},
    auth=session_or_token,
    summary="One of the customer's appointments",
    operation_id="openjobcenter_appointments_api_my_appointment",
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
    operation_id="openjobcenter_appointments_api_book",
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
    operation_id="openjobcenter_appointments_api_confirm",
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
    operation_id="openjobcenter_appointments_api_cancel",
)
def cancel(request: HttpRequest, jc: str, pk: int, payload: ChangeIn) -> Any:
    """Cancel with a reason (illness, job interview, childcare, other) and a message."""
    return _change(request, jc, pk, payload, cancel=True)


@router.post(
    "/{jc}/appointments/{pk}/reschedule-request",
    response={200: AppointmentOut, **WRITE_ERRORS},
    auth=session_or_token,
    summary="Ask for another date",
    operation_id="openjobcenter_appointments_api_reschedule_request",
)
def reschedule_request(request: HttpRequest, jc: str, pk: int, payload: ChangeIn) -> Any:
    """Ask to move the appointment (also the answer “another date, please” to an invitation)."""
    return _change(request, jc, pk, payload, cancel=False)


@router.get(
    "/{jc}/appointments/{pk}/video",
    response={200: VideoOut, 404: ErrorOut},
    auth=session_or_token,
    summary="Where and when to join a video appointment",
    operation_id="openjobcenter_appointments_api_video_link",
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

"""The router of the appointments API and the helpers its operation modules share.

``router`` is the one ninja ``Router`` that ``api_customer`` and ``api_staff`` register
their operations on (``appointments/api.py`` imports them in that order, the order of
the OpenAPI document). Also here: ``WRITE_ERRORS`` (the documented error answers of a
write), ``_error`` (a service refusal as 409/422 naming the field), the output helpers
``_slot``, ``_office`` and ``_appointment``, ``_jobcenter`` (the path's job centre) and
``_day_start`` (midnight in Berlin).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.appointments import services
from openjobcenter.appointments.api_schemas import OutsideHoursOut, SlotTakenOut
from openjobcenter.appointments.models import Appointment
from openjobcenter.appointments.slots import BERLIN, Slot
from openjobcenter.core.content_i18n import translated
from openjobcenter.tenants.models import Jobcenter, Office
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["appointments"])


WRITE_ERRORS: dict[int, Any] = {
    404: ErrorOut,
    409: SlotTakenOut | ErrorOut,
    422: ValidationErrorOut,
}

# Service field names → the API's field names.
_FIELDS = {
    "type": "type_id",
    "slot": "starts_at",
    "starts_at": "starts_at",
    "staff": "staff_id",
    "replaces": "replaces_id",
}


STAFF_WRITE_ERRORS: dict[int, Any] = {
    **WRITE_ERRORS,
    422: OutsideHoursOut | ValidationErrorOut,
}


def _error(exc: services.AppointmentError) -> Status[Any]:
    if isinstance(exc, services.OutsideOpeningHours):
        return Status(
            422,
            {
                "detail": exc.message,
                "code": exc.code,
                "reasons": [{"code": c.code, "message": c.message} for c in exc.concerns],
            },
        )
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
        "type": translated(appointment.type, "name"),
        "status": appointment.status,
        "status_label": str(appointment.get_status_display()),
        "channel": appointment.channel,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "staff_name": appointment.staff.display_name,
        "office": _office(appointment.office),
        "what_to_bring": translated(appointment.type, "what_to_bring"),
        "legal_notice": translated(appointment.type, "legal_notice"),
        "note_for_customer": appointment.note_for_customer,
        "change_reason": appointment.change_reason,
        "change_message": appointment.change_message,
        "cancelled_by": appointment.cancelled_by,
        "staff_message": appointment.staff_message,
    }


def _jobcenter(request: HttpRequest, jc: str) -> Jobcenter:
    # TenantMiddleware has resolved the path's ``jc`` already (404 for unknown slugs).
    jobcenter: Jobcenter | None = getattr(request, "jobcenter", None)
    if jobcenter is None or jobcenter.slug != jc:
        jobcenter = get_jobcenter_by_slug(jc)
    if not is_enabled(jobcenter, "appointments"):
        raise Http404
    return jobcenter


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BERLIN)

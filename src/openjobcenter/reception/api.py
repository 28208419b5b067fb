"""Staff operations of the reception API: ``/api/v1/reception/{jc}/staff/...``.

Like the appointments' staff API: a session in which the second factor was used; another
job centre's staff and customers get 404, roles without the permission 403. Scanning and
check-in need ``appointments.reception``; calling is open to every staff role. Writes go
through ``reception.services``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from openjobcenter.accounts.selectors import get_customer_for
from openjobcenter.api.auth import auth_user, staff_session
from openjobcenter.api.schemas import ErrorOut, RateLimitedOut, ValidationErrorOut
from openjobcenter.core.access import Perm, has_perm, staff_roles
from openjobcenter.reception import ratelimit, selectors, services
from openjobcenter.reception.api_schemas import (
    CallIn,
    CheckInIn,
    ScanIn,
    ScanOut,
    TicketOut,
    WalkInIn,
)
from openjobcenter.reception.lookup import Outcome
from openjobcenter.reception.models import Ticket
from openjobcenter.reception.services import ReceptionError
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["reception"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def _staff(request: HttpRequest, jc: str, perm: Perm) -> Jobcenter:
    jobcenter: Jobcenter | None = getattr(request, "jobcenter", None)
    if jobcenter is None or jobcenter.slug != jc:
        jobcenter = get_jobcenter_by_slug(jc)
    if not is_enabled(jobcenter, "appointments"):
        raise Http404
    roles = staff_roles(auth_user(request), jobcenter)
    if not roles:
        raise Http404
    if not has_perm(roles, perm):
        raise HttpError(403, "Your role does not allow this.")
    request.jobcenter = jobcenter  # type: ignore[attr-defined]
    return jobcenter


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "number": ticket.call_number,
        "area_id": ticket.area_id,
        "area": ticket.area.name,
        "status": ticket.status,
        "desk": ticket.desk.name if ticket.desk else None,
        "topic": ticket.topic,
        "call_count": ticket.call_count,
        "called_at": ticket.called_at,
        "customer_id": ticket.customer_id,
        "appointment_id": ticket.appointment_id,
    }


def _refused(exc: ReceptionError) -> Status[Any]:
    if exc.field is None:
        return Status(409, {"detail": exc.message})
    return Status(
        422,
        {
            "detail": [
                {"loc": ["body", "payload", exc.field], "msg": exc.message, "type": "reception"}
            ]
        },
    )


def _device(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    return f"s:{key}" if key else f"u:{auth_user(request).pk}"


@router.post(
    "/{jc}/staff/scan",
    response={200: ScanOut, 429: RateLimitedOut, **ERRORS},
    auth=staff_session,
    summary="Reception: who is this (card QR payload or customer number)",
    operation_id="openjobcenter_reception_api_scan",
)
def scan(request: HttpRequest, jc: str, payload: ScanIn) -> Any:
    jobcenter = _staff(request, jc, Perm.APPOINTMENTS_RECEPTION)
    try:
        result = services.reception_scan(
            request=request,
            actor=auth_user(request),
            jobcenter=jobcenter,
            raw=payload.code,
            device=_device(request),
        )
    except ReceptionError as exc:
        return Status(429, {"detail": exc.message, "retry_after": ratelimit.WINDOW_S})
    if result.outcome == Outcome.UNKNOWN or result.customer is None:
        if result.outcome == Outcome.MALFORMED:
            return Status(
                422,
                {
                    "detail": [
                        {
                            "loc": ["body", "payload", "code"],
                            "msg": result.message,
                            "type": "reception",
                        }
                    ]
                },
            )
        return Status(404, {"detail": result.message})
    customer = result.customer
    return {
        "customer_id": customer.pk,
        "name": customer.user.display_name,
        "customer_number": customer.customer_number,
        "by_card": result.by_card,
        "appointments_today": [
            {
                "id": a.pk,
                "starts_at": a.starts_at,
                "type": str(a.type.name),
                "staff_name": a.staff.display_name,
                "checked_in": a.checked_in_at is not None,
            }
            for a in result.appointments
        ],
        "open_ticket": _ticket(result.open_ticket) if result.open_ticket else None,
    }


@router.post(
    "/{jc}/staff/check-in",
    response={200: TicketOut, **ERRORS},
    auth=staff_session,
    summary="Reception: check in for today's next appointment and get a call number",
    operation_id="openjobcenter_reception_api_check_in",
)
def check_in(request: HttpRequest, jc: str, payload: CheckInIn) -> Any:
    jobcenter = _staff(request, jc, Perm.APPOINTMENTS_RECEPTION)
    customer = get_customer_for(jobcenter, payload.customer_id)
    area = selectors.get_area(jobcenter, payload.area_id) if payload.area_id else None
    try:
        ticket = services.ticket_check_in(
            request=request,
            actor=auth_user(request),
            jobcenter=jobcenter,
            customer=customer,
            area=area,
        )
    except ReceptionError as exc:
        return _refused(exc)
    return _ticket(ticket)


@router.post(
    "/{jc}/staff/walk-in",
    response={200: TicketOut, **ERRORS},
    auth=staff_session,
    summary="Reception: a call number for a topic without appointment",
    operation_id="openjobcenter_reception_api_walk_in",
)
def walk_in(request: HttpRequest, jc: str, payload: WalkInIn) -> Any:
    jobcenter = _staff(request, jc, Perm.APPOINTMENTS_RECEPTION)
    customer = get_customer_for(jobcenter, payload.customer_id) if payload.customer_id else None
    area = selectors.get_area(jobcenter, payload.area_id) if payload.area_id else None
    try:
        ticket = services.ticket_walk_in(
            request=request,
            actor=auth_user(request),
            jobcenter=jobcenter,
            customer=customer,
            topic=payload.topic,
            area=area,
        )
    except ReceptionError as exc:
        return _refused(exc)
    return _ticket(ticket)


@router.get(
    "/{jc}/staff/tickets",
    response={200: list[TicketOut], 403: ErrorOut, 404: ErrorOut},
    auth=staff_session,
    summary="Today's tickets of the job centre",
    operation_id="openjobcenter_reception_api_tickets",
)
def tickets(request: HttpRequest, jc: str) -> Any:
    jobcenter = _staff(request, jc, Perm.DASHBOARD)
    return [_ticket(t) for t in selectors.tickets_today(jobcenter)]


@router.post(
    "/{jc}/staff/call-next",
    response={200: TicketOut, **ERRORS},
    auth=staff_session,
    summary="Call the longest-waiting person of the desk's waiting area",
    operation_id="openjobcenter_reception_api_call_next",
)
def call_next(request: HttpRequest, jc: str, payload: CallIn) -> Any:
    jobcenter = _staff(request, jc, Perm.DASHBOARD)
    desk = selectors.get_desk(jobcenter, payload.desk_id)
    try:
        ticket = services.ticket_call_next(
            request=request, actor=auth_user(request), jobcenter=jobcenter, desk=desk
        )
    except ReceptionError as exc:
        return _refused(exc)
    return _ticket(ticket)


@router.post(
    "/{jc}/staff/tickets/{pk}/call",
    response={200: TicketOut, **ERRORS},
    auth=staff_session,
    summary="Call (or call again) a given ticket to a desk",
    operation_id="openjobcenter_reception_api_call",
)
def call(request: HttpRequest, jc: str, pk: int, payload: CallIn) -> Any:
    jobcenter = _staff(request, jc, Perm.DASHBOARD)
    ticket = selectors.get_ticket(jobcenter, pk)
    desk = selectors.get_desk(jobcenter, payload.desk_id)
    try:
        ticket = services.ticket_call(
            request=request, actor=auth_user(request), ticket=ticket, desk=desk
        )
    except ReceptionError as exc:
        return _refused(exc)
    return _ticket(ticket)


def _close(request: HttpRequest, jc: str, pk: int, *, no_show: bool) -> Any:
    jobcenter = _staff(request, jc, Perm.DASHBOARD)
    ticket = selectors.get_ticket(jobcenter, pk)
    try:
        ticket = services.ticket_close(
            request=request, actor=auth_user(request), ticket=ticket, no_show=no_show
        )
    except ReceptionError as exc:
        return _refused(exc)
    return _ticket(ticket)


@router.post(
    "/{jc}/staff/tickets/{pk}/no-show",
    response={200: TicketOut, **ERRORS},
    auth=staff_session,
    summary="The called person did not come",
    operation_id="openjobcenter_reception_api_no_show",
)
def no_show(request: HttpRequest, jc: str, pk: int) -> Any:
    return _close(request, jc, pk, no_show=True)


@router.post(
    "/{jc}/staff/tickets/{pk}/done",
    response={200: TicketOut, **ERRORS},
    auth=staff_session,
    summary="The person was served",
    operation_id="openjobcenter_reception_api_done",
)
def done(request: HttpRequest, jc: str, pk: int) -> Any:
    return _close(request, jc, pk, no_show=False)

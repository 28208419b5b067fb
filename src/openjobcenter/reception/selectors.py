"""Tenant-scoped reads of the reception module: every lookup by id 404s for "missing" and
"not yours" alike."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.appointments.models import ACTIVE_STATUSES, Appointment, Channel
from openjobcenter.appointments.slots import local_to_utc
from openjobcenter.reception.models import (
    OPEN_STATUSES,
    Desk,
    Display,
    Ticket,
    TicketStatus,
    WaitingArea,
    hash_token,
)
from openjobcenter.tenants.models import Jobcenter


def parse_pk(raw: object) -> int:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        raise Http404 from None
    if value <= 0 or value > 2**31:
        raise Http404
    return value


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = local_to_utc(day, time(0)) or timezone.now()
    end = local_to_utc(day + timedelta(days=1), time(0)) or start + timedelta(days=1)
    return start, end


def todays_appointments(customer: CustomerProfile) -> QuerySet[Appointment]:
    """The customer's appointments on site today that are still on (earliest first)."""
    start, end = day_bounds(timezone.localdate())
    return (
        Appointment.objects.filter(
            customer=customer,
            jobcenter_id=customer.jobcenter_id,
            channel=Channel.IN_PERSON,
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=ACTIVE_STATUSES,
        )
        .select_related("type", "staff", "office")
        .order_by("starts_at", "pk")
    )


def areas_of(jobcenter: Jobcenter, *, active_only: bool = False) -> QuerySet[WaitingArea]:
    qs = WaitingArea.objects.filter(jobcenter=jobcenter)
    return qs.filter(active=True) if active_only else qs


def desks_of(jobcenter: Jobcenter, *, active_only: bool = False) -> QuerySet[Desk]:
    qs = Desk.objects.filter(jobcenter=jobcenter).select_related("area")
    return qs.filter(active=True, area__active=True) if active_only else qs


def displays_of(jobcenter: Jobcenter) -> QuerySet[Display]:
    return Display.objects.filter(jobcenter=jobcenter).select_related("area")


def get_area(jobcenter: Jobcenter, raw: object) -> WaitingArea:
    area = WaitingArea.objects.filter(jobcenter=jobcenter, pk=parse_pk(raw)).first()
    if area is None:
        raise Http404
    return area


def get_desk(jobcenter: Jobcenter, raw: object) -> Desk:
    desk = Desk.objects.filter(jobcenter=jobcenter, pk=parse_pk(raw)).select_related("area").first()
    if desk is None:
        raise Http404
    return desk


def get_display(jobcenter: Jobcenter, raw: object) -> Display:
    display = Display.objects.filter(jobcenter=jobcenter, pk=parse_pk(raw)).first()
    if display is None:
        raise Http404
    return display


def get_ticket(jobcenter: Jobcenter, raw: object) -> Ticket:
    ticket = (
        Ticket.objects.filter(jobcenter=jobcenter, pk=parse_pk(raw))
        .select_related("area", "desk", "customer__user")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def tickets_today(jobcenter: Jobcenter) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(jobcenter=jobcenter, day=timezone.localdate())
        .select_related("area", "desk", "customer__user", "appointment__staff")
        .order_by("area__name", "number")
    )


def open_tickets_today(jobcenter: Jobcenter) -> QuerySet[Ticket]:
    return tickets_today(jobcenter).filter(status__in=OPEN_STATUSES)


def open_ticket_of(customer: CustomerProfile) -> Ticket | None:
    """The customer's ticket of today that is still waiting or called (the latest)."""
    return (
        Ticket.objects.filter(customer=customer, day=timezone.localdate(), status__in=OPEN_STATUSES)
        .select_related("area", "desk")
        .order_by("-created_at", "-pk")
        .first()
    )


def display_by_token(jobcenter: Jobcenter, token: str) -> Display:
    """A display of this job centre by the token in its link; revoked or unknown: 404."""
    if not token or len(token) > 100:
        raise Http404
    display = (
        Display.objects.filter(
            jobcenter=jobcenter, token_hash=hash_token(token), revoked_at__isnull=True
        )
        .select_related("area")
        .first()
    )
    if display is None:
        raise Http404
    return display


def recent_calls(area: WaitingArea, *, limit: int = 8) -> list[dict[str, str | int]]:
    """What a display shows: today's called tickets of its area, latest first; numbers and
    desks only."""
    rows = (
        Ticket.objects.filter(
            area=area, day=timezone.localdate(), status=TicketStatus.CALLED, desk__isnull=False
        )
        .select_related("desk", "area")
        .order_by("-called_at", "-pk")[:limit]
    )
    return [call_data(t) for t in rows]


def call_data(ticket: Ticket) -> dict[str, str | int]:
    called = ticket.called_at.isoformat() if ticket.called_at else ""
    return {
        "id": ticket.pk,
        "number": ticket.call_number,
        "desk": ticket.desk.name if ticket.desk else "",
        "count": ticket.call_count,
        "called_at": called,
    }

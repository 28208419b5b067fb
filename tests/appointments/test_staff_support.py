"""Helpers shared by the staff-side appointment tests (no tests of its own)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import Appointment, AppointmentType, Channel, Status
from openjobcenter.appointments.slots import local_to_utc
from openjobcenter.tenants.models import Jobcenter, Office


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(day: date, at: time) -> datetime:
    result = local_to_utc(day, at)
    assert result is not None
    return result


def first_office(jobcenter: Jobcenter) -> Office:
    office = Office.objects.filter(jobcenter=jobcenter).order_by("position").first()
    assert office is not None
    return office


def make_appointment(
    *,
    appt_type: AppointmentType,
    customer: CustomerProfile,
    staff: User,
    starts_at: datetime,
    channel: str = Channel.IN_PERSON,
    status: str = Status.BOOKED,
    office: Office | None = None,
    **extra: object,
) -> Appointment:
    if office is None and channel == Channel.IN_PERSON:
        office = Office.objects.filter(jobcenter=customer.jobcenter).first()
    return Appointment.objects.create(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=staff,
        office=office,
        channel=channel,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=appt_type.duration_min),
        status=status,
        **extra,
    )


def type_of(jobcenter: Jobcenter, **overrides: object) -> AppointmentType:
    """An appointment type of another job centre (for the ownership tests)."""
    fields: dict[str, object] = {
        "name": "Beratung",
        "duration_min": 30,
        "channels": ["in_person", "phone"],
    }
    fields.update(overrides)
    return AppointmentType.objects.create(jobcenter=jobcenter, **fields)

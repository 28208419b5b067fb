"""iCalendar export: one appointment as a download, all of a customer's as a private feed.

Entries carry what the customer needs (kind, time, place or channel, job centre) and
nothing else: no names, no reasons, no case data, since calendars get synced to clouds.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.appointments.models import (
    Appointment,
    CalendarFeed,
    Channel,
    Status,
    feed_token_hash,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import translated
from openjobcenter.core.models import AuditAction


def _event(appointment: Appointment, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}-{appointment.video_room[:8]}@openjobcenter")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", f"{translated(appointment.type, 'name')} – {appointment.jobcenter.name}")
    if appointment.channel == Channel.IN_PERSON and appointment.office is not None:
        office = appointment.office
        event.add("location", f"{office.name}, {office.street}, {office.postcode} {office.city}")
    else:
        event.add("location", Channel(appointment.channel).label)
    event.add("status", "CANCELLED" if appointment.status == Status.CANCELLED else "CONFIRMED")
    return event


def ics_for(appointments: Iterable[Appointment]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//OpenJobcenter//Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Jobcenter")
    stamp = timezone.now()
    for appointment in appointments:
        calendar.add_component(_event(appointment, stamp))
    return bytes(calendar.to_ical())


@transaction.atomic
def calendar_feed_renew(*, customer: CustomerProfile) -> str:
    """Create the feed, or replace its secret (the old link stops working).

    Returns the new token: the only moment it exists in plain text, since only its hash
    is stored. The caller shows the address to the customer once.
    """
    token = secrets.token_urlsafe(32)
    _feed, created = CalendarFeed.objects.update_or_create(
        customer=customer,
        defaults={"token_hash": feed_token_hash(token), "created_at": timezone.now()},
    )
    _audit(customer, "created" if created else "renewed")
    return token


def calendar_feed_by_token(*, token: str, jobcenter_id: int) -> CalendarFeed | None:
    """The feed this token opens within the job centre, or None."""
    return (
        CalendarFeed.objects.select_related("customer")
        .filter(token_hash=feed_token_hash(token), customer__jobcenter_id=jobcenter_id)
        .first()
    )


@transaction.atomic
def calendar_feed_revoke(*, customer: CustomerProfile) -> None:
    if CalendarFeed.objects.filter(customer=customer).delete()[0]:
        _audit(customer, "revoked")


def _audit(customer: CustomerProfile, what: str) -> None:
    audit(
        request=None,
        action=AuditAction.UPDATE,
        object_type="calendar_feed",
        object_id=customer.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        actor=customer.user,
        detail=what,
    )

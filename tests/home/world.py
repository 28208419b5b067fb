"""A busy customer for the home tests and ``bench/home.py``: document requests,
appointments, unread messages and applications, made through the modules' services
where the home depends on what they store (requests, chat), directly otherwise. What
is stored directly then calls ``changed`` as the services do (``home_changed``: the
cached home is out of date)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationStatus,
    ApplicationStep,
    EventKind,
    StepState,
)
from openjobcenter.appointments.models import Appointment, AppointmentType, Channel, Status
from openjobcenter.documents.models import DocumentRequest
from openjobcenter.documents.services_requests import RequestItemInput, document_request_create
from openjobcenter.home.realtime import home_changed
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import AuthorSide, Conversation, Message, Topic
from openjobcenter.tenants.models import Jobcenter

MODULES = ("applications", "appointments", "documents", "messaging")
_refs = itertools.count(1)


def enable_modules(jobcenter: Jobcenter) -> None:
    missing = [m for m in MODULES if m not in jobcenter.enabled_modules]
    if missing:
        jobcenter.enabled_modules = [*jobcenter.enabled_modules, *missing]
        jobcenter.save()


def changed(customer: CustomerProfile) -> None:
    """Stored directly, not through a service: do what the service would after it."""
    home_changed(customer.user_id)


@dataclass
class Busy:
    requests: list[DocumentRequest] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)


def add_request(
    customer: CustomerProfile, *, days: int = 7, kinds: tuple[str, ...] = ("payslip",)
) -> DocumentRequest:
    return document_request_create(
        request=None,
        jobcenter=customer.jobcenter,
        customer=customer,
        items=[RequestItemInput(kind=k) for k in kinds],
        deadline=timezone.localdate() + timedelta(days=days),
        explanation="Bitte senden Sie uns die Unterlagen.",
    )


def appointment_type(jobcenter: Jobcenter) -> AppointmentType:
    found = AppointmentType.objects.filter(jobcenter=jobcenter, name="Beratungsgespräch").first()
    return found or AppointmentType.objects.create(
        jobcenter=jobcenter,
        name="Beratungsgespräch",
        duration_min=30,
        channels=["in_person", "phone", "video"],
    )


def add_appointment(
    customer: CustomerProfile, staff: User, *, hours: float, status: str = Status.CONFIRMED
) -> Appointment:
    appt_type = appointment_type(customer.jobcenter)
    starts = timezone.now() + timedelta(hours=hours)
    appointment = Appointment.objects.create(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=staff,
        channel=Channel.PHONE,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=appt_type.duration_min),
        status=status,
        created_by=staff,
    )
    changed(customer)
    return appointment


def add_messages(
    customer: CustomerProfile, staff: User, count: int, subject: str = "Ihr Antrag"
) -> Conversation:
    chat.topics_ensure_defaults(jobcenter=customer.jobcenter)
    topic = Topic.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    conversation = chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(
            subject=subject, body="Guten Tag, ich habe eine Frage.", topic=topic
        ),
    )
    # Stored directly: the chat's rate limit would refuse 40 messages of one person in
    # a minute (the service's own path is tested in tests/messaging).
    last = None
    for n in range(count):
        last = Message.objects.create(
            conversation=conversation,
            author=staff,
            side=AuthorSide.STAFF,
            body=f"Antwort Nummer {n + 1}",
        )
    if last is not None:
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_id=last.pk, last_message_at=last.created_at
        )
    conversation.refresh_from_db()
    changed(customer)
    return conversation


def add_draft(
    customer: CustomerProfile, *, done: tuple[str, ...] = ("filing",), filed: bool = False
) -> Application:
    app = Application.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=ApplicationKind.INITIAL,
        status=ApplicationStatus.DRAFT,
        reference=f"EA-2026-H{next(_refs):06d}",
        form_key=ApplicationKind.INITIAL,
        form_version=1,
        filed_at=timezone.now() if filed else None,
    )
    for key in done:
        ApplicationStep.objects.create(
            application=app,
            step_key=key,
            answers={"first_name": "Karl", "last_name": "Kunde"},
            state=StepState.DONE,
            completed_at=timezone.now(),
        )
    changed(customer)
    return app


def add_submitted(
    customer: CustomerProfile,
    staff: User,
    *,
    status: str = ApplicationStatus.IN_PROGRESS,
    message: str = "Wir prüfen Ihren Antrag.",
) -> tuple[Application, ApplicationEvent]:
    now = timezone.now()
    app = Application.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=ApplicationKind.INITIAL,
        status=status,
        reference=f"EA-2026-H{next(_refs):06d}",
        form_key=ApplicationKind.INITIAL,
        form_version=1,
        filed_at=now,
        submitted_at=now,
        submitted_data={"answers": {}},
    )
    event = ApplicationEvent.objects.create(
        application=app,
        actor=staff,
        kind=EventKind.STATUS_CHANGED,
        status_from=ApplicationStatus.RECEIVED,
        status_to=status,
        message=message,
    )
    changed(customer)
    return app, event


def make_busy(
    customer: CustomerProfile,
    staff: User,
    *,
    requests: int = 5,
    appointments: int = 3,
    unread: int = 40,
    applications: int = 2,
    conversations: int = 2,
) -> Busy:
    """The issue's busy customer: by default 5 requests, 3 appointments (one invitation,
    one today, one next week), 40 unread messages in 2 conversations, 2 applications
    (a draft and a submitted one with a status change)."""
    enable_modules(customer.jobcenter)
    busy = Busy()
    for n in range(requests):
        busy.requests.append(add_request(customer, days=3 + n, kinds=("payslip", "rent_statement")))
    hours: list[tuple[float, str]] = [
        (1.0, Status.CONFIRMED),
        (24 * 3, Status.INVITED),
        (24 * 8, Status.BOOKED),
    ]
    for n in range(appointments):
        h, status = hours[n % len(hours)]
        busy.appointments.append(
            add_appointment(customer, staff, hours=h + 24 * 10 * (n // 3), status=status)
        )
    per_conv = (
        [
            unread // conversations + (1 if i < unread % conversations else 0)
            for i in range(conversations)
        ]
        if conversations
        else []
    )
    for i, count in enumerate(per_conv):
        busy.conversations.append(add_messages(customer, staff, count, subject=f"Frage {i + 1}"))
    for n in range(applications):
        if n % 2 == 0:
            busy.applications.append(add_draft(customer))
        else:
            busy.applications.append(add_submitted(customer, staff)[0])
    return busy


def summary(busy: Busy) -> dict[str, Any]:
    return {
        "requests": len(busy.requests),
        "appointments": len(busy.appointments),
        "conversations": len(busy.conversations),
        "applications": len(busy.applications),
    }


@contextmanager
def daytime() -> Iterator[None]:
    """From 20:00 in Berlin, back to 10:00 the same day, the clock running: an appointment
    "in an hour" is still today whenever the suite runs (CI may run at 23:30). Earlier in
    the day the clock is left alone (going forward would outrun session idle limits)."""
    local = timezone.localtime()
    if local.hour < 20:
        yield
        return
    with time_machine.travel(local.replace(hour=10, minute=0, second=0, microsecond=0), tick=True):
        yield

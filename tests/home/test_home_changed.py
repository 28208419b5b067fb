"""Every service that changes something a customer's home shows says so: it bumps the
person's home version (so the cached home, its fragment and the navigation badge are
computed again) and sends ``home.changed`` to the person's socket group after the
commit (so an open home updates live). A service that forgets it leaves a stale home;
this test goes through each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.test import Client, RequestFactory
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications import services as app_services
from openjobcenter.applications import services_staff as app_staff
from openjobcenter.applications.models import Application, ApplicationStatus
from openjobcenter.appointments import services as appts
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from openjobcenter.appointments.selectors import free_slots, staff_for_type
from openjobcenter.documents import services as docs
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.documents.services_review import document_review
from openjobcenter.home.cache import current_version
from openjobcenter.home.services import seen_marker_advance
from openjobcenter.messaging import realtime
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import Conversation
from openjobcenter.tenants.models import Jobcenter
from tests.applications.customer_data import COUPLE, enable, fill_all, save
from tests.documents.conftest import photo, upload
from tests.home import world

pytestmark = pytest.mark.django_db


@dataclass
class World:
    jc: Jobcenter
    customer: CustomerProfile
    staff: User
    client: Client  # logged in as the customer
    appt_type: AppointmentType
    advisor: User


@pytest.fixture(autouse=True)
def _fresh_layer(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The in-process layer in both passes: this test is about which services send, the
    # transport through Redis is messaging's (tests/messaging/test_layer_outage*.py).
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture
def w(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    appt_type: AppointmentType,
    advisor: User,
) -> World:
    world.enable_modules(jc_a)
    enable(jc_a)
    client = Client()
    client.force_login(customer.user)
    return World(jc_a, customer, staff_a[Role.CASEWORKER], client, appt_type, advisor)


def staff_request(user: User) -> Any:
    request = RequestFactory().post("/")
    request.user = user
    return request


@contextmanager
def captured(user_id: int) -> Iterator[list[dict[str, Any]]]:
    """The events the person's socket group receives (a channel of the real layer)."""
    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.user_group(user_id), channel)
    events: list[dict[str, Any]] = []
    yield events

    async def drain() -> None:
        import asyncio

        while True:
            try:
                events.append(await asyncio.wait_for(layer.receive(channel), 0.2))
            except TimeoutError:
                return

    async_to_sync(drain)()


# --- each case sets up what it needs and returns the call that must tell the home -------

Action = Callable[[], object]


def appointment(w: World, status: str = Status.CONFIRMED, hours: float = 30) -> Appointment:
    return world.add_appointment(w.customer, w.advisor, hours=hours, status=status)


def conversation(w: World) -> Conversation:
    return world.add_messages(w.customer, w.staff, 2)


def draft(w: World) -> Application:
    return app_services.application_start(request=None, customer=w.customer, kind="initial")


def submitted(w: World) -> Application:
    app = draft(w)
    fill_all(w.client, app)
    return app_services.application_submit(request=None, application=app)


def received_document(w: World) -> Document:
    return docs.document_store_attachment(
        request=None, customer=w.customer, uploaded_file=upload(photo(1)), kind="payslip"
    )


def document_request_created(w: World) -> Action:
    return lambda: world.add_request(w.customer)


def document_sent_for_request(w: World) -> Action:
    item = world.add_request(w.customer).items.get()
    return lambda: docs.document_store_attachment(
        request=None,
        customer=w.customer,
        uploaded_file=upload(photo(1)),
        kind="payslip",
        source="upload",
        request_item=item,
    )


def document_reviewed(w: World) -> Action:
    doc = received_document(w)
    return lambda: document_review(
        request=staff_request(w.staff),
        document=Document.objects.get(pk=doc.pk),
        state=DocumentState.NEW_COPY_NEEDED,
        reason="Seite 2 fehlt.",
        base_version=0,
    )


def invitation_sent(w: World) -> Action:
    return lambda: appts.appointment_invite(
        request=None,
        actor=w.advisor,
        customer=w.customer,
        appt_type=w.appt_type,
        staff=w.advisor,
        starts_at=timezone.now() + timedelta(days=2),
        channel="phone",
        office_id=None,
    )


def appointment_booked(w: World) -> Action:
    slot = free_slots(appt_type=w.appt_type, staff_ids=staff_for_type(w.appt_type, w.customer))[0]
    booking = appts.BookingRequest(w.appt_type, slot.staff_id, slot.starts_at, "phone")
    return lambda: appts.appointment_book(
        request=None, customer=w.customer, actor=w.customer.user, booking=booking
    )


def invitation_confirmed(w: World) -> Action:
    invited = appointment(w, Status.INVITED)
    return lambda: appts.appointment_confirm(request=None, customer=w.customer, appointment=invited)


def change_requested(w: World) -> Action:
    booked = appointment(w)
    return lambda: appts.appointment_request_change(
        request=None,
        customer=w.customer,
        appointment=booked,
        reason="illness",
        message="",
        cancel=False,
    )


def cancelled_by_staff(w: World) -> Action:
    booked = appointment(w)
    return lambda: appts.appointment_cancel(request=None, actor=w.advisor, appointment=booked)


def _working_day_at_ten(days: int) -> datetime:
    """10:00 in Berlin on the first working day (no weekend, no Hessian holiday) at least
    ``days`` days ahead: a move the opening-hours check accepts whatever day CI runs."""
    from openjobcenter.appointments.opening import holiday_on

    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5 or holiday_on(day) is not None:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def moved(w: World) -> Action:
    booked = appointment(w)
    return lambda: appts.appointment_reschedule(
        request=None,
        actor=w.advisor,
        appointment=booked,
        starts_at=_working_day_at_ten(5),
    )


def marked_attended(w: World) -> Action:
    begun = appointment(w, hours=-0.2)
    return lambda: appts.appointment_mark(
        request=None, actor=w.advisor, appointment=begun, attended=True
    )


def checked_in(w: World) -> Action:
    soon = appointment(w, hours=0.2)
    return lambda: appts.appointment_check_in(request=None, actor=w.staff, appointment=soon)


def staff_message(w: World) -> Action:
    conv = conversation(w)
    return lambda: chat.message_send(conversation=conv, author=w.staff, body="Danke.")


def customer_message(w: World) -> Action:
    conv = conversation(w)
    return lambda: chat.message_send(conversation=conv, author=w.customer.user, body="Gut.")


def read_by_customer(w: World) -> Action:
    conv = conversation(w)
    return lambda: chat.conversation_mark_read(conversation=conv, user=w.customer.user)


def read_by_staff(w: World) -> Action:
    conv = conversation(w)
    return lambda: chat.conversation_mark_read(conversation=conv, user=w.staff)


def conversation_started_by_staff(w: World) -> Action:
    data = chat.StartRequest(subject="Ihre Unterlagen", body="Guten Tag.", advisor=w.staff)
    return lambda: chat.conversation_start(customer=w.customer, author=w.staff, data=data)


def application_started(w: World) -> Action:
    return lambda: draft(w)


def step_saved(w: World) -> Action:
    app = draft(w)
    return lambda: save(w.client, app, "filing", COUPLE["filing"])


def application_submitted(w: World) -> Action:
    app = draft(w)
    fill_all(w.client, app)
    return lambda: app_services.application_submit(request=None, application=app)


def decision(w: World) -> Action:
    app = submitted(w)
    return lambda: app_staff.application_change_status(
        request=None,
        actor=w.staff,
        application=app,
        status=ApplicationStatus.DECIDED,
        reason="Bewilligt.",
    )


def staff_question(w: World) -> Action:
    app = submitted(w)
    return lambda: app_staff.application_ask_question(
        request=None, actor=w.staff, application=app, question="Seit wann wohnen Sie dort?"
    )


def question_answered(w: World) -> Action:
    app = submitted(w)
    question = app_staff.application_ask_question(
        request=None, actor=w.staff, application=app, question="Seit wann?"
    )
    return lambda: app_services.application_answer_question(
        request=None, application=app, question=question, message="Seit 2019."
    )


def status_change_seen(w: World) -> Action:
    app = submitted(w)
    return lambda: seen_marker_advance(
        request=None, customer=w.customer, key=f"application:{app.pk}", upto=10**6
    )


CASES: list[Callable[[World], Action]] = [
    document_request_created,
    document_sent_for_request,
    document_reviewed,
    invitation_sent,
    appointment_booked,
    invitation_confirmed,
    change_requested,
    cancelled_by_staff,
    moved,
    marked_attended,
    checked_in,
    staff_message,
    customer_message,
    read_by_customer,
    read_by_staff,
    conversation_started_by_staff,
    application_started,
    step_saved,
    application_submitted,
    decision,
    staff_question,
    question_answered,
    status_change_seen,
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_service_bumps_the_home_and_sends_the_live_event(
    w: World, case: Callable[[World], Action], django_capture_on_commit_callbacks: Any
) -> None:
    uid = w.customer.user_id
    with django_capture_on_commit_callbacks(execute=True):
        action = case(w)
    before = current_version(uid)
    with captured(uid) as events, django_capture_on_commit_callbacks(execute=True):
        action()
    assert current_version(uid) != before, f"{case.__name__}: the home version did not change"
    assert {"type": "home.changed"} in events, f"{case.__name__}: no live event ({events})"


def test_a_sent_document_leaves_the_cached_home(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The home is served from the cache; answering a request (received after the
    pipeline, in an after-commit task) takes the request off it."""
    home = f"/{w.jc.slug}/mein-bereich/"
    with django_capture_on_commit_callbacks(execute=True):
        send = document_sent_for_request(w)
    assert 'data-kind="document_request"' in w.client.get(home).content.decode()
    assert 'data-kind="document_request"' in w.client.get(home).content.decode()  # cached
    with django_capture_on_commit_callbacks(execute=True):
        send()
    assert 'data-kind="document_request"' not in w.client.get(home).content.decode()


def test_the_version_moves_again_after_the_commit(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A home computed from the state before the commit (another request, meanwhile)
    must not count afterwards: the bump after the commit makes it stale."""
    uid = w.customer.user_id
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.add_request(w.customer)
        inside = current_version(uid)
    assert callbacks
    for callback in callbacks:
        callback()
    assert current_version(uid) != inside


# --- the staff work queue: the job centre's team group hears "queue changed" -------------


@contextmanager
def captured_team(jobcenter_id: int) -> Iterator[list[dict[str, Any]]]:
    """The events a job centre's team group receives (staff sockets of that job centre)."""
    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.team_group(jobcenter_id), channel)
    events: list[dict[str, Any]] = []
    yield events

    async def drain() -> None:
        import asyncio

        while True:
            try:
                events.append(await asyncio.wait_for(layer.receive(channel), 0.2))
            except TimeoutError:
                return

    async_to_sync(drain)()


def application_filed(w: World) -> Action:
    return step_saved(w)


def assigned(w: World) -> Action:
    app = submitted(w)
    return lambda: app_staff.application_assign(
        request=None, actor=w.staff, application=app, assignee=w.staff
    )


# What the work queue counts (home/staff_queue.py providers) and the services that change it.
QUEUE_CASES: list[Callable[[World], Action]] = [
    application_filed,
    application_submitted,
    assigned,
    decision,
    document_sent_for_request,
    document_reviewed,
    document_request_created,
    customer_message,
    read_by_staff,
    change_requested,
    checked_in,
    marked_attended,
    cancelled_by_staff,
    moved,
    invitation_sent,
]


@pytest.mark.parametrize("case", QUEUE_CASES, ids=lambda case: case.__name__)
def test_service_tells_the_job_centres_work_queues(
    w: World,
    jc_b: Jobcenter,
    case: Callable[[World], Action],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        action = case(w)
    with (
        captured_team(jc_b.pk) as others,
        captured_team(w.jc.pk) as events,
        django_capture_on_commit_callbacks(execute=True),
    ):
        action()
    # Only "something changed": no person, no object, no kind.
    assert {"type": "queue.changed"} in events, f"{case.__name__}: no queue event ({events})"
    assert all(e == {"type": "queue.changed"} for e in events if e["type"] == "queue.changed")
    assert not [e for e in others if e["type"] == "queue.changed"], case.__name__


def test_the_queue_event_waits_for_the_commit(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send = customer_message(w)
    with captured_team(w.jc.pk) as events, django_capture_on_commit_callbacks(execute=False):
        send()
    assert {"type": "queue.changed"} not in events  # rolled back: nothing said


def test_a_customer_writing_with_nothing_unread_leaves_the_home_alone(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The home lists unread conversations only. The customer's own message with nothing
    unread before it changes nothing there: no bump, no live event (the commonest send
    spares both). With a reply still unread, writing reads it: the home says so."""
    uid = w.customer.user_id
    home = f"/{w.jc.slug}/mein-bereich/"
    with django_capture_on_commit_callbacks(execute=True):
        conv = conversation(w)  # two replies of the staff, unread
    assert 'data-kind="message"' in w.client.get(home).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        chat.message_send(conversation=conv, author=w.customer.user, body="Danke, gelesen.")
    assert 'data-kind="message"' not in w.client.get(home).content.decode()
    before = current_version(uid)
    with captured(uid) as events, django_capture_on_commit_callbacks(execute=True):
        chat.message_send(conversation=conv, author=w.customer.user, body="Noch eine Frage.")
    assert current_version(uid) == before
    assert {"type": "home.changed"} not in events
    assert 'data-kind="message"' not in w.client.get(home).content.decode()
    # The staff's next reply is news again.
    with captured(uid) as events, django_capture_on_commit_callbacks(execute=True):
        chat.message_send(conversation=conv, author=w.staff, body="Gern.")
    assert current_version(uid) != before
    assert {"type": "home.changed"} in events
    assert 'data-kind="message"' in w.client.get(home).content.decode()

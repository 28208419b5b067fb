"""The built-in call's signalling WebSocket: who may enter a room, relaying, bad frames.

Each test runs its whole conversation in one event loop (``async_to_sync``); the
consumer's database calls then run in the test's thread, inside its transaction. Channels
closes "old" connections around each of them, which on PostgreSQL would close the
connection holding the test transaction; the fixture below keeps it open.

``channels.testing.Communicator`` cannot be imported without daphne (the
package's ``__init__`` imports its live server), so ``Communicator`` below is the same
few methods on asgiref's ``ApplicationCommunicator``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

import channels.db
import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.consumers import clean_frame
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from openjobcenter.config.asgi import application
from tests.clock import ManualClock, nudge_until_output
from tests.conftest import login_with_mfa

ORIGIN = b"http://testserver"


class Communicator:
    """A WebSocket client talking to the ASGI application directly."""

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": headers,
            "subprotocols": [],
        }
        make: Any = ApplicationCommunicator  # untyped in asgiref
        self.inner: Any = make(application, scope)

    async def connect(self) -> tuple[bool, int | None]:
        await self.inner.send_input({"type": "websocket.connect"})
        response = await self.output()
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, None

    async def send_to(
        self, *, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> None:
        if text_data is not None:
            await self.inner.send_input({"type": "websocket.receive", "text": text_data})
        else:
            await self.inner.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def output(self, timeout: float = 2) -> dict[str, Any]:
        return dict(await self.inner.receive_output(timeout))

    async def receive_from(self, timeout: float = 2) -> str:
        response = await self.output(timeout)
        assert response["type"] == "websocket.send", response
        return str(response["text"])

    async def receive_nothing(self, timeout: float = 0.2) -> bool:
        return bool(await self.inner.receive_nothing(timeout))

    async def disconnect(self, code: int = 1000) -> None:
        await self.inner.send_input({"type": "websocket.disconnect", "code": code})
        await self.inner.wait(2)


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    # A layer instance remembers the event loop it first ran in; every test has its own.
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def make_appointment(
    customer: CustomerProfile,
    staff: User,
    appt_type: AppointmentType,
    *,
    starts_in: timedelta = timedelta(minutes=5),
    channel: str = "video",
    status: str = Status.BOOKED,
) -> Appointment:
    starts_at = timezone.now() + starts_in
    return Appointment.objects.create(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=staff,
        channel=channel,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        status=status,
    )


@pytest.fixture
def appointment(
    customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> Appointment:
    return make_appointment(customer, advisor, appt_type)


def session_of(user: User | None, *, mfa: bool = False) -> str:
    if user is None:
        return ""
    client = Client()
    if mfa:
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def communicator(room: str, session: str, origin: bytes = ORIGIN) -> Communicator:
    headers = [(b"origin", origin), (b"host", b"testserver")]
    if session:
        headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session}".encode()))
    return Communicator(f"/ws/video/{room}/", headers)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(scenario)()


def connects(room: str, session: str, origin: bytes = ORIGIN) -> bool:
    result: list[bool] = []

    async def scenario() -> None:
        comm = communicator(room, session, origin)
        connected, _code = await comm.connect()
        result.append(connected)
        await comm.disconnect()

    run(scenario)
    return result[0]


async def receive(comm: Communicator) -> dict[str, Any]:
    return dict(json.loads(await comm.receive_from(timeout=2)))


async def presence(comm: Communicator) -> str:
    """The other side's role from "peer-joined" or "peer-present".

    With the Redis layer a group message can reach a consumer that joined the group
    after it was sent, so a client may get both events; the protocol allows that.
    """
    events = [await receive(comm)]
    while not await comm.receive_nothing(timeout=0.3):
        events.append(await receive(comm))
    assert 1 <= len(events) <= 2, events
    assert {e["type"] for e in events} <= {"peer-joined", "peer-present"}, events
    roles = {e["role"] for e in events}
    assert len(roles) == 1
    return str(roles.pop())


# --- who may enter ------------------------------------------------------------------------


def test_customer_and_assigned_staff_may_enter(
    appointment: Appointment, customer: CustomerProfile, advisor: User
) -> None:
    assert connects(appointment.video_room, session_of(customer.user))
    assert connects(appointment.video_room, session_of(advisor, mfa=True))


def test_outsiders_are_refused(
    appointment: Appointment,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    advisor: User,
    customer: CustomerProfile,
) -> None:
    room = appointment.video_room
    assert not connects(room, "")  # anonymous
    assert not connects(room, session_of(customer2.user))  # another customer
    assert not connects(room, session_of(customer_b.user))  # another job centre's customer
    assert not connects(room, session_of(staff_b[Role.JOB_ADVISOR], mfa=True))  # other job centre
    assert not connects(room, session_of(staff_a[Role.TEAM_LEAD], mfa=True))  # a colleague
    assert not connects(room, session_of(advisor))  # staff without the second factor
    assert not connects("not-a-room", session_of(customer.user))
    # Another site cannot open the socket with the visitor's cookie.
    assert not connects(room, session_of(customer.user), origin=b"https://evil.example")


@pytest.mark.parametrize(
    ("starts_in", "allowed"),
    [
        (timedelta(minutes=11), False),  # too early
        (timedelta(minutes=9), True),
        (timedelta(minutes=-55), True),  # over by 25 minutes: still allowed (running over)
        (timedelta(minutes=-61), False),  # room closed
    ],
)
def test_room_is_open_only_around_the_appointment(
    customer: CustomerProfile,
    advisor: User,
    appt_type: AppointmentType,
    starts_in: timedelta,
    allowed: bool,
) -> None:
    appointment = make_appointment(customer, advisor, appt_type, starts_in=starts_in)
    assert connects(appointment.video_room, session_of(customer.user)) is allowed


def test_cancelled_and_non_video_appointments_have_no_room(
    customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> None:
    cancelled = make_appointment(customer, advisor, appt_type, status=Status.CANCELLED)
    phone = make_appointment(
        customer, advisor, appt_type, starts_in=timedelta(minutes=7), channel="phone"
    )
    session = session_of(customer.user)
    assert not connects(cancelled.video_room, session)
    assert not connects(phone.video_room, session)


def test_no_room_when_the_job_centre_uses_another_provider(
    appointment: Appointment, customer: CustomerProfile, settings: Any
) -> None:
    settings.VIDEO = {"provider": "link", "link_pattern": "https://conf.example.org/{room}"}
    assert not connects(appointment.video_room, session_of(customer.user))


# --- relaying -----------------------------------------------------------------------------


def test_offer_answer_and_candidates_are_relayed_between_the_two(
    appointment: Appointment, customer: CustomerProfile, advisor: User
) -> None:
    customer_session = session_of(customer.user)
    staff_session = session_of(advisor, mfa=True)

    async def scenario() -> None:
        guest = communicator(appointment.video_room, customer_session)
        assert (await guest.connect())[0]
        host = communicator(appointment.video_room, staff_session)
        assert (await host.connect())[0]
        # Each side learns that the other one is there; the staff side will make the offer.
        assert await presence(guest) == "staff"
        assert await presence(host) == "customer"

        offer = {"type": "offer", "sdp": "v=0 offer", "id": 1, "extra": "dropped"}
        await host.send_to(text_data=json.dumps(offer))
        assert await receive(guest) == {"type": "offer", "sdp": "v=0 offer", "id": 1}
        await guest.send_to(text_data=json.dumps({"type": "answer", "sdp": "v=0 answer"}))
        assert await receive(host) == {"type": "answer", "sdp": "v=0 answer", "id": 0}
        candidate = {
            "candidate": "candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host",
            "sdpMid": "0",
            "sdpMLineIndex": 0,
        }
        await guest.send_to(text_data=json.dumps({"type": "ice", "candidate": candidate}))
        assert await receive(host) == {
            "type": "ice",
            "candidate": {**candidate, "usernameFragment": None},
        }
        await host.send_to(text_data=json.dumps({"type": "ice", "candidate": None}))
        assert await receive(guest) == {"type": "ice", "candidate": None}
        # Nobody gets their own frames back.
        assert await host.receive_nothing(timeout=0.2)

        await host.disconnect()
        assert await receive(guest) == {"type": "peer-left", "role": "staff"}
        await guest.disconnect()

    run(scenario)


def test_malformed_frames_get_an_error_and_the_connection_stays(
    appointment: Appointment, customer: CustomerProfile, advisor: User
) -> None:
    customer_session = session_of(customer.user)
    staff_session = session_of(advisor, mfa=True)

    async def scenario() -> None:
        guest = communicator(appointment.video_room, customer_session)
        assert (await guest.connect())[0]
        host = communicator(appointment.video_room, staff_session)
        assert (await host.connect())[0]
        await presence(guest)
        await presence(host)
        for bad in (
            "not json",
            "[1, 2]",
            json.dumps({"type": "shout", "text": "hi"}),
            json.dumps({"type": "offer"}),
            json.dumps({"type": "offer", "sdp": 42}),
            json.dumps({"type": "answer", "sdp": "v=0", "id": -1}),
            json.dumps({"type": "ice", "candidate": "x"}),
            json.dumps({"type": "ice", "candidate": {"candidate": "c", "sdpMLineIndex": "zero"}}),
            json.dumps({"type": "offer", "sdp": "x" * 70_000}),
        ):
            await guest.send_to(text_data=bad)
            error = await receive(guest)
            assert error["type"] == "error"
            assert error["code"] == "malformed"
        await guest.send_to(bytes_data=b"\x00\x01")
        assert (await receive(guest))["type"] == "error"
        # Nothing reached the other side, and the connection still relays.
        assert await host.receive_nothing(timeout=0.2)
        await guest.send_to(text_data=json.dumps({"type": "bye"}))
        assert await receive(host) == {"type": "bye"}
        await guest.disconnect()
        await host.disconnect()

    run(scenario)


def test_opening_the_call_again_replaces_the_older_connection(
    appointment: Appointment, customer: CustomerProfile
) -> None:
    session = session_of(customer.user)

    async def scenario() -> None:
        first = communicator(appointment.video_room, session)
        assert (await first.connect())[0]
        second = communicator(appointment.video_room, session)
        assert (await second.connect())[0]
        assert await receive(first) == {"type": "replaced"}
        closed = await first.output()
        assert closed == {"type": "websocket.close", "code": 4409}
        await second.disconnect()

    run(scenario)


def test_the_socket_closes_when_the_room_closes(
    customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> None:
    # Ended 29 min 59 s ago: the room closes one second after connecting.
    appointment = make_appointment(
        customer, advisor, appt_type, starts_in=-timedelta(minutes=59, seconds=59)
    )
    session = session_of(customer.user)

    async def scenario() -> None:
        comm = communicator(appointment.video_room, session)
        assert (await comm.connect())[0]
        assert json.loads(await comm.receive_from(timeout=4)) == {"type": "ended"}
        assert await comm.output() == {"type": "websocket.close", "code": 4410}

    run(scenario)


def test_clean_frame_rebuilds_known_fields_only() -> None:
    assert clean_frame('{"type": "bye", "x": 1}') == {"type": "bye"}
    assert clean_frame(None) == "Only text frames are accepted."
    assert clean_frame(
        '{"type": "ice", "candidate": {"candidate": "c", "sdpMLineIndex": true}}'
    ) == ("candidate.sdpMLineIndex must be a small number.")


# --- the socket ends with its login session -----------------------------------------------


async def closed_code(comm: Communicator, timeout: float = 5) -> int:
    """The close code, skipping frames the other side relayed meanwhile."""
    while True:
        event = await comm.output(timeout)
        if event["type"] == "websocket.close":
            return int(event["code"])
        assert event["type"] == "websocket.send", event


@pytest.mark.django_db(transaction=True)  # the logout's push happens after commit
def test_logout_closes_that_sessions_video_socket_only(
    appointment: Appointment,
    customer: CustomerProfile,
    advisor: User,
    staff_a: dict[Role, User],
    appt_type: AppointmentType,
) -> None:
    from asgiref.sync import sync_to_async
    from django.urls import reverse

    # The same person in a second call (with a colleague), from another device: one
    # call per room and role, so the other session is in the other room.
    other = make_appointment(
        customer, staff_a[Role.CASEWORKER], appt_type, starts_in=timedelta(minutes=7)
    )
    phone_session, pc_session = session_of(customer.user), session_of(customer.user)
    staff_session = session_of(advisor, mfa=True)

    def log_out(session: str) -> int:
        client = Client()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session
        return int(client.post(reverse("account_logout")).status_code)

    async def scenario() -> None:
        phone = communicator(appointment.video_room, phone_session)
        assert (await phone.connect())[0]
        host = communicator(appointment.video_room, staff_session)
        assert (await host.connect())[0]
        await presence(phone)
        await presence(host)
        pc = communicator(other.video_room, pc_session)
        assert (await pc.connect())[0]

        assert await sync_to_async(log_out)(phone_session) in (200, 302)
        # Closed at once (the idle time is 30 minutes: only the logout can do this).
        assert await phone.output(timeout=5) == {"type": "websocket.close", "code": 4401}
        await phone.disconnect()
        # The other side hears the usual "peer-left" and nothing else.
        assert await receive(host) == {"type": "peer-left", "role": "customer"}
        assert await host.receive_nothing(timeout=0.3)
        # The PC (another session of the same person) stays in its call and working.
        assert await pc.receive_nothing(timeout=0.3)
        await pc.send_to(text_data="not json")
        assert (await receive(pc))["code"] == "malformed"
        await pc.disconnect()
        await host.disconnect()

    run(scenario)


async def still_open(comm: Communicator) -> None:
    """A malformed frame (not activity) is answered: open, and what came before handled."""
    await comm.send_to(text_data="not json")
    assert (await receive(comm))["code"] == "malformed"


async def closed_for_the_session(comm: Communicator, clock: ManualClock) -> None:
    # A session check still running when the clock moved re-arms its timer late.
    await nudge_until_output(clock, comm.receive_nothing)
    assert await comm.output(timeout=5) == {"type": "websocket.close", "code": 4401}


def test_the_call_closes_at_the_sessions_absolute_end(
    appointment: Appointment, customer: CustomerProfile, advisor: User, manual_clock: ManualClock
) -> None:
    customer_session = session_of(customer.user)
    staff_session = session_of(advisor, mfa=True)

    async def scenario() -> None:
        guest = communicator(appointment.video_room, customer_session)
        assert (await guest.connect())[0]
        host = communicator(appointment.video_room, staff_session)
        assert (await host.connect())[0]
        await presence(guest)
        await presence(host)
        # A call in progress with signalling on top, for 11 h 40 min: open all along.
        for _ in range(28):
            manual_clock.advance(25 * 60)
            await guest.send_to(text_data=json.dumps({"type": "ice", "candidate": None}))
            assert (await receive(host))["type"] == "ice"
        # Neither extends the absolute end (12 hours for customers, 10 for staff).
        manual_clock.advance(25 * 60)
        await closed_for_the_session(guest, manual_clock)
        await closed_for_the_session(host, manual_clock)
        await guest.disconnect()
        await host.disconnect()

    run(scenario)


def test_a_lone_socket_closes_when_idle_but_its_frames_keep_it_open(
    appointment: Appointment, customer: CustomerProfile, manual_clock: ManualClock
) -> None:
    session = session_of(customer.user)

    async def scenario() -> None:
        guest = communicator(appointment.video_room, session)
        assert (await guest.connect())[0]
        for _ in range(6):  # two hours of signalling, every 20 minutes: still open
            manual_clock.advance(20 * 60)
            await guest.send_to(text_data=json.dumps({"type": "ice", "candidate": None}))
            await still_open(guest)
        manual_clock.advance(29 * 60)  # quiet for just under the idle time (30 minutes)
        await still_open(guest)
        manual_clock.advance(2 * 60)
        await closed_for_the_session(guest, manual_clock)
        await guest.disconnect()

    run(scenario)


def test_a_call_in_progress_is_activity_until_the_other_side_leaves(
    appointment: Appointment, customer: CustomerProfile, advisor: User, manual_clock: ManualClock
) -> None:
    customer_session = session_of(customer.user)
    staff_session = session_of(advisor, mfa=True)

    async def scenario() -> None:
        guest = communicator(appointment.video_room, customer_session)
        assert (await guest.connect())[0]
        host = communicator(appointment.video_room, staff_session)
        assert (await host.connect())[0]
        await presence(guest)
        await presence(host)
        # Media flows between the browsers; the sockets stay silent for an hour.
        for _ in range(3):
            manual_clock.advance(20 * 60)
            await still_open(guest)
            await still_open(host)
        await host.disconnect()
        assert await receive(guest) == {"type": "peer-left", "role": "staff"}
        # The idle time starts when the call ends.
        manual_clock.advance(29 * 60)
        await still_open(guest)
        manual_clock.advance(2 * 60)
        await closed_for_the_session(guest, manual_clock)
        await guest.disconnect()

    run(scenario)


def test_a_deleted_session_cannot_enter(
    appointment: Appointment, customer: CustomerProfile
) -> None:
    from django.contrib.sessions.models import Session

    session = session_of(customer.user)
    assert connects(appointment.video_room, session)
    Session.objects.filter(session_key=session).delete()
    assert not connects(appointment.video_room, session)


def test_a_session_past_its_time_is_closed_with_4401_unseen_by_the_other_side(
    appointment: Appointment, customer: CustomerProfile, advisor: User
) -> None:
    import time

    from django.contrib.sessions.backends.db import SessionStore

    customer_session = session_of(customer.user)
    staff_session = session_of(advisor, mfa=True)
    # Started longer ago than the absolute time; no page request has noticed yet.
    store = SessionStore(customer_session)
    store["ojc_started"] = int(time.time()) - 13 * 3600
    store.save()

    async def scenario() -> None:
        host = communicator(appointment.video_room, staff_session)
        assert (await host.connect())[0]
        guest = communicator(appointment.video_room, customer_session)
        # Accepted only to be closed with 4401: the browser reloads and shows the login.
        assert (await guest.connect())[0]
        assert await guest.output() == {"type": "websocket.close", "code": 4401}
        await guest.disconnect()
        assert await host.receive_nothing(timeout=0.3)
        await host.disconnect()

    run(scenario)

"""The chat WebSocket: real-time delivery between two clients, reconnect with a cursor,
malformed frames, and who may subscribe to what.

Pushes happen after commit, so these tests use committed data (``transactional_db``);
each scenario runs in one event loop and the consumer's database calls run in the
test's thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging.models import Conversation, Message
from tests.clock import ManualClock, nudge_until_output
from tests.messaging.conftest import WS, session_of

pytestmark = pytest.mark.django_db(transaction=True)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    async_to_sync(scenario)()


def test_messages_arrive_in_real_time_both_ways(
    conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    customer_session, staff_session = session_of(customer.user), session_of(caseworker, mfa=True)

    async def scenario() -> None:
        kunde, amt = WS(customer_session), WS(staff_session)
        assert await kunde.connect() and await amt.connect()
        await kunde.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
        first = await kunde.receive_until("subscribed")
        assert [m["body"] for m in first["messages"]] == ["Hallo, ich habe eine Frage."]
        await amt.send(
            {"type": "subscribe", "conversation": conversation.pk, "cursor": first["last_id"]}
        )
        assert (await amt.receive_until("subscribed"))["messages"] == []

        await amt.send(
            {
                "type": "send",
                "conversation": conversation.pk,
                "client_id": "s1",
                "body": "Guten Tag!",
            }
        )
        ack = await amt.receive_until("ack")
        got = await kunde.receive_until("message")
        assert got["message"]["body"] == "Guten Tag!"
        assert got["message"]["id"] == ack["id"]
        assert got["message"]["side"] == "staff"
        # The sender's own windows get the message too (other tabs stay in step).
        assert (await amt.receive_until("message"))["message"]["id"] == ack["id"]

        await kunde.send({"type": "read", "conversation": conversation.pk, "upto": ack["id"]})
        read = await amt.receive_until("read")
        assert read["side"] == "customer" and read["upto"] == ack["id"]

        await kunde.send(
            {
                "type": "send",
                "conversation": conversation.pk,
                "client_id": "k1",
                "body": "Danke <b>sehr</b>",
            }
        )
        got = await amt.receive_until("message")
        assert got["message"]["body"] == "Danke <b>sehr</b>"  # text, never interpreted
        # The staff client's receipt is the customer's "zugestellt".
        delivered = await kunde.receive_until("read")
        while delivered["side"] != "staff_delivered":
            delivered = await kunde.receive_until("read")
        assert delivered["upto"] == got["message"]["id"]
        await kunde.close()
        await amt.close()

    run(scenario)
    assert Message.objects.filter(conversation=conversation).count() == 3


def test_resend_with_the_same_client_id_is_not_duplicated(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    session = session_of(customer.user)

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation.pk})
        await ws.receive_until("subscribed")
        frame = {
            "type": "send",
            "conversation": conversation.pk,
            "client_id": "offline-1",
            "body": "Noch da?",
        }
        await ws.send(frame)
        first = await ws.receive_until("ack")
        await ws.send(frame)  # the offline queue sends again after a reconnect
        second = await ws.receive_until("ack")
        assert first["id"] == second["id"]
        await ws.close()

    run(scenario)
    assert Message.objects.filter(conversation=conversation, body="Noch da?").count() == 1


def test_reconnect_with_cursor_gets_missed_messages_in_order_without_duplicates(
    conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    from openjobcenter.messaging import services

    caseworker = staff_a[Role.CASEWORKER]
    session = session_of(customer.user)
    cursor = conversation.last_message_id

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": cursor})
        assert (await ws.receive_until("subscribed"))["messages"] == []
        await ws.close()  # connection drops

    run(scenario)
    conv = Conversation.objects.get(pk=conversation.pk)
    for n in range(3):
        services.message_send(conversation=conv, author=caseworker, body=f"Nachricht {n}")

    async def again() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": cursor})
        event = await ws.receive_until("subscribed")
        assert [m["body"] for m in event["messages"]] == [
            "Nachricht 0",
            "Nachricht 1",
            "Nachricht 2",
        ]
        ids = [m["id"] for m in event["messages"]]
        assert ids == sorted(ids) and len(set(ids)) == 3 and ids[0] > cursor
        assert event["reset"] is False
        # Subscribing again with the newest cursor brings nothing twice.
        await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": ids[-1]})
        assert (await ws.receive_until("subscribed"))["messages"] == []
        # A stale cursor (beyond anything stored) resets to the full history.
        await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 10**12})
        stale = await ws.receive_until("subscribed")
        assert stale["reset"] is True and len(stale["messages"]) == 4
        await ws.close()

    run(again)


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '{"type": "explode"}',
        '{"type": "subscribe"}',
        '{"type": "subscribe", "conversation": "1"}',
        '{"type": "subscribe", "conversation": 1, "cursor": -5}',
        '{"type": "send", "conversation": 1, "body": 5}',
        '{"type": "read", "conversation": 1, "upto": true}',
        "x" * 70000,
    ],
)
def test_malformed_frames_get_an_error_and_the_connection_stays(
    frame: str, conversation: Conversation, customer: CustomerProfile
) -> None:
    session = session_of(customer.user)

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send(frame)
        error = await ws.receive()
        assert error["type"] == "error" and error["code"] == "malformed"
        await ws.send_bytes(b"\x00\x01")
        assert (await ws.receive())["type"] == "error"
        await ws.send({"type": "ping"})
        assert (await ws.receive())["type"] == "pong"
        await ws.close()

    run(scenario)


def test_send_errors_come_back_as_events(
    conversation: Conversation, customer: CustomerProfile, settings: object
) -> None:
    session = session_of(customer.user)

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send(
            {"type": "send", "conversation": conversation.pk, "client_id": "a", "body": "x"}
        )
        assert (await ws.receive())["code"] == "not_subscribed"
        await ws.send({"type": "subscribe", "conversation": conversation.pk})
        await ws.receive_until("subscribed")
        await ws.send(
            {"type": "send", "conversation": conversation.pk, "client_id": "b", "body": "   "}
        )
        error = await ws.receive_until("error")
        assert error["code"] == "empty" and error["client_id"] == "b"
        await ws.send(
            {"type": "send", "conversation": conversation.pk, "client_id": "c", "body": "x" * 5001}
        )
        assert (await ws.receive_until("error"))["code"] == "too_long"
        await ws.close()

    run(scenario)
    assert Message.objects.filter(conversation=conversation).count() == 1


def subscribe_result(session: str, conversation_id: int) -> str:
    result: list[str] = []

    async def scenario() -> None:
        ws = WS(session)
        if not await ws.connect():
            result.append("refused")
            return
        await ws.send({"type": "subscribe", "conversation": conversation_id})
        event = await ws.receive()
        result.append(event["type"] if event["type"] == "subscribed" else event["code"])
        await ws.close()

    run(scenario)
    return result[0]


def test_subscribe_ownership_matrix(
    conversation: Conversation,
    personal: Conversation,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
) -> None:
    assert subscribe_result("", conversation.pk) == "refused"
    assert subscribe_result(session_of(customer.user), conversation.pk) == "subscribed"
    assert subscribe_result(session_of(customer2.user), conversation.pk) == "not_found"
    assert subscribe_result(session_of(customer_b.user), conversation.pk) == "not_found"
    assert (
        subscribe_result(session_of(staff_a[Role.CASEWORKER], mfa=True), conversation.pk)
        == "subscribed"
    )
    # Staff without the second factor in this session, other job centre's staff.
    assert subscribe_result(session_of(staff_a[Role.CASEWORKER]), conversation.pk) == "not_found"
    assert (
        subscribe_result(session_of(staff_b[Role.ADMIN], mfa=True), conversation.pk) == "not_found"
    )
    assert subscribe_result(session_of(customer.user), 999999) == "not_found"
    # Personal conversation: only the advisor and team lead / admin.
    assert (
        subscribe_result(session_of(staff_a[Role.JOB_ADVISOR], mfa=True), personal.pk)
        == "subscribed"
    )
    assert (
        subscribe_result(session_of(staff_a[Role.TEAM_LEAD], mfa=True), personal.pk) == "subscribed"
    )
    assert (
        subscribe_result(session_of(staff_a[Role.CASEWORKER], mfa=True), personal.pk) == "not_found"
    )


def test_staff_websocket_reads_are_audited(
    conversation: Conversation, staff_a: dict[Role, User]
) -> None:
    from openjobcenter.core.models import AuditEntry

    caseworker = staff_a[Role.CASEWORKER]
    assert subscribe_result(session_of(caseworker, mfa=True), conversation.pk) == "subscribed"
    assert AuditEntry.objects.filter(
        actor=caseworker, object_type="conversation", object_id=str(conversation.pk), action="read"
    ).exists()


def test_another_site_cannot_open_the_socket(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    session = session_of(customer.user)
    result: list[bool] = []

    async def scenario() -> None:
        ws = WS(session, origin=b"https://evil.example")
        result.append(await ws.connect())

    run(scenario)
    assert result == [False]


def test_staff_writes_are_checked_again_after_a_reassignment(
    personal: Conversation, staff_a: dict[Role, User]
) -> None:
    from openjobcenter.messaging import services

    advisor, lead, caseworker = (
        staff_a[Role.JOB_ADVISOR],
        staff_a[Role.TEAM_LEAD],
        staff_a[Role.CASEWORKER],
    )
    session = session_of(advisor, mfa=True)

    async def subscribe_then_send(moved: Callable[[], Awaitable[None]]) -> str:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": personal.pk})
        await ws.receive_until("subscribed")
        await moved()
        await ws.send(
            {"type": "send", "conversation": personal.pk, "client_id": "late", "body": "Noch ich"}
        )
        event = await ws.receive_until("error")
        await ws.close()
        return str(event["code"])

    def move_to_colleague() -> None:
        conversation = Conversation.objects.get(pk=personal.pk)
        services.conversation_assign(conversation=conversation, actor=lead, assignee=caseworker)

    async def reassign() -> None:
        from channels.db import database_sync_to_async

        await database_sync_to_async(move_to_colleague)()

    result: list[str] = []

    async def scenario() -> None:
        result.append(await subscribe_then_send(reassign))

    run(scenario)
    assert result == ["not_found"]
    assert not Message.objects.filter(client_id="late").exists()


def test_team_inbox_hears_about_new_team_messages_but_not_personal_ones(
    conversation: Conversation,
    personal: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
) -> None:
    """``conversation`` is in the benefits topic: the benefits caseworker's socket hears
    about it (need-to-know, ``test_team_events_follow_need_to_know`` for the rest)."""
    from openjobcenter.messaging import services

    team_member = session_of(staff_a[Role.CASEWORKER], mfa=True)
    other_jc = session_of(staff_b[Role.CASEWORKER], mfa=True)
    no_mfa = session_of(staff_a[Role.TEAM_LEAD])

    async def scenario() -> None:
        from channels.db import database_sync_to_async

        team, outsider, weak = WS(team_member), WS(other_jc), WS(no_mfa)
        for ws in (team, outsider, weak):
            assert await ws.connect()

        def write() -> None:
            for conv in (personal, conversation):
                fresh = Conversation.objects.get(pk=conv.pk)
                services.message_send(conversation=fresh, author=customer.user, body="Neu")

        await database_sync_to_async(write)()
        event = await team.receive()
        assert event == {
            "type": "updated",
            "conversation": conversation.pk,
            "last_id": event["last_id"],
        }
        assert await team.nothing()  # the personal conversation is not announced
        assert await outsider.nothing()
        assert await weak.nothing()
        for ws in (team, outsider, weak):
            await ws.close()

    run(scenario)


def test_team_events_follow_need_to_know(
    conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    """Team-inbox events go to those who may read the topic's category: a job advisor
    hears nothing of a benefits chat, and hears of a placement chat; reception (which may
    only know that these exist) hears of a general one only. Nobody outside the benefits
    team can subscribe to the benefits chat."""
    from openjobcenter.messaging import services
    from openjobcenter.messaging.models import Topic

    placement_topic = Topic.objects.get(jobcenter=conversation.jobcenter, category="placement_chat")
    general_topic = Topic.objects.filter(
        jobcenter=conversation.jobcenter, category="general"
    ).first()
    placement = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(subject="Bewerbung", body="Hallo", topic=placement_topic),
    )
    general = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(subject="Termin", body="Hallo", topic=general_topic),
    )
    advisor = session_of(staff_a[Role.JOB_ADVISOR], mfa=True)
    caseworker = session_of(staff_a[Role.CASEWORKER], mfa=True)
    reception = session_of(staff_a[Role.RECEPTION], mfa=True)
    assert subscribe_result(advisor, conversation.pk) == "not_found"
    assert subscribe_result(reception, conversation.pk) == "not_found"
    assert subscribe_result(advisor, placement.pk) == "subscribed"
    assert subscribe_result(caseworker, placement.pk) == "not_found"

    def check(conv: Conversation, hearers: set[str]) -> None:
        async def scenario() -> None:
            from channels.db import database_sync_to_async

            sockets = {
                "advisor": WS(advisor),
                "caseworker": WS(caseworker),
                "reception": WS(reception),
            }
            for ws in sockets.values():
                assert await ws.connect()

            def write() -> None:
                fresh = Conversation.objects.get(pk=conv.pk)
                services.message_send(conversation=fresh, author=customer.user, body="Neu")

            await database_sync_to_async(write)()
            # First those who hear (the event has then been fanned out), then the rest.
            for name in sorted(hearers):
                event = await sockets[name].receive()
                assert event["type"] == "updated"
                assert event["conversation"] == conv.pk
                assert "body" not in event
            for name, ws in sockets.items():
                assert await ws.nothing(), name
                await ws.close()

        run(scenario)

    check(conversation, {"caseworker"})
    check(placement, {"advisor"})
    check(general, {"advisor", "caseworker", "reception"})


def test_logout_closes_that_sessions_sockets_only(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    from asgiref.sync import sync_to_async
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    phone_session, pc_session = session_of(customer.user), session_of(customer.user)

    def log_out(session: str) -> int:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        return int(client.post(reverse("account_logout")).status_code)

    async def scenario() -> None:
        phone, pc = WS(phone_session), WS(pc_session)
        assert await phone.connect() and await pc.connect()
        for ws in (phone, pc):
            await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
            await ws.receive_until("subscribed")
        assert await sync_to_async(log_out)(phone_session) in (200, 302)
        closed = await phone.inner.receive_output(5)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
        # The PC (another session of the same person) stays connected and working.
        await pc.send({"type": "ping"})
        assert (await pc.receive_until("pong"))["type"] == "pong"
        await pc.close()

    run(scenario)


async def active(ws: WS, conversation: Conversation) -> None:
    """Typing (activity), then a ping answered: the frame before it has been handled."""
    await ws.send({"type": "typing", "conversation": conversation.pk})
    await ws.send({"type": "ping"})
    assert (await ws.receive())["type"] == "pong"


async def still_open(ws: WS) -> None:
    await ws.send({"type": "ping"})  # pings are not activity
    assert (await ws.receive())["type"] == "pong"


async def closed_for_the_session(ws: WS, clock: ManualClock) -> None:
    # The close follows the expiry timer's database check on the sync thread; a check
    # still running when the clock moved re-arms its timer late (``nudge_until_output``).
    await nudge_until_output(clock, ws.inner.receive_nothing)
    closed = await ws.inner.receive_output(5)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401)


def test_socket_closes_when_the_session_reaches_its_absolute_end(
    conversation: Conversation, customer: CustomerProfile, manual_clock: ManualClock
) -> None:
    """A customer's session ends 12 hours after it started, however active it is."""
    session = session_of(customer.user)

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
        await ws.receive_until("subscribed")
        for _ in range(28):  # active every 25 minutes (idle time: 30) for 11 h 40 min
            manual_clock.advance(25 * 60)
            await active(ws, conversation)
        manual_clock.advance(25 * 60)  # 12 h 05 min: activity does not extend the end
        await closed_for_the_session(ws, manual_clock)

    run(scenario)


def test_idle_socket_closes_but_activity_keeps_it_open(
    conversation: Conversation, customer: CustomerProfile, manual_clock: ManualClock
) -> None:
    session = session_of(customer.user)

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
        await ws.receive_until("subscribed")
        for _ in range(6):  # two hours of typing, every 20 minutes: still open
            manual_clock.advance(20 * 60)
            await active(ws, conversation)
        # Pings are not activity: open for the idle time (30 minutes), then closed.
        manual_clock.advance(29 * 60)
        await still_open(ws)
        manual_clock.advance(2 * 60)
        await closed_for_the_session(ws, manual_clock)

    run(scenario)


def test_chatting_on_the_socket_keeps_the_pages_logged_in(
    conversation: Conversation,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    manual_clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Half an hour and more in the chat without loading a page must not log the person
    out of the pages; a session idle on both stays logged out."""
    from django.test import Client

    from openjobcenter.messaging import consumers

    monkeypatch.setattr(consumers, "SOCKET_ACTIVITY_EVERY", 0)  # note every frame
    chatting, idle = session_of(customer.user), session_of(customer2.user)
    pages = {}
    for key in (chatting, idle):
        pages[key] = Client()
        pages[key].cookies[django_settings.SESSION_COOKIE_NAME] = key
        page = pages[key].get("/fulda/mein-bereich/nachrichten/")
        assert page.status_code == 200  # logged in; the session's last-seen mark is set

    async def scenario() -> None:
        ws = WS(chatting)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
        await ws.receive_until("subscribed")
        for _ in range(3):  # 45 minutes of typing, no page: longer than the idle time
            manual_clock.advance(15 * 60)
            await active(ws, conversation)
        await ws.close()

    run(scenario)
    assert pages[chatting].get("/fulda/mein-bereich/nachrichten/").status_code == 200
    gone = pages[idle].get("/fulda/mein-bereich/nachrichten/")
    assert gone.status_code == 302 and "login" in gone["Location"]


def test_socket_of_a_deleted_session_does_not_open(customer: CustomerProfile) -> None:
    from django.contrib.sessions.models import Session

    session = session_of(customer.user)
    Session.objects.filter(session_key=session).delete()

    async def scenario() -> None:
        assert not await WS(session).connect()

    run(scenario)

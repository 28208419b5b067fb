"""Redis goes away under two open chat windows and comes back: both catch up.

The chat's channel layer runs on a Redis server of the test's own (``redis_server``),
which the test kills while a customer and a staff member are connected to the ASGI
application. Messages sent meanwhile are stored and confirmed, but their pushes are lost;
when Redis is back the server says ``resync`` and the clients (``ChatClient``, the
documented client algorithm, as ``chat.js`` runs it) fetch what they missed by cursor:
every message exactly once, in order. Runs on SQLite and PostgreSQL alike (the layer is
the test's own Redis in both passes); ``test_two_processes.py`` does the same across two
uvicorn processes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import override_settings

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.messaging import layerwatch, services
from openjobcenter.messaging.models import Conversation, Message
from tests.messaging.conftest import WS, session_of
from tests.messaging.faults import ChatClient, RedisServer, redis_server

__all__ = ["redis_server"]

pytestmark = pytest.mark.django_db(transaction=True)

_prefixes = itertools.count()


@pytest.fixture
def own_layer(redis_server: RedisServer, settings: Any) -> Iterator[RedisServer]:
    """The chat's channel layer on the test's own Redis, checked every 100 ms."""
    settings.MESSAGING = {**settings.MESSAGING, "layer_check_ms": 100}
    layers = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_server.url], "prefix": f"outage{next(_prefixes)}"},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        yield redis_server


def send_frame(conversation: Conversation, client_id: str, body: str) -> dict[str, Any]:
    return {"type": "send", "conversation": conversation.pk, "client_id": client_id, "body": body}


def test_both_windows_catch_up_after_redis_was_down(
    own_layer: RedisServer,
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    customer_session, staff_session = session_of(customer.user), session_of(caseworker, mfa=True)
    first = Message.objects.get(conversation=conversation).pk

    async def scenario() -> None:
        kunde_ws, amt_ws = WS(customer_session), WS(staff_session)
        assert await kunde_ws.connect() and await amt_ws.connect()
        kunde, amt = ChatClient(kunde_ws, conversation.pk), ChatClient(amt_ws, conversation.pk)
        await kunde.subscribe()
        await amt.subscribe()
        assert kunde.shown == amt.shown == {first: "Hallo, ich habe eine Frage."}
        audit_before = await sync_to_async(AuditEntry.objects.count)()

        own_layer.stop()
        # Stored and confirmed while the layer is gone; nobody gets the pushes.
        await kunde_ws.send(send_frame(conversation, "k1", "Ist mein Antrag da?"))
        acks = [(await kunde_ws.receive_until("ack"))["id"]]
        await amt_ws.send(send_frame(conversation, "s1", "Ja, er ist angekommen."))
        acks.append((await amt_ws.receive_until("ack"))["id"])
        await kunde_ws.send(send_frame(conversation, "k2", "Danke!"))
        acks.append((await kunde_ws.receive_until("ack"))["id"])
        for client in (kunde, amt):
            during = await client.drain(0.5)
            assert not [e for e in during if e["type"] in ("message", "resync")], during

        await sync_to_async(own_layer.start)()
        # The server says resync; both fetch what they missed: each message once, in order.
        await kunde.until(set(acks))
        await amt.until(set(acks))
        for client in (kunde, amt):
            assert client.resyncs >= 1
            assert client.in_order() == [
                "Hallo, ich habe eine Frage.",
                "Ist mein Antrag da?",
                "Ja, er ist angekommen.",
                "Danke!",
            ]
            assert client.received == [first, *acks]  # nothing doubled
        # A resync reads by cursor; it does not subscribe again (no second audit entry).
        assert await sync_to_async(AuditEntry.objects.count)() == audit_before + 3

        # The subscriptions are back: real time again, in both directions.
        await amt_ws.send(send_frame(conversation, "s2", "Gern geschehen."))
        ack = (await amt_ws.receive_until("ack"))["id"]
        await kunde.until({ack}, timeout=10)
        await amt.until({ack}, timeout=10)
        assert kunde.shown[ack] == amt.shown[ack] == "Gern geschehen."
        await kunde_ws.close()
        await amt_ws.close()
        assert layerwatch.current() is None  # stopped with the last socket

    async_to_sync(scenario)()
    assert list(
        Message.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("body", flat=True)
    ) == [
        "Hallo, ich habe eine Frage.",
        "Ist mein Antrag da?",
        "Ja, er ist angekommen.",
        "Danke!",
        "Gern geschehen.",
    ]


def test_a_message_says_which_one_came_before_it(
    conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    """``prev`` is the conversation's previous message: a client that lacks it knows it
    missed one (here one whose push never happened) and syncs from its cursor."""
    caseworker = staff_a[Role.CASEWORKER]
    customer_session = session_of(customer.user)
    first = Message.objects.get(conversation=conversation).pk

    def silent_message() -> int:
        # Stored, but its push lost (as when the layer drops it).
        from openjobcenter.messaging import realtime

        token = realtime._outbox.set([])
        try:
            return services.message_send(
                conversation=conversation, author=caseworker, body="Verloren unterwegs"
            ).pk
        finally:
            realtime._outbox.reset(token)

    async def scenario() -> None:
        ws = WS(customer_session)
        assert await ws.connect()
        client = ChatClient(ws, conversation.pk)
        await client.subscribe()
        lost = await sync_to_async(silent_message)()
        await ws.send(send_frame(conversation, "k1", "Hallo?"))
        event = await ws.receive_until("message")
        assert event["prev"] == lost and event["message"]["body"] == "Hallo?"
        await client.handle(event)  # a gap: the client syncs
        await client.until({first, lost, event["message"]["id"]})
        assert client.in_order() == ["Hallo, ich habe eine Frage.", "Verloren unterwegs", "Hallo?"]
        await ws.close()

    async_to_sync(scenario)()


def test_sync_needs_a_subscription(conversation: Conversation, customer: CustomerProfile) -> None:
    session = session_of(customer.user)

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "sync", "conversation": conversation.pk, "cursor": 0})
        error = await ws.receive()
        assert error["type"] == "error" and error["code"] == "not_subscribed"
        await ws.send({"type": "sync", "conversation": conversation.pk, "cursor": "x"})
        assert (await ws.receive())["code"] == "malformed"
        await ws.close()

    async_to_sync(scenario)()


def test_groups_whose_push_failed_are_told_to_resync(
    own_layer: RedisServer, conversation: Conversation, staff_a: dict[Role, User]
) -> None:
    """A push that fails outside a socket (a page's form post, the API, a worker) is
    remembered per group; the next push that gets through also sends those groups
    ``chat.resync``, so another process's windows catch up even if its own heartbeat saw
    nothing (here: a bare subscriber of the conversation's group, no socket, no watch)."""
    from channels.layers import get_channel_layer

    from openjobcenter.messaging import realtime

    caseworker = staff_a[Role.CASEWORKER]

    def write(body: str) -> int:
        return services.message_send(conversation=conversation, author=caseworker, body=body).pk

    async def scenario() -> None:
        layer = get_channel_layer()
        assert layer is not None
        channel = await layer.new_channel()
        await layer.group_add(realtime.conversation_group(conversation.pk), channel)
        events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def listen() -> None:
            while True:
                await events.put(await layer.receive(channel))

        listener = asyncio.ensure_future(listen())
        try:
            own_layer.stop()
            lost = await sync_to_async(write)("Während Redis weg ist")
            await sync_to_async(own_layer.start)()
            # Wait until this subscriber is back (channels_redis subscribes again).
            while True:
                await layer.send(channel, {"type": "probe"})
                try:
                    if (await asyncio.wait_for(events.get(), 0.5))["type"] == "probe":
                        break
                except TimeoutError:
                    continue
            await asyncio.sleep(0.3)  # probes sent while it was not back yet, if any
            leftover = [events.get_nowait() for _ in range(events.qsize())]
            assert {e["type"] for e in leftover} <= {"probe"}  # the lost push never comes
            after = await sync_to_async(write)("Wieder da")
            got = [await asyncio.wait_for(events.get(), 5) for _ in range(2)]
            assert got[0]["type"] == "chat.message" and got[0]["message"]["id"] == after
            assert got[0]["prev"] == lost  # a client without it would sync anyway
            assert got[1] == {"type": "chat.resync", "conversation": conversation.pk}
            assert realtime._lost_groups == set()
        finally:
            listener.cancel()

    async_to_sync(scenario)()


def test_a_logout_during_the_outage_still_closes_that_sessions_socket(
    own_layer: RedisServer, conversation: Conversation, customer: CustomerProfile
) -> None:
    """The logout's "close this session's sockets" event is lost with the layer; after
    the resync the socket looks at its session again instead of at its next deadline."""
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
        own_layer.stop()
        assert await sync_to_async(log_out)(phone_session) in (200, 302)
        assert await phone.nothing(0.5)  # still open: the close event is lost
        await sync_to_async(own_layer.start)()
        while True:
            output = await phone.inner.receive_output(20)
            if output["type"] == "websocket.close":
                assert output["code"] == 4401
                break
        # The other session of the same person stays connected and working.
        assert (await pc.receive_until("resync", timeout=20))["conversation"] is None
        await pc.send({"type": "ping"})
        await pc.receive_until("pong")
        await pc.close()

    async_to_sync(scenario)()

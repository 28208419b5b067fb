"""Redis goes away under two app processes and comes back: both windows catch up.

A customer is connected to one uvicorn process and a staff member to another; the
processes share the chat only through the test's own Redis (channel layer and cache, as
in production) and one database (a SQLite file, so this runs in both CI passes). The
test kills that Redis while both write: each message is stored and confirmed by the
process that received it, and no push reaches anyone. Redis comes back on the same port;
each process notices the loss (its heartbeat through the layer), says ``resync``, and
both clients fetch what they missed: every message exactly once, in order, and real time
across the processes works again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.messaging.faults import (
    ChatClient,
    RedisServer,
    SocketConnection,
    app_servers,
    redis_server,
)

__all__ = ["redis_server"]

PREPARE = "tests.browser.test_messaging_chat:prepare"  # a customer, a team lead, a conversation


def send_frame(conversation: int, client_id: str, body: str) -> dict[str, object]:
    return {"type": "send", "conversation": conversation, "client_id": client_id, "body": body}


def test_two_processes_catch_up_after_redis_was_down(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    with app_servers(tmp_path, redis_server, prepare=PREPARE, count=2) as (bases, data):
        conversation = int(data["conversation"])
        cookie = data["cookie"]

        async def scenario() -> None:
            kunde_ws = await SocketConnection.open(bases[0], f"{cookie}={data['customer_session']}")
            amt_ws = await SocketConnection.open(bases[1], f"{cookie}={data['staff_session']}")
            kunde, amt = ChatClient(kunde_ws, conversation), ChatClient(amt_ws, conversation)
            try:
                await kunde.subscribe()
                await amt.subscribe()
                assert kunde.in_order() == amt.in_order() == ["Hallo, ich habe eine Frage."]
                # Real time across the processes, before the outage.
                await amt_ws.send(send_frame(conversation, "s0", "Guten Tag"))
                ack = (await amt_ws.receive_until("ack"))["id"]
                await kunde.until({ack})
                await amt.until({ack})

                redis_server.stop()
                acks = []
                for ws, client_id, body in (
                    (kunde_ws, "k1", "Ist mein Antrag da?"),
                    (amt_ws, "s1", "Ja, er ist angekommen."),
                    (kunde_ws, "k2", "Danke!"),
                ):
                    await ws.send(send_frame(conversation, client_id, body))
                    acks.append((await ws.receive_until("ack"))["id"])  # stored, confirmed
                await asyncio.sleep(1.5)  # both processes notice: no heartbeat gets through
                await asyncio.to_thread(redis_server.start)

                await kunde.until(set(acks), timeout=30)
                await amt.until(set(acks), timeout=30)
                expected = [
                    "Hallo, ich habe eine Frage.",
                    "Guten Tag",
                    "Ist mein Antrag da?",
                    "Ja, er ist angekommen.",
                    "Danke!",
                ]
                for client in (kunde, amt):
                    assert client.resyncs >= 1
                    assert client.in_order() == expected
                    assert sorted(client.received) == sorted(set(client.received))  # none twice

                # Real time across the processes again, both ways.
                await kunde_ws.send(send_frame(conversation, "k3", "Noch eine Frage"))
                ack = (await kunde_ws.receive_until("ack"))["id"]
                await amt.until({ack}, timeout=10)
                await amt_ws.send(send_frame(conversation, "s2", "Gern"))
                ack = (await amt_ws.receive_until("ack"))["id"]
                await kunde.until({ack}, timeout=10)
                await amt.until({ack}, timeout=10)  # its own echo
                assert kunde.in_order() == amt.in_order() == [*expected, "Noch eine Frage", "Gern"]
            finally:
                await kunde_ws.close()
                await amt_ws.close()

        asyncio.run(scenario())

    with sqlite3.connect(tmp_path / "chat.sqlite3") as db:
        stored = [
            row[0]
            for row in db.execute(
                "SELECT body FROM messaging_message WHERE conversation_id = ? ORDER BY id",
                (int(data["conversation"]),),
            )
        ]
    assert stored == [
        "Hallo, ich habe eine Frage.",
        "Guten Tag",
        "Ist mein Antrag da?",
        "Ja, er ist angekommen.",
        "Danke!",
        "Noch eine Frage",
        "Gern",
    ]

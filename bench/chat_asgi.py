"""ASGI entry of ``bench/chat.py``: the platform, with the server's own clock on chat frames.

For every ``send`` and ``ping`` frame a chat socket receives, the time from the frame
handed to the application (``websocket.receive``) to its answer handed back to the
server (``ack`` or ``error`` for a send, ``pong`` for a ping) is recorded: the server
time of a send, including its database write and commit, beside the same socket's echo
through the same stack (the baseline), without the network and the load generator.
``GET /__bench/chat-timings`` returns the durations (ms) recorded since the last call
and clears them. Every other scope goes to ``openjobcenter.config.asgi`` unchanged.

The frames are told apart by their text's start (``bench/chat.py`` writes them with
``json.dumps``, ``type`` first), so the wrapper adds no JSON parsing of its own.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from openjobcenter.config.asgi import application as platform_application

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[Any], Awaitable[None]]

TIMINGS_PATH = "/__bench/chat-timings"
# frame received -> answer that closes it
_FRAMES = {'{"type": "send"': "send", '{"type": "ping"': "ping"}
_ANSWERS = ('{"type": "ack"', '{"type": "pong"', '{"type": "error"')
_timings: dict[str, list[float]] = {"send": [], "ping": []}


def _kind(text: str | None, table: dict[str, str]) -> str | None:
    if not text:
        return None
    return table.get(text[:15])


async def _timed_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    pending: deque[tuple[str, float]] = deque()

    async def timed_receive() -> MutableMapping[str, Any]:
        message = await receive()
        if message["type"] == "websocket.receive":
            kind = _kind(message.get("text"), _FRAMES)
            if kind is not None:
                pending.append((kind, time.perf_counter()))
        return message

    async def timed_send(message: Any) -> None:
        if pending and message["type"] == "websocket.send":
            text = message.get("text") or ""
            if text.startswith(_ANSWERS):
                kind, started = pending.popleft()
                _timings[kind].append((time.perf_counter() - started) * 1000)
        await send(message)

    await platform_application(scope, timed_receive, timed_send)


async def _report(send: Send) -> None:
    body = json.dumps(_timings).encode()
    for values in _timings.values():
        values.clear()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await _timed_websocket(scope, receive, send)
        return
    if scope["type"] == "http" and scope.get("path") == TIMINGS_PATH:
        await _report(send)
        return
    await platform_application(scope, receive, send)

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

A send's server time is also taken apart (``send.*``, wall ms each, from the patched
``realtime.run_and_push`` the consumer calls): ``queue`` from the call to its start in a
chat database thread (the thread pool's queue, the GIL), ``db`` the thread's work (lock,
insert, update, audit, commit), within it ``sql`` the statements' own calls and
``commit`` the commit (timed by the servers' database backend, ``bench/timed_postgresql``:
no method of a live connection is replaced), then ``push`` from the thread's end to the pushes sent to Redis
(the event loop's wake-up and the ``PUBLISH`` round trips). What remains of the server
time (``send`` minus ``queue + db + push``) is the frame's way in and the ack's way out.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bench.chat_setup import PHASES
from bench.timed_postgresql.base import commit_clock
from openjobcenter.config.asgi import application as platform_application
from openjobcenter.messaging import realtime

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[Any], Awaitable[None]]

TIMINGS_PATH = "/__bench/chat-timings"
# frame received -> answer that closes it
_FRAMES = {'{"type": "send"': "send", '{"type": "ping"': "ping"}
_ANSWERS = ('{"type": "ack"', '{"type": "pong"', '{"type": "error"')
_timings: dict[str, list[float]] = {"send": [], "ping": [], **{p: [] for p in PHASES}}
_run_and_push = realtime.run_and_push


async def _timed_run_and_push(func: Callable[..., Any], *args: Any) -> Any:
    """``realtime.run_and_push`` with its phases timed (module docstring); other database
    calls of the consumer than a send's pass through untimed."""
    if getattr(func, "__name__", "") != "_send_message":
        return await _run_and_push(func, *args)
    marks = {"sql": 0.0, "commit": 0.0}

    def timed(*inner: Any) -> Any:
        from django.db import connection

        marks["start"] = time.perf_counter()

        def sql(execute: Any, sql_text: Any, params: Any, many: Any, context: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                marks["sql"] += time.perf_counter() - t0

        # The commit: timed by the servers' database backend (``bench/timed_postgresql``,
        # set by ``bench/chat_settings.py``) while this thread's clock runs.
        with commit_clock() as spent:
            try:
                with connection.execute_wrapper(sql):
                    return func(*inner)
            finally:
                marks["commit"] = spent[0]
                marks["end"] = time.perf_counter()

    called = time.perf_counter()
    try:
        return await _run_and_push(timed, *args)
    finally:
        if "end" in marks:
            ms = {k: v * 1000 for k, v in marks.items()}
            _timings["send.queue"].append(ms["start"] - called * 1000)
            _timings["send.db"].append(ms["end"] - ms["start"])
            _timings["send.sql"].append(ms["sql"])
            _timings["send.commit"].append(ms["commit"])
            _timings["send.push"].append(time.perf_counter() * 1000 - ms["end"])


realtime.run_and_push = _timed_run_and_push
if os.environ.get("CHAT_BENCH_PUBLISH") == "layer":
    # The code before for ``bench/chat.py`` to compare with: every push through the
    # layer's own ``group_send``, one round trip each.

    def _no_batch(layer: Any) -> None:
        return None

    realtime._batch_publisher = _no_batch


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

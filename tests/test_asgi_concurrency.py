"""Sync views under the platform's ASGI handler (issue 20).

Each request's sync middleware chain and view run through ``sync_to_async`` inside a
``ThreadSensitiveContext`` of its own: one thread per request, not one for all. So a
view that waits (for the database, for a pooled connection, for a password hash, which
lets go of the GIL) does not hold up the next request; what requests do share is the GIL
for pure-Python work and the pool's connections (core/dbpool.py). And the chain runs in
that thread from the outermost middleware to the view without crossing to the event
loop and back (core/asgi_handler.py).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path

from openjobcenter.core.asgi_handler import SyncChainASGIHandler

WAIT_S = 0.4


def _waiting_view(request: HttpRequest) -> HttpResponse:
    time.sleep(WAIT_S)  # a query or a hash: the thread waits, the GIL is free
    return HttpResponse(str(threading.get_ident()))


def _stack_view(request: HttpRequest) -> HttpResponse:
    """Names the asgiref adapters between the event loop and this view."""
    crossings = [
        f.frame.f_code.co_qualname
        for f in inspect.stack()
        if f.filename.endswith("asgiref/sync.py") and f.function in {"__call__", "thread_handler"}
    ]
    return HttpResponse(",".join(crossings))


async def _async_view(request: HttpRequest) -> HttpResponse:
    await asyncio.sleep(0)
    return HttpResponse(
        f"async on the loop: {threading.current_thread() is threading.main_thread()}"
    )


def _failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("wait/", _waiting_view),
    path("stack/", _stack_view),
    path("async/", _async_view),
    path("fails/", _failing_view),
]


async def _get(app: Any, url: str) -> tuple[int, str]:
    """One request through the real ASGI handler (as uvicorn calls it; Django's
    ``AsyncClient`` runs without the per-request ``ThreadSensitiveContext``)."""
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_two_slow_sync_requests_run_side_by_side() -> None:
    app = SyncChainASGIHandler()

    async def both() -> tuple[float, list[str]]:
        await _get(app, "/wait/")  # middleware and URLs loaded
        started = time.perf_counter()
        responses = await asyncio.gather(_get(app, "/wait/"), _get(app, "/wait/"))
        assert [status for status, _body in responses] == [200, 200]
        return time.perf_counter() - started, [body for _status, body in responses]

    elapsed, threads = asyncio.run(both())
    # One after the other would take 2 x WAIT_S; side by side about WAIT_S.
    assert elapsed < 1.6 * WAIT_S, elapsed
    assert threads[0] != threads[1]


@override_settings(ROOT_URLCONF=__name__)
def test_the_middleware_chain_reaches_a_sync_view_without_a_trip_to_the_event_loop() -> None:
    """Django's own handler builds an async chain: below our innermost (sync) middleware
        the request went back to the event loop (``AsyncToSync``) and then to the thread
        again (``SyncToAsync``) for the view; under load each crossing waited for the busy
        loop. Here the view's thread has only the one ``SyncToAsync`` it started in (the
    coroutine side of an adapter is not on a thread's stack; its thread side is)."""
    status, body = asyncio.run(_get(SyncChainASGIHandler(), "/stack/"))
    assert status == 200
    crossings = body.split(",") if body else []
    assert not [c for c in crossings if c.startswith("AsyncToSync")], crossings
    assert crossings == ["SyncToAsync.thread_handler"]


@override_settings(ROOT_URLCONF=__name__)
def test_an_async_view_still_runs_on_the_event_loop() -> None:
    # The chat's long poll is ``async def``: it must keep waiting on the loop.
    status, body = asyncio.run(_get(SyncChainASGIHandler(), "/async/"))
    assert (status, body) == (200, "async on the loop: True")


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_errors_answer_as_before_404_and_500() -> None:
    app = SyncChainASGIHandler()
    assert asyncio.run(_get(app, "/missing/"))[0] == 404
    status, body = asyncio.run(_get(app, "/fails/"))
    assert status == 500
    assert "a bug" not in body


def _thread_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(threading.get_ident()))


urlpatterns.append(path("thread/", _thread_view))


@override_settings(ROOT_URLCONF=__name__)
def test_requests_borrow_long_lived_threads_instead_of_starting_new_ones() -> None:
    """asgiref made a thread per request (and one more to end it), while the event loop
    waited for each to start; the handler lends its threads instead."""
    app = SyncChainASGIHandler()

    async def run() -> tuple[list[str], list[str]]:
        one_by_one = [(await _get(app, "/thread/"))[1] for _ in range(5)]
        at_once = await asyncio.gather(_get(app, "/wait/"), _get(app, "/wait/"))
        return one_by_one, [body for _status, body in at_once]

    one_by_one, at_once = asyncio.run(run())
    assert len(set(one_by_one)) == 1  # the same thread each time
    assert at_once[0] != at_once[1]  # side by side: two threads
    assert one_by_one[0] in at_once
    assert app.threads.made == 2
    assert app.threads.idle == 2


@override_settings(ROOT_URLCONF=__name__)
def test_idle_threads_beyond_the_limit_end() -> None:
    app = SyncChainASGIHandler()
    app.threads.idle_limit = 1

    async def run() -> None:
        await asyncio.gather(_get(app, "/wait/"), _get(app, "/wait/"), _get(app, "/wait/"))

    asyncio.run(run())
    assert (app.threads.made, app.threads.idle, app.threads.ended) == (3, 1, 2)


@override_settings(ROOT_URLCONF=__name__)
def test_a_websocket_scope_is_refused_as_django_refuses_it() -> None:
    app = SyncChainASGIHandler()
    with pytest.raises(ValueError, match="websocket"):
        asyncio.run(app({"type": "websocket"}, None, None))
    assert app.threads.made == 0


@pytest.mark.django_db  # on this thread, middleware may read the database
@override_settings(ROOT_URLCONF=__name__)
def test_a_sync_caller_waiting_through_async_to_sync_serves_the_request_itself() -> None:
    # As in Django: a test's thread (inside its database transaction) calling the app
    # through async_to_sync runs the view itself, so the view sees the test's data.
    from asgiref.sync import async_to_sync

    app = SyncChainASGIHandler()
    status, body = async_to_sync(_get)(app, "/thread/")
    assert (status, body) == (200, str(threading.get_ident()))
    assert app.threads.made == 0

"""Sync views under the ASGI handler do not wait for each other (issue 20).

Django runs each request's sync middleware chain and view through ``sync_to_async`` inside
a ``ThreadSensitiveContext`` of its own: one thread per request, not one for all. So a
view that waits (for the database, for a pooled connection, for a password hash, which
lets go of the GIL) does not hold up the next request; what requests do share is the GIL
for pure-Python work and the pool's connections (core/dbpool.py).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from django.core.asgi import get_asgi_application
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path

WAIT_S = 0.4


def _waiting_view(request: HttpRequest) -> HttpResponse:
    time.sleep(WAIT_S)  # a query or a hash: the thread waits, the GIL is free
    return HttpResponse(str(threading.get_ident()))


urlpatterns = [path("wait/", _waiting_view)]


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
    app = get_asgi_application()

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

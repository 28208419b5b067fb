"""The platform's ASGI handler for HTTP: the whole request in one thread, one hop.

Django's ``ASGIHandler`` builds its middleware chain for an asynchronous handler. Our
middleware is synchronous (the platform's own, allauth's, most of Django's used in
their sync form), so Django adapts at each border: the event loop hands the request to
a thread for the sync middleware (``sync_to_async``), the innermost sync middleware hands
it back to the event loop for the async core (``async_to_sync``: URL resolving, view
middleware), and that hands it to the thread again for the sync view; the response goes
back the same way. Each crossing waits until the busy side takes it up: the event loop,
which also carries every chat socket, or the request's thread, which first needs the GIL.

Measured on the scale bench (issue 20, 2 nodes with 5,000 idle sockets each, 50 users):
40 % of the sampled wall time of request threads was waiting in ``async_to_sync`` below
the innermost middleware for the event loop to run the async core, while each such
thread also held its pooled database connection (another quarter of the time went to
requests waiting for one of those connections).

``SyncChainASGIHandler`` builds the chain as for WSGI (``is_async=False``) and runs it
with one ``sync_to_async`` per request: middleware, URL resolving and a sync view in the
request's own thread, with no trip through the event loop in between. An ``async def``
view (the chat's long poll) runs on the event loop through ``async_to_sync`` as Django's
sync handler does it; its thread waits, as it did before below the sync middleware.
Streaming of synchronous bodies is as in ``asgi_files``.

**Threads lent, not made.** Django gives each request a ``ThreadSensitiveContext`` of its
own, so requests do not wait for each other (``tests/test_asgi_concurrency.py``); asgiref
then starts a new thread for it, and ends it afterwards through one more new thread. The
event loop waits in ``Thread.start`` each time until the new thread has the GIL: 7 % of
a node's samples under the scale bench, all of them on the loop that also carries every
socket. Here each request borrows a long-lived thread (``RequestThreads``) for the whole
of its sync work (``request_started``, the chain, the response's ``close``, which ends
with ``request_finished`` handing the pooled connection back), through asgiref's
``ThreadSensitiveContext(executor=…)``. There is no limit on their number (a long poll
holds one, as before); at most ``IDLE_THREADS`` wait for the next request, the rest end.
A thread keeps nothing of a request: Django's request signals close its database
connections (back to the pool), and translations, URL conf and the tenant live in
context variables set per request.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import AsyncToSync, ThreadSensitiveContext, sync_to_async
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from openjobcenter.core.asgi_files import AsyncFilesASGIHandler

# Threads kept waiting for the next request; more are made when more requests run at once.
IDLE_THREADS = 32


class RequestThreads:
    """Long-lived threads lent to one request at a time (module docstring). Used only on
    the event loop's thread, so it needs no lock."""

    def __init__(self, idle_limit: int = IDLE_THREADS) -> None:
        self.idle_limit = idle_limit
        self._idle: deque[ThreadPoolExecutor] = deque()
        self.made = 0  # threads made so far (tests)
        self.ended = 0  # threads ended beyond the idle limit (tests)

    def take(self) -> ThreadPoolExecutor:
        if self._idle:
            # The most recently used: its stack and caches are warm.
            return self._idle.pop()
        self.made += 1
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    def give_back(self, thread: ThreadPoolExecutor) -> None:
        if len(self._idle) < self.idle_limit:
            self._idle.append(thread)
        else:
            # Ends once its last work item is done; the loop does not wait for it.
            thread.shutdown(wait=False)
            self.ended += 1

    @property
    def idle(self) -> int:
        return len(self._idle)


class SyncChainASGIHandler(AsyncFilesASGIHandler):
    """``ASGIHandler`` whose middleware chain and views run synchronously in the
    request's thread (see the module)."""

    def __init__(self) -> None:
        self.threads = RequestThreads()
        super().__init__()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)  # Django's refusal
            return
        if getattr(AsyncToSync.executors, "current", None) is not None:
            # Called through ``async_to_sync`` by a thread that waits for the answer (a
            # test on a sync thread, inside its database transaction): as in Django, that
            # thread serves the request.
            await super().__call__(scope, receive, send)
            return
        thread = self.threads.take()
        try:
            # The outermost context with an executor decides: Django's own
            # ThreadSensitiveContext inside it makes no new thread.
            async with ThreadSensitiveContext(executor=thread):
                await super().__call__(scope, receive, send)
        finally:
            self.threads.give_back(thread)

    def load_middleware(self, is_async: bool = False) -> None:
        # The synchronous chain, whatever ASGIHandler.__init__ asks for.
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # ``thread_sensitive``: the thread of this request's ThreadSensitiveContext, the
        # same one that ran the request_started receivers and later closes the response
        # (request_finished: the pooled connection goes back).
        response: HttpResponseBase = await sync_to_async(self.get_response, thread_sensitive=True)(
            request
        )
        return response

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
request's own thread (Django's per-request ``ThreadSensitiveContext``: requests still do
not wait for each other, ``tests/test_asgi_concurrency.py``), with no trip through the
event loop in between. An ``async def`` view (the chat's long poll) runs on the event
loop through ``async_to_sync`` as Django's sync handler does it; its thread waits, as it
did before below the sync middleware. Streaming of synchronous bodies is as in
``asgi_files``.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from openjobcenter.core.asgi_files import AsyncFilesASGIHandler


class SyncChainASGIHandler(AsyncFilesASGIHandler):
    """``ASGIHandler`` whose middleware chain and views run synchronously in the
    request's thread (see the module)."""

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

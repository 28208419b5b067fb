"""ASGI entry of ``bench/http_baseline.py``: the platform, plus a truly bare Django view.

``/bench/raw`` is answered by a Django handler without any middleware (URL resolution,
request and response objects, the same constant view as ``/bench/bare``), so the figures
can say what the 17 middlewares themselves cost beside what a page costs. Every other path
goes to the platform's own application (``openjobcenter.config.asgi``), unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response

from openjobcenter.config.asgi import application as platform_application

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[Any], Awaitable[None]]

RAW_PATH = "/bench/raw"


class BareHandler(ASGIHandler):
    """Django's ASGI handler with an empty middleware list."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        get_response = getattr(self, "_get_response_async" if is_async else "_get_response")
        handler = convert_exception_to_response(get_response)
        self._middleware_chain = self.adapt_method_mode(is_async, handler, is_async)


_bare = BareHandler()


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and scope.get("path") == RAW_PATH:
        # The same view as /bench/bare (bench/bench_urls.py), without the middleware.
        scope = {**scope, "path": "/bench/bare", "raw_path": b"/bench/bare"}
        await _bare(scope, receive, send)
        return
    await platform_application(scope, receive, send)

"""Request id, server timing and the security headers Django does not set by itself
(CSP, permissions)."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("openjobcenter.access")


def current_request_id() -> str:
    return _request_id.get()


# What the access log writes for a path no route matched (a 404 before any view).
UNMATCHED_ROUTE = "(no route)"


def route_of(request: HttpRequest) -> str:
    """The URL pattern that matched, e.g. ``/<slug:jc>/kalender/<str:token>.ics``.

    Logs get this instead of the path: some paths carry a credential (the calendar feed's
    token, a password-reset key, an e-mail confirmation key), and a log is read by more
    people and kept longer than the data it would open.
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    return "/" + str(match.route).lstrip("^").removesuffix("$")


class ServerTimingMiddleware:
    """``Server-Timing: app;dur=12.3, cpu;dur=4.1`` on every response: the milliseconds the
    request spent in the application (from the outermost middleware in to its response
    out, waiting for the database and for a CPU included) and the CPU time of the thread
    that served it. Browsers show it in their developer tools; benchmarks
    (``bench/staff_queue.py``) read it to tell server time from the client's. A streamed
    body is timed up to its first byte. Off with ``SERVER_TIMING=0`` (it tells a client a
    little more about timing than the response time does)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.enabled = bool(getattr(settings, "SERVER_TIMING", True))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self.enabled:
            return self.get_response(request)
        wall, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        app_ms = (time.perf_counter() - wall) * 1000
        cpu_ms = (time.thread_time() - cpu) * 1000
        response["Server-Timing"] = f"app;dur={app_ms:.1f}, cpu;dur={cpu_ms:.1f}"
        return response


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the proxy or makes one; logs one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            access_log.info(
                "%s %s %s",
                request.method,
                route_of(request),
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)


class SecurityHeadersMiddleware:
    """CSP for every response; a view may set a stricter or looser one itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), microphone=(self), camera=(self), payment=()"
        )
        return response

"""Request id, server timing, access log and request metrics; the security headers Django
does not set by itself (CSP, permissions)."""

from __future__ import annotations

import contextvars
import logging
import os
import random
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponseBase

from openjobcenter.core import metrics

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# The slug of the job centre the request belongs to, once resolved (tenants.middleware):
# every log line written while answering carries it (core.logging.RequestIdFilter).
_jobcenter: contextvars.ContextVar[str] = contextvars.ContextVar("jobcenter", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("openjobcenter.access")


def current_request_id() -> str:
    return _request_id.get()


def current_jobcenter() -> str:
    return _jobcenter.get()


def set_log_jobcenter(slug: str) -> None:
    """Called once the request's job centre is known (an existing one: a bounded value)."""
    _jobcenter.set(slug)


class _QueryTimer:
    """Counts and times the database queries of one request (``execute_wrapper``)."""

    __slots__ = ("count", "seconds")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., object], sql: str, params: object, many: bool, context: object
    ) -> object:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


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


# Request ids tell log lines apart; they are no secret. ``uuid4`` made an ``os.urandom``
# call per request, which releases the GIL (docs/architecture.md, "Scale"); this
# generator is seeded from the system once and makes none.
_ids = random.Random()  # noqa: S311 - not for security
# A forked process draws its own (as the ``random`` module's own generator does).
os.register_at_fork(after_in_child=_ids.seed)


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the proxy or makes one (and sends it back); logs one
    line per request and counts it in the metrics (core.metrics), by route pattern."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        slow_ms = int(getattr(settings, "SLOW_REQUEST_MS", 0))
        self.slow_after = slow_ms / 1000 if slow_ms > 0 else float("inf")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _VALID_ID.match(incoming) else f"{_ids.getrandbits(128):032x}"
        # Set for the rest of this request's context and not reset on the way out: Django
        # logs a 4xx/5xx answer ("Not Found: ...") after the middleware has returned, and
        # that line belongs to the request too. The next request sets both afresh.
        _request_id.set(rid)
        _jobcenter.set("")
        timer = _QueryTimer()
        started, cpu_started = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        duration = time.perf_counter() - started
        cpu = time.thread_time() - cpu_started
        response["X-Request-ID"] = rid
        route = route_of(request)
        status = response.status_code
        method = request.method or "-"
        access_log.log(
            logging.WARNING if duration >= self.slow_after else logging.INFO,
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(duration * 1000, 1),
                "db_queries": timer.count,
                # A slow request's line tells where its time went: waiting for the
                # database (db_ms), computing (cpu_ms) or neither — waiting for a core,
                # the GIL or a lock (duration_ms minus both, roughly).
                "db_ms": round(timer.seconds * 1000, 1),
                "cpu_ms": round(cpu * 1000, 1),
            },
        )
        _observe(route, method, status, duration, timer, _jobcenter.get())
        return response


# Methods outside this set are counted as "other": a label must not take any value a
# client sends.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _observe(
    route: str, method: str, status: int, duration: float, timer: _QueryTimer, jobcenter: str
) -> None:
    method = method if method in _METHODS else "other"
    metrics.HTTP_REQUESTS.labels(route, method, str(status)).inc()
    metrics.HTTP_DURATION.labels(route, method).observe(duration)
    if timer.count:
        metrics.DB_QUERIES.labels(route).inc(timer.count)
        metrics.DB_QUERY_SECONDS.labels(route).inc(timer.seconds)
    if jobcenter:
        metrics.HTTP_BY_JOBCENTER.labels(jobcenter, metrics.status_class(status)).inc()


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

"""When the database cannot be reached: a calm 503 instead of a 500 (issue 16, item 5).

A blip of the database (a restart, a fail-over, a cut network) used to give the error
page of a bug, as HTML even on the API. Now every request that fails because the database
is unreachable answers 503 with ``Retry-After``: pages get a "Gleich wieder da" page,
``/api/`` gets JSON with the stable code ``database_unavailable``.

The same for the object storage (issue 20, item 2): an S3 endpoint that cannot be
reached (or answers 5xx) while a request stores or reads a file gives the same 503 with
the code ``storage_unavailable``. The services write the file before the row, in one
transaction (``documents.services.document_page_add``), so such a request leaves nothing
half-stored, and what was stored earlier is untouched.

Two places catch it, because Django turns an exception into a response at each layer:

- ``DatabaseUnavailableMiddleware.process_exception`` for errors raised in a view (and
  in a template response's rendering; ninja re-raises what it has no handler for);
- ``web.views.server_error`` (``handler500``) for errors raised in a middleware (the
  session read, the tenant lookup), which reach Django's 500 handler directly.

The answer must not need the database itself: no tenant, no session, no user, no
context processors. The page is rendered without the request, in the language that
``LocaleMiddleware`` or the request's cookie and ``Accept-Language`` give.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger("openjobcenter.unavailable")

# Seconds a client should wait before trying again: a fail-over or restart takes about this.
RETRY_AFTER = 30

_DRIVER_ERRORS: tuple[type[BaseException], ...] = ()
try:  # psycopg is installed with the PostgreSQL extra only
    import psycopg
    from psycopg_pool import PoolTimeout

    # Raised by the pool outside Django's error wrapping (a pool opened by a thread
    # that then times out) and by psycopg itself when a connection breaks mid-query.
    _DRIVER_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)
except ImportError:  # pragma: no cover - SQLite-only installations
    pass

# SQLite raises OperationalError for mistakes too ("no such table"); only these mean the
# database cannot be used right now.
_SQLITE_OUTAGES = ("database is locked", "unable to open database", "disk i/o error")


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database is unreachable or overloaded (not a bug)."""
    if exc is None:
        return False
    if isinstance(exc, _DRIVER_ERRORS):
        return True
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        return any(text in str(cause).lower() for text in _SQLITE_OUTAGES)
    return True


_STORAGE_ERRORS: tuple[type[BaseException], ...] = ()
_STORAGE_ANSWERS: tuple[type[BaseException], ...] = ()
try:  # botocore comes with django-storages' S3 backend
    from botocore.exceptions import (  # type: ignore[import-untyped]
        ClientError,
        ReadTimeoutError,
    )
    from botocore.exceptions import ConnectionError as BotoConnectionError

    _STORAGE_ERRORS = (BotoConnectionError, ReadTimeoutError)
    _STORAGE_ANSWERS = (ClientError,)
except ImportError:  # pragma: no cover - installations without the S3 backend
    pass


def is_storage_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the object storage cannot be reached
    or fails on its side (5xx), rather than a mistake of ours (a 4xx, a missing key)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, _STORAGE_ERRORS):
            return True
        if isinstance(exc, _STORAGE_ANSWERS):
            answer = getattr(exc, "response", None) or {}
            status = answer.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            return int(status or 0) >= 500
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def outage_code(exc: BaseException | None) -> str | None:
    """``database_unavailable``, ``storage_unavailable`` or None (not an outage)."""
    if is_database_outage(exc):
        return "database_unavailable"
    if is_storage_outage(exc):
        return "storage_unavailable"
    return None


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def unavailable_response(
    request: HttpRequest, exc: BaseException, code: str = "database_unavailable"
) -> HttpResponse:
    """The 503 for ``request``, logged once with the cause (never with the full path:
    some paths carry credentials, such as the calendar feed's token)."""
    log.warning(
        "%s, answered 503: %s %s",
        code.replace("_", " "),
        type(exc).__name__,
        str(exc).splitlines()[0][:300] if str(exc) else "",
        extra={"method": request.method, "status": 503},
    )
    # LocaleMiddleware (and the account's language) already chose one if they ran;
    # otherwise the cookie and Accept-Language, which need no database either.
    if hasattr(request, "LANGUAGE_CODE"):
        language = translation.get_language()
    else:
        language = translation.get_language_from_request(request)
    with translation.override(language):
        if wants_json(request):
            response: HttpResponse = JsonResponse(
                {
                    "detail": _(
                        "Der Dienst ist gerade kurz nicht erreichbar. Bitte versuchen Sie "
                        "es gleich noch einmal."
                    ),
                    "code": code,
                    "retry_after": RETRY_AFTER,
                },
                status=503,
            )
        else:
            html = render_to_string(
                "web/unavailable.html",
                {
                    "language": translation.get_language(),
                    "bidi": translation.get_language_bidi(),
                    "was_post": request.method not in {"GET", "HEAD"},
                },
            )
            response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 for a view that failed because the database or the object storage
    is unreachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        code = outage_code(exception)
        if code is not None:
            return unavailable_response(request, exception, code)
        return None

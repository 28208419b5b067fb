"""Structured logs: one JSON object per line, carrying the request id."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from django.http import HttpRequest

from openjobcenter.core.middleware import current_jobcenter, current_request_id, route_of

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {
    "message",
    "asctime",
    "request_id",
    "jobcenter",
}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        record.jobcenter = current_jobcenter() or "-"
        return True


class RedactPathFilter(logging.Filter):
    """Replaces the request path in Django's own log lines by the route pattern.

    Django logs 4xx/5xx answers as ``"Not Found: <path>"`` with the request attached
    (``django.request``, ``django.security.csrf``); the path may carry a credential (the
    calendar feed's token, a password-reset key). Set on the console handler, so every
    logger's records pass it, and on those loggers, so any other handler sees it too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not isinstance(request, HttpRequest):
            return True
        route = route_of(request)
        paths = {request.path, request.path_info, request.get_full_path()}
        if isinstance(record.args, tuple):
            record.args = tuple(route if arg in paths else arg for arg in record.args)
        if isinstance(record.msg, str):
            for path in paths:
                if path and path != "/":
                    record.msg = record.msg.replace(path, route)
        # The JSON formatter would write repr(request), which names the full path.
        record.request = f"{request.method} {route}"
        return True


class ClientErrorWithoutTraceFilter(logging.Filter):
    """Drops the stack trace from Django's lines about a 4xx answer.

    Django passes the exception along when it logs a refusal (``PermissionDenied``,
    ``SuspiciousOperation``), so every 403 carried a stack trace, though nothing went
    wrong in the code: a refusal is one line. 5xx lines keep their trace.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "jobcenter": getattr(record, "jobcenter", "-"),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value if isinstance(value, (str, int, float, bool)) else repr(value)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)

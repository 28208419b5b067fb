"""The logging configuration (``settings.LOGGING``): one place for Django's loggers, the
filters that keep credentials and stack traces of refusals out of the logs, and the
formats (``core/logging.py``)."""

from __future__ import annotations

from typing import Any


def logging_dict(*, log_format: str, level: str) -> dict[str, Any]:
    """``dictConfig`` for ``log_format`` ("json" or "text") at ``level``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "openjobcenter.core.logging.RequestIdFilter"},
            "redact_path": {"()": "openjobcenter.core.logging.RedactPathFilter"},
            "client_error_no_trace": {
                "()": "openjobcenter.core.logging.ClientErrorWithoutTraceFilter"
            },
        },
        "formatters": {
            "json": {"()": "openjobcenter.core.logging.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id", "redact_path", "client_error_no_trace"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Paths may carry credentials: these loggers name the path (core.logging).
            # A refusal (4xx) is one line, without a stack trace.
            "django.request": {"filters": ["redact_path", "client_error_no_trace"]},
            "django.security": {"filters": ["client_error_no_trace"]},
            "django.security.csrf": {"filters": ["redact_path", "client_error_no_trace"]},
            # PDF rendering logs every step at INFO; keep only what needs attention.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            "pikepdf": {"level": "WARNING"},
        },
    }

"""Typed access to ``settings.DOCUMENTS`` (parsed and checked in ``config/settings.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def conf() -> dict[str, Any]:
    value: dict[str, Any] = settings.DOCUMENTS
    return value

"""Typed access to ``settings.VIDEOS`` (parsed in ``config/settings.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def conf() -> dict[str, Any]:
    value: dict[str, Any] = settings.VIDEOS
    return value

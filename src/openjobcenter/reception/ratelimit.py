"""Scans per reception device: a fixed window in the shared cache (Redis in production,
so every app node counts together), like ``applications.ratelimit``.

A device is the browser session (a reception PC, a tablet) or, in the API, the token or
session of the caller. A hand scanner at a busy desk reads one card every few seconds;
far more than that is someone trying tokens.
"""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_S = 60
LIMIT = 60  # scans per device and minute


def _key(device: str, window: int) -> str:
    return f"ojc:reception:scan:{device}:{window}"


def scan_allowed(*, device: str) -> bool:
    """Count one scan of ``device``; False once its limit for this minute is reached."""
    key = _key(device, int(time.time()) // WINDOW_S)
    if cache.add(key, 1, timeout=WINDOW_S + 10):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_S + 10)
        return True
    return int(count) <= LIMIT


def reset(*, device: str) -> None:
    cache.delete(_key(device, int(time.time()) // WINDOW_S))

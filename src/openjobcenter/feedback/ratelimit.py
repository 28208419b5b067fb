"""Per-session limit on feedback writes, a fixed window in the shared cache (Redis in
production, so every node counts together)."""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_S = 3600
LIMIT = 30


def allowed(session_key: str) -> bool:
    """Count one write of this session; False once the window's limit is reached."""
    key = f"ojc:feedback:{session_key}:{int(time.time()) // WINDOW_S}"
    if cache.add(key, 1, timeout=WINDOW_S + 60):
        return True
    try:
        return int(cache.incr(key)) <= LIMIT
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_S + 60)
        return True

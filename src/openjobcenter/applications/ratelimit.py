"""Rate limit on submission, shared by the web views and the API.

A fixed window per customer and hour in the shared cache (Redis in production, so all
app nodes count together), like allauth's login limits. A submission that is refused
changes nothing; an idempotent repeat of an already submitted application is not
counted by callers that check ``already_submitted`` first.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_S = 3600


def _key(user_id: int, window: int) -> str:
    return f"ojc:apps:submit:{user_id}:{window}"


def submission_allowed(*, user_id: int) -> bool:
    """Count one submission attempt of ``user_id``; False once the hourly limit is hit."""
    limit = int(getattr(settings, "APPLICATIONS_SUBMIT_RATE", 10))
    key = _key(user_id, int(time.time()) // WINDOW_S)
    if cache.add(key, 1, timeout=WINDOW_S + 60):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_S + 60)
        return True
    return count <= limit


def reset(*, user_id: int) -> None:
    """Forget the current window's count (tests, support)."""
    cache.delete(_key(user_id, int(time.time()) // WINDOW_S))

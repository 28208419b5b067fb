"""Each player event counts once per viewer, video and window.

A viewer is the browser session, or (without one: the player page sets no cookie for
visitors who are not logged in) a keyed hash of the client address, kept only in the
cache and only for the window. Replaying the beacon, or a script sending thousands,
adds nothing after the first of each event (started, 25/50/75/100 %): the counts stay
"how many viewers got this far", and a flood costs one cache write per request.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

from openjobcenter.core.audit import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest

WINDOW_S = 6 * 3600


def _viewer(request: HttpRequest) -> str:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        return f"s:{session_key}"
    address = (client_ip(request) or "unknown").encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), address, hashlib.sha256).hexdigest()[:32]
    return f"a:{digest}"


def first_time(request: HttpRequest, *, video_id: int, event: str) -> bool:
    """True for the first ``event`` of this viewer and video in the current window."""
    window = int(time.time()) // WINDOW_S
    key = f"ojc:videos:beacon:{_viewer(request)}:{video_id}:{event}:{window}"
    return bool(cache.add(key, 1, timeout=WINDOW_S + 60))

"""Telling the customer's open pages that what waits for them has changed.

``home_changed`` is the one call every service makes that changes something a
customer's home shows (``tests/home/test_home_changed.py`` goes through them). It
does two things:

- bumps the person's home version (``home/cache.py``) at once and again after the
  commit, so no page, fragment or navigation badge serves the old home afterwards
  (the second bump throws away a home computed from the state before the commit);
- sends ``home.changed`` to the person's own group of the chat socket
  (``/ws/chat/``, ``messaging.realtime.user_group``) after the commit; the consumer
  passes it on as ``{"type": "home"}`` and the open page fetches its fragment again.
  Best effort: a lost event costs only freshness (a reload is always right).
"""

from __future__ import annotations

from django.db import transaction

from openjobcenter.home.cache import version_bump
from openjobcenter.messaging import realtime as chat_realtime

EVENT = {"type": "home.changed"}


def home_changed(user_id: int | None) -> None:
    if user_id is None:
        return
    version_bump(user_id)
    transaction.on_commit(lambda: version_bump(user_id))
    chat_realtime.push_after_commit([chat_realtime.user_group(user_id)], dict(EVENT))

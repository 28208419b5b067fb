"""Telling the customer's open pages that what waits for them has changed.

The event goes to the person's own group of the chat socket (``/ws/chat/``,
``messaging.realtime.user_group``); the consumer passes it on as ``{"type": "home"}``
and the page fetches its small fragment again. Best effort: sent after the commit,
a lost event costs only freshness (a reload is always right).
"""

from __future__ import annotations

from openjobcenter.messaging import realtime as chat_realtime

EVENT = {"type": "home.changed"}


def home_changed(user_id: int | None) -> None:
    if user_id is None:
        return
    chat_realtime.push_after_commit([chat_realtime.user_group(user_id)], dict(EVENT))

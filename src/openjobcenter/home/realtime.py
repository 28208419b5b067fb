"""Telling open pages that what waits has changed: the customer's home (``home_changed``)
and the staff work queue (``queue_event``, at the end; services call it through
``home.queue_cache.queue_changed``, which also bumps the queue's cached counts).

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


# --- The staff work queue ---------------------------------------------------------------

QUEUE_EVENT = {"type": "queue.changed"}


def queue_event(jobcenter_id: int | None) -> None:
    """Something the staff work queue counts changed in this job centre (a filing, a
    document, a message, a move request, a check-in, work taken or done).

    After the commit, ``queue.changed`` goes to the job centre's team group of the chat
    socket (``messaging.realtime.team_group``: staff sockets whose session used the second
    factor); the consumer passes it on as ``{"type": "queue"}`` and the open start pages
    fetch their queue part again (``web/static/web/staff_queue.js``). The event names
    nothing: no person, no object, no kind; each page asks for its own view, so
    need-to-know is decided by the fragment's request as on every load. Best effort like
    ``home_changed``: the 30 s poll stays as the fallback.
    """
    if jobcenter_id is None:
        return
    chat_realtime.push_after_commit([chat_realtime.team_group(jobcenter_id)], dict(QUEUE_EVENT))

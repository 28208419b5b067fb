"""Telling open pages that what waits has changed: the customer's home (``home_changed``)
and the staff work queue (``queue_event``, at the end; services call it through
``home.queue_cache.queue_changed``, which also bumps the queue's cached counts).

``home_changed`` is the one call every service makes that changes something a
customer's home shows (``tests/home/test_home_changed.py`` goes through them). After
the commit it

- bumps the person's home version (``home/cache.py``), so no page, fragment or
  navigation badge serves the old home afterwards: every home computed before the bump
  (from the state before the commit, or while it was being committed) carries the old
  version and does not count any more. A bump before the commit would add nothing: a
  home computed between it and the commit still reads the old state;
- then sends ``home.changed`` to the person's own group of the chat socket
  (``/ws/chat/``, ``messaging.realtime.user_group``); the consumer passes it on as
  ``{"type": "home"}`` and the open page fetches its fragment again (after the bump, so
  it gets the new home). Best effort: a lost event costs only freshness (a reload is
  always right).

Both happen once per transaction and person, however many changes the transaction
makes (``core.oncommit.on_commit_once``; issue 19: a step save had paid for two version
writes and a publish, most of its CPU).
"""

from __future__ import annotations

from collections.abc import Hashable

from openjobcenter.core.oncommit import on_commit_once
from openjobcenter.home.cache import version_bump, version_bump_and_publish
from openjobcenter.messaging import realtime as chat_realtime

EVENT = {"type": "home.changed"}


def _home_after_commit(user_ids: set[Hashable]) -> None:
    for user_id in user_ids:
        if isinstance(user_id, int):
            group = chat_realtime.user_group(user_id)
            # With Redis as both cache and chat layer: bump and event in one round trip.
            if not version_bump_and_publish(user_id, group, dict(EVENT)):
                version_bump(user_id)
                chat_realtime.push_now([group], dict(EVENT))


def home_changed(user_id: int | None) -> None:
    if user_id is None:
        return
    on_commit_once(("home", user_id), _home_after_commit, user_id)


# --- The staff work queue ---------------------------------------------------------------

QUEUE_EVENT = {"type": "queue.changed"}


def queue_event(jobcenter_id: int | None) -> None:
    """Something the staff work queue counts changed in this job centre (a filing, a
    document, a message, a move request, a check-in, work taken or done); called after
    the commit, once per transaction, by ``queue_cache.queue_changed`` (after its bumps).

    ``queue.changed`` goes to the job centre's team group of the chat socket
    (``messaging.realtime.team_group``: staff sockets whose session used the second
    factor); the consumer passes it on as ``{"type": "queue"}`` and the open start pages
    fetch their queue part again (``web/static/web/staff_queue.js``). The event names
    nothing: no person, no object, no kind; each page asks for its own view, so
    need-to-know is decided by the fragment's request as on every load. Best effort like
    ``home_changed``: the 30 s poll stays as the fallback.
    """
    if jobcenter_id is None:
        return
    chat_realtime.push_now([chat_realtime.team_group(jobcenter_id)], dict(QUEUE_EVENT))

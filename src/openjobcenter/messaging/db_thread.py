"""The chat's database threads keep their pooled connection between messages.

Channels' ``DatabaseSyncToAsync`` closes the thread's connections before and after every
call; with the connection pool (``CONN_MAX_AGE=0``) that hands the connection back, and
the next message takes one out again, which the pool first tries with an empty query
(``CONN_HEALTH_CHECKS``): one more round trip per message, about a fifteenth of a chat
process's time in ``bench/chat.py`` (py-spy, issue 19). The chat's own threads
(``MESSAGING["db_threads"]``, few and long-lived) keep theirs for ``KEEP_S`` seconds
instead. Everything else stays as Channels does it: a connection left in a transaction
or after an error that made it unusable is closed at once (Django's
``close_if_unusable_or_obsolete``), and after ``KEEP_S`` it goes back to the pool and
the next message takes one with the health check, so a database restart costs at most
one failed message per thread (as a connection cut between the check and the query
would anyway).
"""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import DatabaseSyncToAsync
from django.db import close_old_connections, connections

KEEP_S = 30.0


def _keep_connections() -> None:
    """Let each open connection of this thread live ``KEEP_S`` from when it was taken."""
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is not None and getattr(conn, "_chat_kept", None) is not raw:
            conn._chat_kept = raw  # type: ignore[attr-defined]
            conn.close_at = time.monotonic() + KEEP_S


class ChatDatabaseCall(DatabaseSyncToAsync):  # type: ignore[misc]
    """``DatabaseSyncToAsync`` for the chat's own threads (module docstring)."""

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        close_old_connections()
        try:
            return SyncToAsync.thread_handler(self, loop, *args, **kwargs)  # type: ignore[no-untyped-call]
        finally:
            # A connection taken by this call is kept KEEP_S; Channels' clean-up then
            # closes only what is unusable, left in a transaction or older than that.
            _keep_connections()
            close_old_connections()

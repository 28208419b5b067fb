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

import functools
import threading
import time
from collections.abc import Callable
from typing import Any

from channels.db import DatabaseSyncToAsync
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

KEEP_S = 30.0

_calling = threading.local()  # .active: this thread runs a ChatDatabaseCall's function


def _keep_when_taken(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """A connection taken inside a chat call lives ``KEEP_S`` from now instead of until
    the call's end (``CONN_MAX_AGE=0``); Django's own clean-up does the rest."""
    if getattr(_calling, "active", False) and connection.close_at is not None:
        connection.close_at = time.monotonic() + KEEP_S


connection_created.connect(_keep_when_taken, dispatch_uid="messaging.db_thread")


class ChatDatabaseCall(DatabaseSyncToAsync):  # type: ignore[misc]
    """``DatabaseSyncToAsync`` for the chat's own threads (module docstring): the function
    runs as Channels runs it; a connection it takes is kept ``KEEP_S``. Only Channels'
    public constructor and Django's ``connection_created`` signal are used."""

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        @functools.wraps(func)
        def in_chat_call(*call_args: Any, **call_kwargs: Any) -> Any:
            _calling.active = True
            try:
                return func(*call_args, **call_kwargs)
            finally:
                _calling.active = False

        super().__init__(in_chat_call, *args, **kwargs)

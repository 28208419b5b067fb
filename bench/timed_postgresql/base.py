"""The platform's PostgreSQL backend (``openjobcenter.core.postgresql``), with the time of
each ``COMMIT`` added to a per-thread clock while one runs (``commit_clock``): how
``bench/chat_asgi.py`` times a send's commit.

A database backend of its own is Django's documented way to extend what a connection
does (``ENGINE`` names the package; ``bench/chat_settings.py`` sets it for the chat
benchmark's servers): no method of a live connection is replaced. Without a running
clock a commit costs one attribute read more than Django's own; the statements are not
touched (their time is ``connection.execute_wrapper``'s, in ``chat_asgi``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from openjobcenter.core.postgresql import base

_clock = threading.local()


@contextmanager
def commit_clock() -> Iterator[list[float]]:
    """Within it, every commit of this thread's connections adds its seconds to the
    yielded list's only item."""
    spent = [0.0]
    _clock.spent = spent
    try:
        yield spent
    finally:
        _clock.spent = None


class DatabaseWrapper(base.DatabaseWrapper):
    def _commit(self) -> Any:
        commit = super()._commit  # type: ignore[misc]  # not in django-stubs
        spent = getattr(_clock, "spent", None)
        if spent is None:
            return commit()
        started = time.perf_counter()
        try:
            return commit()
        finally:
            spent[0] += time.perf_counter() - started

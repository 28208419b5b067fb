"""The hand-off backends a job centre has switched on, kept per process.

A submission writes one delivery per switched-on backend in the same statement as the
application's UPDATE (``applications/outbox.py``, ``core.fastsql``'s ``along``). Reading
``HandoffConfig`` for that was a round trip of its own on every submission (issue 19).
The rows change rarely (a job-centre admin switches a backend on or off), so each
process keeps what it read under the job centres' shared *version*
(``tenants/jccache.py``): every write of a ``HandoffConfig`` (``save``, ``delete``, and
``update``/``delete``/``bulk_create`` of its query sets) sets a new version at once and
again after its commit, so every node reads the rows afresh on its next lookup. The
version costs one cache ``GET`` (Redis in production), or nothing when the caller
passes the version its job centre was read under (``jccache.version_of``). Without a
reachable shared cache the rows are read from the database every time, as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from openjobcenter.tenants import jccache

logger = logging.getLogger(__name__)

# Bounds the entries (one per job centre that submitted since the last change).
MAX_ENTRIES = 1000

_lock = threading.Lock()
_entries: dict[int, tuple[str, dict[str, dict[str, Any]]]] = {}


def reset_local() -> None:
    """Forget this process's copies."""
    with _lock:
        _entries.clear()


def _copy(configs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    # Callers get their own dicts: nothing they change reaches the next caller.
    return {key: dict(value) for key, value in configs.items()}


def cached(
    jobcenter_id: int,
    read: Callable[[int], dict[str, dict[str, Any]]],
    *,
    version: str | None = None,
) -> dict[str, dict[str, Any]]:
    """``read(jobcenter_id)``, from this process's copy while the shared version is the
    one it was read under. ``version``: the version the caller's job centre was read
    under, if it has one (saves the cache ``GET``)."""
    if version is None:
        version = jccache.current_version()
    if version is None:  # the shared cache is away: nobody can tell a copy is stale
        return read(jobcenter_id)
    with _lock:
        found = _entries.get(jobcenter_id)
    if found is not None and found[0] == version:
        return _copy(found[1])
    configs = read(jobcenter_id)
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[jobcenter_id] = (version, configs)
    return _copy(configs)

"""Which ``run_scheduler`` is the active one (``core.scheduler``).

PostgreSQL: a session-level advisory lock taken on a connection of its own, outside
Django's pool (a pooled connection goes back to the pool between queries, and the lock
with it). Whoever holds it is the leader; the lock lives exactly as long as that database
session, so a leader that dies (crash, ``kill -9``, OOM) releases it at once and a
waiting scheduler takes it on its next try. Keepalives on the connection let both sides
notice a vanished peer within about half a minute (``KEEPALIVE``).

SQLite: the embedded installation runs one scheduler on one machine; ``NoLock`` always
leads. Either way the per-period rows (``ScheduledRun``) keep a takeover from doubling a
job.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from typing import Any, Protocol

from django.db import connection

log = logging.getLogger(__name__)

# One fixed 64-bit key; advisory locks are per database, so two installations on one
# PostgreSQL server (different databases) do not meet.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"openjobcenter.scheduler").digest()[:8], signed=True)
# idle 10 s, then a probe every 5 s, given up after 3: ~25 s to notice a dead peer.
KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


class LeaderLock(Protocol):
    def acquire(self) -> bool:
        """Try to become the leader (never blocks); True while this process leads."""

    def held(self) -> bool:
        """Still the leader? False once the lock's session is gone."""

    def release(self) -> None: ...


class NoLock:
    def acquire(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        return None


class PostgresAdvisoryLock:
    def __init__(self, settings_dict: dict[str, Any]) -> None:
        self.settings_dict = settings_dict
        self._conn: Any = None

    def _connect(self) -> Any:
        import psycopg

        s = self.settings_dict
        params: dict[str, Any] = {
            "dbname": s["NAME"],
            "user": s.get("USER") or None,
            "password": s.get("PASSWORD") or None,
            "host": s.get("HOST") or None,
            "port": s.get("PORT") or None,
            "connect_timeout": 5,
            "application_name": "openjobcenter-scheduler",
            "autocommit": True,
            **KEEPALIVE,
        }
        return psycopg.connect(**{k: v for k, v in params.items() if v is not None})

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                self._conn.close()
        self._conn = None

    def acquire(self) -> bool:
        try:
            if self._conn is None or self._conn.closed:
                self._conn = self._connect()
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        except Exception as exc:
            log.warning("scheduler lock: database not reachable (%s)", type(exc).__name__)
            self._drop()
            return False
        return bool(row and row[0])

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1").fetchone()
        except Exception as exc:
            log.warning("scheduler lock: lost its database session (%s)", type(exc).__name__)
            self._drop()
            return False
        return True

    def release(self) -> None:
        self._drop()  # ending the session releases the lock


def for_database() -> LeaderLock:
    if connection.vendor == "postgresql":
        return PostgresAdvisoryLock(dict(connection.settings_dict))
    return NoLock()

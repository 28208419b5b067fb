"""Handing pooled database connections back before long work that needs none.

With the connection pool (PostgreSQL, ``config/env.py``) a request keeps the connection
it took with its first query until it ends. A node has few (``DATABASE_POOL_SIZE``, 10 by
default, of which the chat's threads use up to 4), so a request that holds one through
tens of milliseconds of CPU without a query makes the others wait for the pool: under the
scale bench's 50 users (issue 20) every connection of both nodes was in use throughout,
and the logins, which verify a password hash while holding one, were the slowest
operation by far. Such steps call :func:`release_idle_connections` first; the next query
takes a connection from the pool again (with its health check, one short round trip).
"""

from __future__ import annotations

from django.db import connections

__all__ = ["release_idle_connections"]


def release_idle_connections() -> int:
    """Give this thread's pooled connections back to their pool where that is safe (not
    inside a transaction, autocommit on); returns how many. No-op without a pool (SQLite,
    or a connection not yet opened)."""
    released = 0
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or not conn.settings_dict.get("OPTIONS", {}).get("pool"):
            continue
        if conn.in_atomic_block or not conn.get_autocommit():
            # Its transaction is not finished: the connection belongs to it.
            continue
        conn.close()
        released += 1
    return released

"""Django's PostgreSQL backend whose connection pool checks a connection before handing it
out without a round trip when it cannot have been cut (issue 19).

With the pool (``config/env.py``) every request takes a connection and gives it back when
it ends. psycopg's own check (``ConnectionPool.check_connection``, which Django installs
for ``CONN_HEALTH_CHECKS``) sends an empty query first, every time: a round trip per
request before the request's own first query, about a tenth of ``/api/v1/me``'s CPU and,
under the scale bench's load, milliseconds of waiting each.

Here the round trip is made only when it can tell something: a connection that came back
to the pool a moment ago (``QUIET_S``), is idle, and whose socket has nothing to read was
not cut since. A server that ends a connection (a restart, ``pg_terminate_backend``,
``idle_session_timeout``, PgBouncer closing it, a proxy cutting it) sends its last message
or its end of stream, and that makes the socket readable; such a connection, and any
connection older than ``QUIET_S`` or never given back yet, gets psycopg's own check and is
replaced when it fails. (A connection lost without any packet, a cable pulled, is not
seen by the empty query either until TCP gives up.)

A database backend of its own is Django's documented way to change what a connection
does; the pool is psycopg's, built with the same arguments as Django builds it but this check,
and a connection going back to it is stamped with the time.
"""

from __future__ import annotations

import select
import time
from typing import Any

from django.db.backends.postgresql import base
from psycopg.pq import ConnStatus, TransactionStatus
from psycopg_pool import ConnectionPool

__all__ = ["QUIET_S", "DatabaseWrapper", "check_connection", "mark_returned"]

# Seconds after its return to the pool during which a quiet, idle connection is handed out
# without the empty query.
QUIET_S = 5.0
_RETURNED_AT = "_ojc_returned_at"
_READY = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def mark_returned(conn: Any) -> None:
    """Note that the connection goes back to its pool now (``DatabaseWrapper._close``; not
    the pool's ``reset`` callback, which would return every connection through the pool's
    worker thread)."""
    setattr(conn, _RETURNED_AT, time.monotonic())


def _quiet(conn: Any) -> bool:
    """Idle, in autocommit, and nothing (no message, no end of stream) waiting on its socket."""
    pgconn = conn.pgconn
    if pgconn.status != ConnStatus.OK or pgconn.transaction_status != TransactionStatus.IDLE:
        return False
    if not conn.autocommit:
        return False
    try:
        poller = select.poll()
        poller.register(pgconn.socket, _READY)
        return not poller.poll(0)
    except Exception:  # no socket any more: psycopg's own check says what is wrong
        return False


def check_connection(conn: Any) -> None:
    """The pool's ``check``: psycopg's empty query unless the connection was given back
    less than ``QUIET_S`` ago and is quiet; raises when the connection is broken."""
    returned = getattr(conn, _RETURNED_AT, None)
    if returned is not None and time.monotonic() - returned < QUIET_S and _quiet(conn):
        return
    ConnectionPool.check_connection(conn)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> Any:
        django: Any = self  # Django's own attributes, which django-stubs leave out
        options = self.settings_dict["OPTIONS"].get("pool")
        pools = django._connection_pools
        if options and self.alias not in pools and self.settings_dict["CONN_HEALTH_CHECKS"]:
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # as Django: it sets autocommit itself later
            created = ConnectionPool(
                kwargs=connect_kwargs,
                open=False,
                configure=django._configure_connection,
                check=check_connection,
                **({} if options is True else options),
            )
            pools.setdefault(self.alias, created)
        return super().pool  # type: ignore[misc]  # not in django-stubs

    def _close(self) -> Any:
        if self.connection is not None and self.pool:
            mark_returned(self.connection)
        return super()._close()  # type: ignore[misc]  # not in django-stubs

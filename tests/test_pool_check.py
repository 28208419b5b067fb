"""Pooled PostgreSQL connections are checked before use without a round trip when they
cannot have been cut (``core/postgresql``, issue 19): what the server saw says whether
the empty query was sent, and a connection the server ended is replaced, never handed
out. The end-to-end case (a proxy cutting a running app's idle connections) is
``tests/test_db_fault.py``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from openjobcenter.core.postgresql import base as backend

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL"),
]

MARKER = "SELECT 'ojc pool check marker'"


@pytest.fixture
def pool() -> Iterator[Any]:
    """A pool of one connection, built by the platform's backend as for every request."""
    settings = {**connection.settings_dict, "OPTIONS": {"pool": {"min_size": 1, "max_size": 1}}}
    wrapper: Any = backend.DatabaseWrapper(settings, alias="pool_check_test")
    made = wrapper.pool
    made.open(wait=True, timeout=10)
    try:
        yield made
    finally:
        wrapper.close_pool()


@pytest.fixture
def observer() -> Iterator[psycopg.Connection[Any]]:
    """A connection of its own that looks at the others from the server's side."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        yield conn


def _last_query(observer: psycopg.Connection[Any], pid: int) -> str | None:
    row = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return None if row is None else str(row[0])


def _use_and_give_back(pool: Any) -> int:
    conn = pool.getconn()
    pid = int(conn.info.backend_pid)
    conn.execute(MARKER)
    backend.mark_returned(conn)  # as DatabaseWrapper._close does
    pool.putconn(conn)
    return pid


def test_a_connection_given_back_a_moment_ago_is_handed_out_without_the_empty_query(
    pool: Any, observer: psycopg.Connection[Any]
) -> None:
    pid = _use_and_give_back(pool)
    conn = pool.getconn()
    try:
        assert conn.info.backend_pid == pid
        # The server's last statement of that connection is still the request's own.
        assert _last_query(observer, pid) == MARKER
        assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        pool.putconn(conn)


def test_a_connection_idle_longer_gets_the_empty_query(
    pool: Any, observer: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _use_and_give_back(pool)
    monkeypatch.setattr(backend, "QUIET_S", 0.0)
    conn = pool.getconn()
    try:
        assert conn.info.backend_pid == pid
        assert _last_query(observer, pid) == ""  # psycopg's check: an empty query
    finally:
        pool.putconn(conn)


def test_a_connection_the_server_ended_is_replaced_not_handed_out(
    pool: Any, observer: psycopg.Connection[Any]
) -> None:
    pid = _use_and_give_back(pool)
    observer.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while _last_query(observer, pid) is not None:  # until the server has let it go
        assert time.monotonic() < deadline
        time.sleep(0.05)
    conn = pool.getconn(timeout=10)
    try:
        assert conn.info.backend_pid != pid
        assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        pool.putconn(conn)


def test_a_connection_in_a_transaction_is_never_waved_through(pool: Any) -> None:
    conn = pool.getconn()
    try:
        backend.mark_returned(conn)
        assert backend._quiet(conn)
        conn.autocommit = False
        conn.execute("SELECT 1")  # a transaction is open now
        assert not backend._quiet(conn)
        conn.rollback()
        conn.autocommit = True
    finally:
        pool.putconn(conn)


@pytest.mark.django_db(transaction=True)
def test_a_connection_django_gives_back_is_stamped_and_comes_back_unchecked() -> None:
    # Every request's connection comes from a pool built by core/postgresql (config/env.py).
    default: Any = connections["default"]
    assert type(default).__module__ == "openjobcenter.core.postgresql.base"
    assert default.pool._check is backend.check_connection
    with default.cursor() as cursor:
        cursor.execute(MARKER)
    conn = default.connection
    default.close()  # the end of a request: back to the pool, stamped
    assert time.monotonic() - getattr(conn, backend._RETURNED_AT) < backend.QUIET_S
    assert backend._quiet(conn)  # so the next request takes it without the empty query

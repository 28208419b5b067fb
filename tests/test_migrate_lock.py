"""Issue 20, item 1: migrations run one node at a time (``manage migrate_safely``).

Real processes on a fresh PostgreSQL database: while another session holds the migration
lock, two starting nodes wait without touching the schema; once it is free both succeed,
and every migration is recorded once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection

from openjobcenter.core.management.commands.migrate_safely import MIGRATION_LOCK_KEY

pytestmark = pytest.mark.postgres


def _admin_conninfo() -> dict[str, object]:
    settings = connection.settings_dict
    return {
        "dbname": "postgres",
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "autocommit": True,
    }


@pytest.fixture
def fresh_database() -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the advisory lock)")
    name = f"ojc_migrate_lock_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**_admin_conninfo()) as admin:  # type: ignore[arg-type]
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(**_admin_conninfo()) as admin:  # type: ignore[arg-type]
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url_for(database: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


def _migration_rows(database: str) -> tuple[int, int] | None:
    info = {**_admin_conninfo(), "dbname": database}
    with psycopg.connect(**info) as db:  # type: ignore[arg-type]
        exists = db.execute("SELECT to_regclass('django_migrations')").fetchone()
        if not exists or exists[0] is None:
            return None
        row = db.execute("SELECT count(*), count(DISTINCT (app, name)) FROM django_migrations")
        total, distinct = row.fetchone() or (0, 0)
        return int(total), int(distinct)


def _waiting_for_lock(db: psycopg.Connection[tuple[object, ...]]) -> int:
    """Nodes that have asked for the lock at least once (they ask again every half second
    rather than wait inside one statement: see migrate_safely)."""
    row = db.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
        " AND datname = current_database() AND query LIKE %s",
        ["openjobcenter migrate_safely", "%pg_try_advisory_lock%"],
    ).fetchone()
    return int(row[0]) if row else 0  # type: ignore[call-overload]


def test_two_nodes_starting_at_once_migrate_once(fresh_database: str) -> None:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"OJC_ENV", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
        },
        "DATABASE_URL": _url_for(fresh_database),
        "OJC_ENV": "development",
        "LOG_LEVEL": "info",
    }
    info = {**_admin_conninfo(), "dbname": fresh_database}
    with psycopg.connect(**info) as holder:  # type: ignore[arg-type]
        # Another node is migrating: it holds the lock.
        holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        nodes = [
            subprocess.Popen(
                [sys.executable, "-m", "openjobcenter.manage", "migrate_safely"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        # Both have asked for the lock and wait (asking again) ...
        deadline = time.monotonic() + 90
        while _waiting_for_lock(holder) < 2:
            assert time.monotonic() < deadline, "the nodes never asked for the lock"
            assert [node.poll() for node in nodes] == [None, None]
            time.sleep(0.2)
        # ... and neither has exited nor touched the schema.
        assert [node.poll() for node in nodes] == [None, None]
        assert _migration_rows(fresh_database) is None
        holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
        outputs = [node.communicate(timeout=240)[0] for node in nodes]
    assert [node.returncode for node in nodes] == [0, 0], outputs
    for output in outputs:
        assert "waiting for it" in output, outputs
        assert "Error" not in output, output
    rows = _migration_rows(fresh_database)
    assert rows is not None
    total, distinct = rows
    # Every migration applied, each recorded once (django_migrations has no unique key:
    # two unlocked runs would record some twice, or fail on "relation already exists").
    assert total == distinct > 50
    info = {**_admin_conninfo(), "dbname": fresh_database}
    with psycopg.connect(**info) as db:  # type: ignore[arg-type]
        cache = db.execute("SELECT to_regclass('ojc_cache')").fetchone()
        assert cache is not None
        assert cache[0] is not None
        # No demo data: a production start never loads it.
        users = db.execute("SELECT count(*) FROM accounts_user").fetchone()
        assert users == (0,)

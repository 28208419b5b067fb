"""Apply migrations one node at a time: the production start's ``--migrate`` step.

Several nodes (replicas of a Deployment, ``docker compose up --scale web=3``, a Helm hook
racing a rolling update) may start at once. Two ``migrate`` runs on one PostgreSQL database
would both try to create the same tables, and one of them fails half-way. So the run takes a
PostgreSQL advisory lock first, on a connection of its own (Django's pooled connection may
be closed and handed back during ``migrate``, which would drop a session lock early): the
first node migrates, the others wait, then find nothing left to do. SQLite has one writer
and one machine, so it needs no lock. Never loads demo data.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

log = logging.getLogger(__name__)

# One fixed key for "the schema of this database"; any 64-bit number unlikely to collide
# with other users of advisory locks in the same database (the digits spell "OJC-MIGR").
MIGRATION_LOCK_KEY = 0x4F4A_432D_4D49_4752
LOCK_POLL_S = 0.5


def _try_lock(lock_connection: Any) -> bool:
    got = lock_connection.execute(
        "SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY]
    ).fetchone()
    return bool(got and got[0])


class Command(BaseCommand):
    help = "Apply migrations and create the cache table, one node at a time (no demo data)."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))
        settings = connections["default"].settings_dict
        if connections["default"].vendor != "postgresql":
            self._migrate(verbosity)
            return
        import psycopg

        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,
            application_name="openjobcenter migrate_safely",
        ) as lock_connection:
            started = time.monotonic()
            if not _try_lock(lock_connection):
                log.info("another node is migrating this database; waiting for it")
                # Asked again and again, never waited for in one statement: a statement
                # waiting for the lock holds a snapshot, and the migrating node's CREATE
                # INDEX CONCURRENTLY waits until every older snapshot has ended, so the two
                # would wait for each other for ever (core.dbops; seen in CI).
                while not _try_lock(lock_connection):
                    time.sleep(LOCK_POLL_S)
                log.info("migration lock free after %.1f s", time.monotonic() - started)
            try:
                self._migrate(verbosity)
            finally:
                lock_connection.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])

    def _migrate(self, verbosity: int) -> None:
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("createcachetable", verbosity=max(verbosity - 1, 0))

"""Migration operations shared by the apps.

``AddIndexConcurrently`` (Django's, PostgreSQL only) builds an index without locking the
table against writes: on a large installation (millions of documents) a plain
``CREATE INDEX`` would block every upload and review for the minutes it takes, during a
rolling upgrade while the previous release keeps serving. The embedded default (SQLite)
has no such statement, and Django's operation refuses it; the operations here build it
concurrently on PostgreSQL and plainly elsewhere. A migration using them sets
``atomic = False`` (PostgreSQL cannot build an index concurrently in a transaction).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """``CREATE INDEX CONCURRENTLY`` on PostgreSQL, ``CREATE INDEX`` elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )

"""PostgreSQL only: the staff inbox's name search walks a GiST trigram index in order of
similarity (issue 19, item 4).

The GIN index of 0002 found every row containing the name and PostgreSQL then ranked
them all: a common name ("Müller", 2 % of a large city's 500,000 applications) meant
10,000 rows read and sorted for 50 shown, and the search grew with the job centre. A
GiST trigram index answers ``ORDER BY UPPER(customer_name) <-> 'MÜLLER' LIMIT 51``
nearest first and stops after the page (the ``LIKE`` is checked in the same index), so
the search costs the same at 10,000 and 500,000 rows. It replaces the GIN index (one
trigram index to keep up to date on every write, not two). SQLite skips this migration.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

GIST = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    (
        "CREATE INDEX IF NOT EXISTS app_customer_name_trgm_gist ON applications_application "
        "USING gist (UPPER(customer_name::text) gist_trgm_ops)"
    ),
    "DROP INDEX IF EXISTS app_customer_name_trgm",
)
GIN = (
    (
        "CREATE INDEX IF NOT EXISTS app_customer_name_trgm ON applications_application "
        "USING gin (UPPER(customer_name::text) gin_trgm_ops)"
    ),
    "DROP INDEX IF EXISTS app_customer_name_trgm_gist",
)


def _run(statements: tuple[str, ...]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_inbox_kind_and_open_unassigned_indexes")]

    operations = [migrations.RunPython(_run(GIST), _run(GIN), elidable=False)]

"""PostgreSQL only: a trigram index for the staff inbox's name search.

The inbox searches names with ``icontains`` (``UPPER(customer_name) LIKE UPPER('%…%')``),
which no B-tree index serves; in a large city's job centre (100,000+ applications) that is
a scan. A GIN trigram index on the same expression lets PostgreSQL find the rows. SQLite
(the embedded default) skips this migration; its scans are over small data.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    (
        "CREATE INDEX IF NOT EXISTS app_customer_name_trgm ON applications_application "
        "USING gin (UPPER(customer_name::text) gin_trgm_ops)"
    ),
)
DROP = ("DROP INDEX IF EXISTS app_customer_name_trgm",)


def _run(statements: tuple[str, ...]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]

"""PostgreSQL only: the inbox's name search walks a trigram index of its own job centre
(issue 20, scale target).

0005's GiST index holds every job centre's names in one tree: a search in one job centre
of an installation of 50 walked the nearest names of all of them and threw away the other
49 job centres' rows (or PostgreSQL read all of the job centre's applications through the
job centre index and sorted them), so the search grew with the installation, not with the
job centre. With ``jobcenter_id`` as the first column (``btree_gist``, already used by the
appointments' overlap constraint) the tree keeps each job centre's names together and the
``jobcenter_id = …`` condition, the ``LIKE`` and the nearest-first order are all answered in
the same index. It replaces 0005's index. SQLite skips this migration.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PER_JOBCENTRE = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    (
        "CREATE INDEX IF NOT EXISTS app_jc_customer_name_trgm ON applications_application "
        "USING gist (jobcenter_id, UPPER(customer_name::text) gist_trgm_ops)"
    ),
    "DROP INDEX IF EXISTS app_customer_name_trgm_gist",
)
GLOBAL = (
    (
        "CREATE INDEX IF NOT EXISTS app_customer_name_trgm_gist ON applications_application "
        "USING gist (UPPER(customer_name::text) gist_trgm_ops)"
    ),
    "DROP INDEX IF EXISTS app_jc_customer_name_trgm",
)


def _run(statements: tuple[str, ...]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_customer_name_trigram_gist")]

    operations = [migrations.RunPython(_run(PER_JOBCENTRE), _run(GLOBAL), elidable=False)]

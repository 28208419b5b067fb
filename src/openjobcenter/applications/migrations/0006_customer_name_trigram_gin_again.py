"""PostgreSQL only: the name search finds its rows through a GIN trigram index again
(issue 19, item 4; reverses 0005).

0005 let a GiST trigram index return the matches nearest first, so a common name stopped
after the page; but GiST keys of names are lossy signatures, and the walk still read
~3,000 index pages at 500,000 applications (61 ms), ~1,300-2,400 for a rarer name, and
more with every row. The inbox now looks for a name first among the newest 5,000
submissions (a bounded walk of ``app_inbox_all``, the same cost at any size; a common name
fills the page there) and only a name too rare for that needs the index: GIN reads just
the posting lists of the name's trigrams (230-470 pages for a rare name at 500,000 rows,
where GiST read 1,300-2,400), is a third of the size and builds in seconds.
SQLite skips this migration.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

GIN = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    (
        "CREATE INDEX IF NOT EXISTS app_customer_name_trgm ON applications_application "
        "USING gin (UPPER(customer_name::text) gin_trgm_ops)"
    ),
    "DROP INDEX IF EXISTS app_customer_name_trgm_gist",
)
GIST = (
    (
        "CREATE INDEX IF NOT EXISTS app_customer_name_trgm_gist ON applications_application "
        "USING gist (UPPER(customer_name::text) gist_trgm_ops)"
    ),
    "DROP INDEX IF EXISTS app_customer_name_trgm",
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

    operations = [migrations.RunPython(_run(GIN), _run(GIST), elidable=False)]

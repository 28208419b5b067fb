"""PostgreSQL refuses overlapping active appointments of one member of staff.

The partial unique index (0001) only catches the same start. Staff-created times
(invitations, reschedules) may start anywhere, so on PostgreSQL an exclusion constraint
over ``[starts_at, ends_at)`` per staff member makes the database the guarantee here too.
SQLite has no exclusion constraints: there the services' overlap check and the unique
index remain (SQLite serialises writers, so the check cannot race there).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CONSTRAINT = "appointment_no_overlap"
ACTIVE = "('booked', 'invited', 'confirmed', 'change_requested')"

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist;"  # "=" on an integer in a gist index
CREATE = f"""
ALTER TABLE appointments_appointment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN {ACTIVE});
"""
DROP = f"ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION)
        schema_editor.execute(CREATE)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_change_request_fields")]

    operations = [migrations.RunPython(create, drop)]

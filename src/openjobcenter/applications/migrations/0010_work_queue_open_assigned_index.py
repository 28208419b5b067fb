"""The work queue's "assigned to me": the person's oldest open application from an index
in submission order (issue 19, item 4), not by reading their whole caseload. Built
concurrently on PostgreSQL (``core.dbops``): the previous release keeps writing
applications during the upgrade."""

from django.db import migrations, models

from openjobcenter.core.dbops import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [
        ("applications", "0009_application_settings_translations"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="application",
            index=models.Index(
                condition=models.Q(
                    ("assignee__isnull", False),
                    ("status__in", ["received", "in_progress", "documents_requested", "complete"]),
                    ("submitted_at__isnull", False),
                ),
                fields=["jobcenter", "assignee", "submitted_at"],
                name="app_open_assigned",
            ),
        ),
    ]

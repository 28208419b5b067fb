"""Indexes for the staff work queue's capped counts (issue 19, item 4; documents/queue.py):
the health documents received per kind, and the open items of a document request.

Built concurrently on PostgreSQL (``core.dbops``): the documents table holds millions of
rows at 50 job centres, and the previous release keeps writing to it during the upgrade.
"""

from django.db import migrations, models

from openjobcenter.core.dbops import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [
        ("documents", "0009_translations"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="document",
            index=models.Index(
                condition=models.Q(("state", "received")),
                fields=["jobcenter", "kind", "submitted_at"],
                name="document_queue_received_kind",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="requestitem",
            index=models.Index(
                condition=models.Q(("fulfilled_at__isnull", True)),
                fields=["request"],
                name="requestitem_open",
            ),
        ),
    ]

"""The work queue's conversations waiting for the job centre, oldest first (issue 19,
item 4; messaging/queue.py counts them capped). Built concurrently on PostgreSQL
(``core.dbops``): the previous release keeps writing conversations during the upgrade."""

from django.db import migrations, models

from openjobcenter.core.dbops import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [
        ("messaging", "0006_message_representative"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="conversation",
            index=models.Index(
                condition=models.Q(
                    ("last_message_id__gt", models.F("staff_read_upto")), ("status", "open")
                ),
                fields=["jobcenter", "last_message_at"],
                name="conversation_waiting",
            ),
        ),
    ]

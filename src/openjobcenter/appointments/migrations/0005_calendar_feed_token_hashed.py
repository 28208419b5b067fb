"""Calendar feeds keep only the SHA-256 of their token; existing tokens are hashed in place.

Existing feed addresses keep working (the address still carries the token, the lookup
hashes it). Not reversible: the plain tokens are gone.
"""

import hashlib

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def hash_tokens(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    feed_model = apps.get_model("appointments", "CalendarFeed")
    for feed in feed_model.objects.all().only("pk", "token_hash").iterator():
        digest = hashlib.sha256(feed.token_hash.encode()).hexdigest()
        feed_model.objects.filter(pk=feed.pk).update(token_hash=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0004_change_proof"),
    ]

    operations = [
        migrations.RenameField(model_name="calendarfeed", old_name="token", new_name="token_hash"),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=False),
    ]

"""The job centre's immutable storage id (encryption keys and storage names derive from it).

Existing job centres get their slug of today: their stored files were encrypted under a key
derived from the slug, so they stay readable without re-encrypting anything, and a later
rename of the slug no longer changes the key. New job centres get a random id.
"""

from django.db import migrations, models

import openjobcenter.tenants.models


def slug_as_storage_id(apps, schema_editor):
    Jobcenter = apps.get_model("tenants", "Jobcenter")
    for jobcenter in Jobcenter.objects.all():
        Jobcenter.objects.filter(pk=jobcenter.pk).update(storage_id=jobcenter.slug)


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="jobcenter",
            name="storage_id",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(slug_as_storage_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="jobcenter",
            name="storage_id",
            field=models.CharField(
                default=openjobcenter.tenants.models.new_storage_id,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]

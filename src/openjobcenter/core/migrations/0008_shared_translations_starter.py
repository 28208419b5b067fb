"""Ship the starter set of shared translations (core/shared_starter.py) with the platform."""

from django.db import migrations


def load(apps, schema_editor):
    from openjobcenter.core.shared_starter import load_starter

    load_starter(apps.get_model("core", "SharedTranslation"), clear_cache=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_merge_acting_for_translations"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

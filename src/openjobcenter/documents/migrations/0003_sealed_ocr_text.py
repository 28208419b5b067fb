"""OCR text sealed at rest, searched through a blind word index.

Existing rows are sealed here and their index built (the column type does not change;
rows the loop has not reached are still read as plain text).
"""

from django.db import migrations, models

import openjobcenter.core.sealed_fields


def seal_existing(apps, schema_editor):
    from openjobcenter.core.sealed_fields import word_index
    from openjobcenter.documents.models import ocr_scope

    Document = apps.get_model("documents", "Document")
    DocumentPage = apps.get_model("documents", "DocumentPage")
    rows = Document.objects.exclude(ocr_text="").values_list(
        "pk", "ocr_text", "jobcenter__storage_id"
    )
    for pk, text, storage_id in rows.iterator():
        Document.objects.filter(pk=pk).update(
            ocr_text=text, ocr_index=word_index(text, ocr_scope(storage_id))
        )
    for pk, text in DocumentPage.objects.exclude(ocr_text="").values_list("pk", "ocr_text"):
        DocumentPage.objects.filter(pk=pk).update(ocr_text=text)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_document_review_version"),
        ("tenants", "0002_jobcenter_storage_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="ocr_index",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name="document",
            name="ocr_text",
            field=openjobcenter.core.sealed_fields.SealedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="documentpage",
            name="ocr_text",
            field=openjobcenter.core.sealed_fields.SealedTextField(blank=True),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]

"""``manage.py documents_rekey``: re-encrypt every stored file under the current key.

Each file is written again under a new name first, then its record is switched to the
new name (only if it still points at the old one), and only after that commit is the old
file deleted. A crash at any point leaves every record pointing at a file that exists and
decrypts with a configured key; at worst a copy is left over (the retention jobs and a
second run do not mind it). Running it twice is harmless: files already under the current
key are skipped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import models, transaction

from openjobcenter.documents import storage
from openjobcenter.documents.models import Document, DocumentPage
from openjobcenter.tenants.models import Jobcenter


def rekey_field(
    model: type[models.Model], pk: int, field: str, jobcenter: Jobcenter, name: str
) -> bool:
    """Rotate one file of one record: write new, switch the record, delete the old."""
    if not name or not storage.exists(name) or not storage.needs_rekey(name):
        return False
    new_name = storage.rekey_copy(jobcenter, name)
    with transaction.atomic():
        switched = model._default_manager.filter(pk=pk, **{field: name}).update(**{field: new_name})
    if not switched:  # the record changed meanwhile (deleted, reprocessed): keep it as is
        storage.delete(new_name)
        return False
    storage.delete(name)
    return True


class Command(BaseCommand):
    help = "Re-encrypt documents under DOCUMENTS_KEY_ID (key rotation; see docs/documents.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        kid = storage.current_key_id()
        documents = Document.objects.exclude(file_key="").select_related("jobcenter")
        for document in documents.iterator():
            done += rekey_field(
                Document, document.pk, "file_key", document.jobcenter, document.file_key
            )
            Document.objects.filter(pk=document.pk).update(key_id=kid)
        pages = DocumentPage.objects.select_related("document__jobcenter")
        for page in pages.iterator():
            for field in ("original_key", "cleaned_key", "preview_key"):
                done += rekey_field(
                    DocumentPage, page.pk, field, page.document.jobcenter, getattr(page, field)
                )
            DocumentPage.objects.filter(pk=page.pk).update(key_id=kid)
        self.stdout.write(f"re-encrypted {done} files under key {kid}")

"""``manage.py documents_rekey``: re-encrypt everything sealed at rest under the current key.

Files: documents and their pages (documents storage), application PDFs and chat
attachments (default storage, ``core/sealed.py``; files stored plain before sealing
existed are sealed now). Each file is written again under a new name first, then its
record is switched to the new name (only if it still points at the old one), and only
after that is the old file deleted. A crash at any point leaves every record pointing at
a file that exists and decrypts with a configured key; at worst a copy is left over.

Columns: the OCR texts (and the search index) and the VAPID private key are written
again under the current key. Running the command twice is harmless: what is already
under the current key is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from openjobcenter.core import sealed
from openjobcenter.core.sealed_fields import is_sealed, raw_key_id
from openjobcenter.documents import storage
from openjobcenter.documents.models import Document, DocumentPage
from openjobcenter.tenants.models import Jobcenter


def rekey_field(
    model: type[models.Model], pk: int, field: str, jobcenter: Jobcenter, name: str
) -> bool:
    """Rotate one documents-storage file of one record: write new, switch, delete old."""
    if not name or not storage.exists(name) or not storage.needs_rekey(name):
        return False
    copy = storage.rekey_copy(jobcenter, name)
    return _switch(model, pk, field, name, copy, storage.delete)


def rekey_default_storage_field(
    model: type[models.Model], pk: int, field: str, jobcenter: Jobcenter, name: str, folder: str
) -> bool:
    """The same for a file in the default storage (application PDFs, chat attachments)."""
    from django.core.files.storage import default_storage

    if not name or not default_storage.exists(name) or not sealed.needs_rekey(name):
        return False
    copy = sealed.rekey_copy(jobcenter, name, folder)
    return _switch(model, pk, field, name, copy, sealed.delete)


def _switch(
    model: type[models.Model],
    pk: int,
    field: str,
    name: str,
    new_name: str,
    delete: Callable[[str], None],
) -> bool:
    """The new file is written: point the record at it, then delete the old one."""
    with transaction.atomic():
        switched = model._default_manager.filter(pk=pk, **{field: name}).update(**{field: new_name})
    if not switched:  # the record changed meanwhile (deleted, reprocessed): keep it as is
        delete(new_name)
        return False
    delete(name)
    return True


def _raw_column(model: type[models.Model], column: str, pk: int) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - model's own names
        row = cursor.fetchone()
    return str(row[0] or "") if row else ""


def _column_current(raw: str) -> bool:
    return not raw or (is_sealed(raw) and raw_key_id(raw) == storage.current_key_id())


class Command(BaseCommand):
    help = "Re-encrypt documents under DOCUMENTS_KEY_ID (key rotation; see docs/documents.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        kid = storage.current_key_id()
        files = self._documents(kid) + self._applications() + self._chat()
        columns = self._ocr() + self._vapid()
        self.stdout.write(f"re-encrypted {files} files under key {kid}")
        self.stdout.write(f"re-encrypted {columns} sealed columns under key {kid}")

    def _documents(self, kid: str) -> int:
        done = 0
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
        return done

    def _applications(self) -> int:
        from openjobcenter.applications.models import Application

        done = 0
        apps = Application.objects.exclude(pdf_name="", receipt_pdf_name="")
        for app in apps.select_related("jobcenter").iterator():
            for field in ("pdf_name", "receipt_pdf_name"):
                done += rekey_default_storage_field(
                    Application, app.pk, field, app.jobcenter, getattr(app, field), "applications"
                )
        return done

    def _chat(self) -> int:
        from openjobcenter.messaging.models import Message

        done = 0
        messages = Message.objects.exclude(attachment="").select_related("conversation__jobcenter")
        for message in messages.iterator():
            done += rekey_default_storage_field(
                Message,
                message.pk,
                "attachment",
                message.conversation.jobcenter,
                message.attachment.name,
                "chat",
            )
        return done

    def _ocr(self) -> int:
        done = 0
        for document in Document.objects.exclude(ocr_text="").select_related("jobcenter"):
            raw = _raw_column(Document, "ocr_text", document.pk)
            if not _column_current(raw):
                document.save(update_fields=["ocr_text"])  # seals anew, rebuilds the index
                done += 1
        for page in DocumentPage.objects.exclude(ocr_text=""):
            if not _column_current(_raw_column(DocumentPage, "ocr_text", page.pk)):
                DocumentPage.objects.filter(pk=page.pk).update(ocr_text=page.ocr_text)
                done += 1
        return done

    def _vapid(self) -> int:
        from openjobcenter.notifications.vapid import reseal_stored_key

        return int(reseal_stored_key())

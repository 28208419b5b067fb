"""``manage.py documents_rekey``: re-encrypt every stored file under the current key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from openjobcenter.documents import storage
from openjobcenter.documents.models import Document, DocumentPage


class Command(BaseCommand):
    help = "Re-encrypt documents under DOCUMENTS_KEY_ID (key rotation; see docs/documents.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        kid = storage.current_key_id()
        for document in Document.objects.exclude(file_key="").select_related("jobcenter"):
            done += storage.rekey(document.jobcenter, document.file_key)
            Document.objects.filter(pk=document.pk).update(key_id=kid)
        for page in DocumentPage.objects.select_related("document__jobcenter"):
            for key in (page.original_key, page.cleaned_key, page.preview_key):
                if key:
                    done += storage.rekey(page.document.jobcenter, key)
            DocumentPage.objects.filter(pk=page.pk).update(key_id=kid)
        self.stdout.write(f"re-encrypted {done} files under key {kid}")

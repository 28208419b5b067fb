"""Retention (per job centre and kind), the deletion run, and the job centre's document
settings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import checked_translations
from openjobcenter.core.models import AuditAction
from openjobcenter.documents import storage
from openjobcenter.documents.models import (
    Document,
    DocumentSettings,
    DocumentState,
)
from openjobcenter.home.queue_cache import queue_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.tenants.models import Jobcenter

OBJ = "document"


def settings_for(jobcenter: Jobcenter) -> DocumentSettings:
    found = DocumentSettings.objects.filter(jobcenter=jobcenter).first()
    return found or DocumentSettings(jobcenter=jobcenter)


def retention_until(document: Document, on: date) -> date:
    local = settings_for(document.jobcenter)
    years = int(local.retention_by_kind.get(document.kind, local.retention_years))
    try:
        return on.replace(year=on.year + years)
    except ValueError:  # 29 February
        return on.replace(year=on.year + years, day=28)


DRAFT_MAX_AGE = timedelta(days=2)


def documents_retention_run(*, today: date | None = None) -> dict[str, int]:
    """Delete documents past their retention date and drafts abandoned for two days."""
    today = today or timezone.localdate()
    deleted = 0
    for document in Document.objects.filter(delete_after__lt=today).select_related("jobcenter"):
        _delete_document(document, detail="retention")
        deleted += 1
    stale = Document.objects.filter(
        state__in=(DocumentState.DRAFT, DocumentState.REFUSED),
        created_at__lt=timezone.now() - DRAFT_MAX_AGE,
    )
    drafts = 0
    for document in stale.select_related("jobcenter"):
        _delete_document(document, detail="draft")
        drafts += 1
    return {"deleted": deleted, "drafts": drafts}


@transaction.atomic
def _delete_document(document: Document, *, detail: str) -> None:
    keys = [document.file_key]
    for page in document.pages.all():
        keys += [page.original_key, page.cleaned_key, page.preview_key]
    audit(
        request=None,
        action=AuditAction.DELETE,
        object_type=OBJ,
        object_id=document.pk,
        jobcenter=document.jobcenter,
        detail=detail,
    )
    jobcenter_id = document.jobcenter_id
    document.delete()
    transaction.on_commit(lambda: storage.delete_many(keys))
    queue_changed(jobcenter_id=jobcenter_id, module="documents")


@transaction.atomic
def document_settings_update(
    *,
    request: HttpRequest,
    jobcenter: Jobcenter,
    keep_originals: bool,
    retention_years: int,
    request_deadline_days: int | None = None,
    cooperation_notice: str | None = None,
    translations: dict[str, Any] | None = None,
) -> DocumentSettings:
    """Store the job centre's document settings; the request deadline, the
    duty-to-cooperate notice (empty: the shipped default) and its translations
    (``{"cooperation_notice": {language: text}}``) only when given."""
    local, _created = DocumentSettings.objects.get_or_create(jobcenter=jobcenter)
    local.keep_originals, local.retention_years = keep_originals, retention_years
    if request_deadline_days is not None:
        local.request_deadline_days = request_deadline_days
    if cooperation_notice is not None:
        local.cooperation_notice = cooperation_notice.strip()[:4000]
    if translations is not None:
        local.translations = checked_translations(translations)
    local.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="document_settings",
        jobcenter=jobcenter,
        detail="translations" if translations is not None else "",
    )
    return local

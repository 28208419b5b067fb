"""Every change to documents and requests (DESIGN §4.1: one write path per action).

Upload flow: ``document_draft_create`` → ``document_page_add`` (intake checks run here;
a refused file is never stored; the original goes encrypted to the scratch area and the
page task is enqueued) → ``document_submit`` (enqueues ``process_document``, which
finishes every page, burns in redactions, assembles the PDF, runs OCR). A step that
crashes leaves the document FAILED with its originals kept; ``document_retry`` runs it
again, as it does for a document still processing past its deadline
(``DOCUMENTS["processing_deadline_s"]``: its worker may have died). The tasks are
idempotent: a run that finds the document finished by another run drops its result.

The upload flow is here; processing is in ``services_processing.py``, staff review in
``services_review.py``, requests in ``services_requests.py`` and retention in
``services_retention.py``, all re-exported here. To replace a function in a test, patch
it in the module that defines it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents import storage
from openjobcenter.documents.conf import conf
from openjobcenter.documents.kinds import KINDS
from openjobcenter.documents.models import (
    Document,
    DocumentPage,
    DocumentState,
    PageState,
    RequestItem,
    Source,
)
from openjobcenter.documents.pipeline import (
    PageInput,
    Refused,
    run_intake,
)
from openjobcenter.documents.services_processing import (
    document_process,
    page_output,
    page_process,
)
from openjobcenter.documents.services_requests import (
    RequestItemInput,
    document_request_create,
    document_requests_remind_due,
)
from openjobcenter.documents.services_retention import (
    document_settings_update,
    documents_retention_run,
    retention_until,
    settings_for,
)
from openjobcenter.documents.services_review import (
    OBJ,
    ReviewConflict,
    document_review,
)
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile

# Every documents service is reachable here, also those kept in services_*.py.
__all__ = [
    "RequestItemInput",
    "ReviewConflict",
    "document_draft_create",
    "document_page_add",
    "document_page_remove",
    "document_process",
    "document_request_create",
    "document_requests_remind_due",
    "document_retry",
    "document_review",
    "document_settings_update",
    "document_store_attachment",
    "document_submit",
    "documents_retention_run",
    "page_output",
    "page_process",
    "read_upload",
    "retention_until",
    "settings_for",
]


# --- customer: upload ----------------------------------------------------------------


@transaction.atomic
def document_draft_create(
    *,
    request: HttpRequest | None,
    customer: CustomerProfile,
    kind: str = "other",
    request_item: RequestItem | None = None,
    source: str = Source.UPLOAD,
    proof_for: str = "",
    submit_key: str = "",
) -> Document:
    """A new draft. ``proof_for`` comes only from ``proof_links.read`` (a token signed for
    this customer); ``submit_key`` is unique per customer, so a second tap on "Senden"
    raises ``IntegrityError`` here and the caller shows the first document instead."""
    if kind not in KINDS:
        kind = "other"
    return Document.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=kind,
        source=source,
        request_item=request_item,
        proof_for=proof_for[:120],
        submit_key=submit_key[:40],
    )


def read_upload(uploaded_file: UploadedFile) -> bytes:
    """The upload's bytes; refuses oversized files before reading them into memory."""
    if uploaded_file.size is not None and uploaded_file.size > int(conf()["max_file_bytes"]):
        raise Refused("too_large")
    return b"".join(uploaded_file.chunks())


def document_page_add(
    *, request: HttpRequest | None, document: Document, uploaded_file: UploadedFile
) -> DocumentPage:
    """Check type, size and viruses, then store the original (encrypted, scratch area) and
    enqueue the page's processing. Raises ``Refused``; then nothing is stored."""
    if document.state != DocumentState.DRAFT:
        raise Refused("processing_failed", "document is not a draft")
    if document.pages.count() >= int(conf()["max_pages"]):
        raise Refused("too_many_pages")
    data = read_upload(uploaded_file)
    mime = run_intake(PageInput(data, uploaded_file.name or ""))
    key, key_id = storage.put(document.jobcenter, "scratch", "", data)
    try:
        with transaction.atomic():
            last = document.pages.order_by("-position").values_list("position", flat=True)
            page = DocumentPage.objects.create(
                document=document,
                position=(last.first() or 0) + 1,
                original_name=(uploaded_file.name or "")[:200],
                mime=mime,
                original_key=key,
                key_id=key_id,
            )
            audit(
                request=request,
                action=AuditAction.CREATE,
                object_type="document_page",
                object_id=page.pk,
                jobcenter=document.jobcenter,
                subject=document.customer.user,
            )
            transaction.on_commit(lambda: _enqueue_page(page.pk))
    except Exception:
        storage.delete(key)  # nothing half-stored
        raise
    return page


def _enqueue_page(page_id: int) -> None:
    from openjobcenter.documents.tasks import process_page_task

    process_page_task.enqueue(page_id=page_id)


def _enqueue_document(document_id: int) -> None:
    from openjobcenter.documents.tasks import process_document_task

    process_document_task.enqueue(document_id=document_id)


@transaction.atomic
def document_page_remove(*, request: HttpRequest | None, page: DocumentPage) -> None:
    if page.document.state != DocumentState.DRAFT:
        raise ValidationError(_("Dieses Dokument ist schon gesendet."))
    keys = [page.original_key, page.cleaned_key, page.preview_key]
    page.delete()
    transaction.on_commit(lambda: storage.delete_many(keys))


@transaction.atomic
def document_submit(
    *,
    request: HttpRequest | None,
    document: Document,
    kind: str,
    order: list[int] | None = None,
    redactions: dict[int, list[list[float]]] | None = None,
    request_item: RequestItem | None = None,
    proof_for: str = "",
) -> Document:
    """Send the draft: its pages in ``order`` (page ids), the black-out rectangles per
    page id; processing continues in the task. ``proof_for``: see ``proof_links``."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.state != DocumentState.DRAFT:
        raise ValidationError(_("Dieses Dokument ist schon gesendet."))
    pages = {p.pk: p for p in document.pages.all()}
    if not pages:
        raise ValidationError(_("Bitte fügen Sie mindestens eine Seite hinzu."))
    ordered = [pid for pid in (order or []) if pid in pages]
    ordered += [pid for pid in sorted(pages, key=lambda k: pages[k].position) if pid not in ordered]
    for position, pid in enumerate(ordered, start=1):
        page = pages[pid]
        rects = _clean_rects((redactions or {}).get(pid, []))
        if rects and page.mime == "application/pdf":
            raise ValidationError(str(Refused("pdf_redaction").message))
        page.position, page.redactions = position, rects
        page.save(update_fields=["position", "redactions"])
    document.kind = kind if kind in KINDS else "other"
    if request_item is not None:
        document.request_item = request_item
    if proof_for:
        document.proof_for = proof_for[:120]
    document.original_names = ", ".join(p.original_name for p in pages.values())[:500]
    document.state = DocumentState.PROCESSING
    document.submitted_at = document.processing_since = timezone.now()
    document.save()
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type=OBJ,
        object_id=document.pk,
        jobcenter=document.jobcenter,
        subject=document.customer.user,
        detail=f"kind={document.kind} pages={len(pages)}"
        + (f" for={document.proof_for}" if document.proof_for else ""),
    )
    transaction.on_commit(lambda: _enqueue_document(document.pk))
    home_changed(document.customer.user_id)
    queue_changed(jobcenter_id=document.jobcenter_id, module="documents")
    return document


def _clean_rects(raw: object) -> list[list[float]]:
    """Validated rectangles [x, y, w, h] inside 0..1; anything else is dropped."""
    rects: list[list[float]] = []
    if not isinstance(raw, list):
        return rects
    for item in raw[:50]:
        if not (isinstance(item, list | tuple) and len(item) == 4):
            continue
        try:
            x, y, w, h = (min(1.0, max(0.0, float(v))) for v in item)
        except (TypeError, ValueError):
            continue
        if w > 0 and h > 0:
            rects.append([x, y, w, h])
    return rects


@transaction.atomic
def document_retry(*, request: HttpRequest | None, document: Document) -> Document:
    """Process a failed document again, or one still processing past its deadline (its
    worker may have died). A slow first run that finishes after all does no harm: only
    the first run to finish stores its result (``_still_processing``)."""
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if document.state != DocumentState.FAILED and not document.processing_overdue:
        raise ValidationError(_("Dieses Dokument muss nicht neu verarbeitet werden."))
    was = document.state
    document.state = DocumentState.PROCESSING
    document.failure_detail = ""
    document.processing_since = timezone.now()
    document.save(update_fields=["state", "failure_detail", "processing_since"])
    document.pages.filter(state=PageState.FAILED).update(state=PageState.PENDING)
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type=OBJ,
        object_id=document.pk,
        jobcenter=document.jobcenter,
        subject=document.customer.user,
        detail=f"retry from {was}",
    )
    transaction.on_commit(lambda: _enqueue_document(document.pk))
    return document


def document_store_attachment(
    *,
    request: HttpRequest | None,
    customer: CustomerProfile,
    uploaded_file: UploadedFile,
    kind: str = "other",
    source: str = "chat",
    request_item: RequestItem | None = None,
) -> Document:
    """One file as a document through the same checks and pipeline (chat attachments).

    Raises ``pipeline.Refused`` (``.message`` is the customer's text) when the file is
    refused; then nothing is stored. The returned document is PROCESSING; with the
    immediate task backend (tests) it is already RECEIVED or REFUSED; a REFUSED one says
    why in ``refusal_message`` (e.g. no page on the photo).
    """
    with transaction.atomic():
        document = document_draft_create(
            request=request, customer=customer, kind=kind, source=source, request_item=request_item
        )
        document_page_add(request=request, document=document, uploaded_file=uploaded_file)
        document_submit(request=request, document=document, kind=kind)
    document.refresh_from_db()
    return document

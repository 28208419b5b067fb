"""Every change to documents and requests (DESIGN §4.1: one write path per action).

Upload flow: ``document_draft_create`` → ``document_page_add`` (intake checks run here;
a refused file is never stored; the original goes encrypted to the scratch area and the
page task is enqueued) → ``document_submit`` (enqueues ``process_document``, which
finishes every page, burns in redactions, assembles the PDF, runs OCR). A step that
crashes leaves the document FAILED with its originals kept; ``document_retry`` runs it
again, as it does for a document still processing past its deadline
(``DOCUMENTS["processing_deadline_s"]``: its worker may have died). The tasks are
idempotent: a run that finds the document finished by another run drops its result.
"""

from __future__ import annotations

import hashlib
import logging
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openjobcenter.core import failpoints
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents import outcome_hooks, storage
from openjobcenter.documents.conf import conf
from openjobcenter.documents.kinds import KINDS
from openjobcenter.documents.models import (
    DELIVERED_STATES,
    Document,
    DocumentPage,
    DocumentState,
    PageState,
    RequestItem,
    Source,
)
from openjobcenter.documents.pipeline import (
    DocumentResult,
    PageInput,
    PageOutput,
    Refused,
    run_intake,
)
from openjobcenter.documents.services_requests import (
    RequestItemInput,
    _mail_customer,
    document_request_create,
    document_requests_remind_due,
)
from openjobcenter.documents.services_retention import (
    document_settings_update,
    documents_retention_run,
    retention_until,
    settings_for,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile

log = logging.getLogger(__name__)

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
OBJ = "document"
GREY_KINDS = frozenset({"identity_document", "residence_permit"})
REVIEW_STATES = (DocumentState.CHECKED, DocumentState.ACCEPTED, DocumentState.NEW_COPY_NEEDED)
MAX_REASON = 1000


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


# --- processing (tasks) -----------------------------------------------------------------


def page_process(*, page_id: int) -> DocumentPage | None:
    """Run the page steps on the stored original; READY with a cleaned page and preview,
    REFUSED with a message code, or FAILED (original kept) when a step crashed."""
    from openjobcenter.documents.pipeline import run_page

    page = DocumentPage.objects.select_related("document__jobcenter").filter(pk=page_id).first()
    if page is None or page.state == PageState.READY:
        return page
    jobcenter = page.document.jobcenter
    try:
        data = storage.get(jobcenter, page.original_key)
        out = run_page(
            PageInput(data, page.original_name, grayscale=page.document.kind in GREY_KINDS)
        )
    except Refused as refused:
        page.state, page.message_code = PageState.REFUSED, refused.code
        page.save(update_fields=["state", "message_code"])
        return page
    except Exception:
        log.exception("document page %s: processing crashed", page_id)
        page.state, page.message_code = PageState.FAILED, "processing_failed"
        page.save(update_fields=["state", "message_code"])
        return page
    _store_page_output(page, out)
    _read_page(page, out)
    return page


def _read_page(page: DocumentPage, out: PageOutput) -> None:
    """OCR of one cleaned page right away, so the customer sees the kind suggestion
    before sending. Never fails the page."""
    from openjobcenter.documents.pipeline.assemble import ocr_page, tesseract_available

    if out.is_pdf or not conf()["ocr"] or not tesseract_available():
        return
    try:
        page.ocr_text = ocr_page(out)[:50_000]
    except Exception:
        log.exception("document page %s: OCR failed", page.pk)
        return
    page.save(update_fields=["ocr_text"])


def _store_page_output(page: DocumentPage, out: PageOutput) -> None:
    jobcenter = page.document.jobcenter
    cleaned, _k = storage.put(jobcenter, "pages", "", out.data)
    preview = storage.put(jobcenter, "previews", "", out.preview)[0] if out.preview else ""
    with transaction.atomic():
        # Two runs of the same page (a re-run after a lease ran out while the first was
        # only slow): the first to get here keeps its files, the second drops its own.
        current = DocumentPage.objects.select_for_update(of=("self",)).get(pk=page.pk)
        if current.state == PageState.READY:
            storage.delete_many([cleaned, preview])
            page.refresh_from_db()
            return
        old = [current.cleaned_key, current.preview_key]
        page.cleaned_key, page.preview_key = cleaned, preview
        page.mime = out.mime
        page.state, page.message_code = PageState.READY, ""
        page.save(update_fields=["cleaned_key", "preview_key", "mime", "state", "message_code"])
        transaction.on_commit(lambda: storage.delete_many([k for k in old if k]))


def page_output(page: DocumentPage) -> PageOutput:
    data = storage.get(page.document.jobcenter, page.cleaned_key)
    return PageOutput(
        mime=page.mime,
        data=data,
        preview=b"",
        dpi=int(conf()["dpi"]),
        pdf_pages=_pdf_pages(data) if page.mime == "application/pdf" else 1,
        results=(),
    )


def _pdf_pages(data: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def document_process(*, document_id: int) -> Document | None:
    """Finish every page, then assemble, OCR and store the PDF (the document task).

    Once the document is received, refused or failed, the registered outcome hooks run
    after the commit (``documents.outcome_hooks``: the chat says when a photo sent in a
    conversation could not be used)."""
    document = Document.objects.select_related("jobcenter").filter(pk=document_id).first()
    if document is None or document.state != DocumentState.PROCESSING:
        return document
    document = _process(document)
    # The run that stored the outcome tells about it, not a second run that dropped its own.
    if document.state != DocumentState.PROCESSING and not getattr(
        document, "finished_elsewhere", False
    ):
        transaction.on_commit(partial(outcome_hooks.run, document))
    return document


def _process(document: Document) -> Document:
    from openjobcenter.documents.pipeline import run_document

    for page in document.pages.exclude(state__in=(PageState.READY, PageState.REFUSED)):
        page_process(page_id=page.pk)
    pages = list(document.pages.all())
    if any(p.state == PageState.FAILED for p in pages):
        return _fail(document, "page processing crashed")
    ready = [p for p in pages if p.state == PageState.READY]
    if not ready:
        codes = sorted({p.message_code for p in pages if p.message_code})
        return _refuse(document, codes[0] if codes else "damaged")
    failpoints.hit("documents.process")
    try:
        outputs = [page_output(p) for p in ready]
        result = run_document(
            outputs,
            redactions=[[(r[0], r[1], r[2], r[3]) for r in p.redactions] for p in ready],
            ocr=bool(conf()["ocr"]),
            known_texts=[p.ocr_text or None for p in ready],
        )
    except Refused as refused:
        return _refuse(document, refused.code)
    except Exception as exc:
        log.exception("document %s: assembly crashed", document.pk)
        return _fail(document, type(exc).__name__)
    return _deliver(document, ready, result)


def _still_processing(document: Document) -> bool:
    """Lock the document (until the caller's transaction ends) and tell whether this run
    may still store its outcome: a re-run (lease expired, customer's retry) and a slow
    first run may both reach the end; only the first one to lock it stores anything."""
    state = (
        Document.objects.select_for_update(of=("self",))
        .filter(pk=document.pk)
        .values_list("state", flat=True)
        .first()
    )
    if state != DocumentState.PROCESSING:
        log.info("document %s: another run finished it (%s); result dropped", document.pk, state)
        document.refresh_from_db()
        document.finished_elsewhere = True  # type: ignore[attr-defined]
        return False
    return True


@transaction.atomic
def _deliver(document: Document, ready: list[DocumentPage], result: DocumentResult) -> Document:
    from openjobcenter.documents.pipeline.imaging import decode_page, make_preview

    if not _still_processing(document):
        return document
    jobcenter = document.jobcenter
    key, key_id = storage.put(jobcenter, "documents", ".pdf", result.pdf)
    keep = settings_for(jobcenter).keep_originals
    scratch: list[str] = []
    for page in ready:
        if page.redactions:
            # The preview showed the page before blacking out: render it again.
            pixels = decode_page(storage.get(jobcenter, page.cleaned_key)).copy()
            h, w = pixels.shape
            for x, y, rw, rh in page.redactions:
                pixels[int(y * h) : int((y + rh) * h) + 1, int(x * w) : int((x + rw) * w) + 1] = 0
            scratch.append(page.preview_key)
            preview = make_preview(pixels, grey=page.mime == "image/jpeg")
            page.preview_key = storage.put(jobcenter, "previews", "", preview)[0]
            page.ocr_text = ""  # it was read before blacking out: it must not survive
        scratch.append(page.cleaned_key)  # the PDF holds the page now
        page.cleaned_key = ""
        if not keep:
            scratch.append(page.original_key)
            page.original_key = ""
        page.save(update_fields=["cleaned_key", "original_key", "preview_key", "ocr_text"])
    for page in document.pages.exclude(state=PageState.READY):
        scratch.append(page.original_key)
    now = timezone.now()
    document.file_key, document.key_id = key, key_id
    document.size_bytes = len(result.pdf)
    document.sha256 = hashlib.sha256(result.pdf).hexdigest()
    document.page_count = result.pages
    document.original_names = ", ".join(p.original_name for p in ready)[:500]
    document.is_original_pdf = len(ready) == 1 and ready[0].mime == "application/pdf"
    document.ocr_text = result.ocr_text[:200_000]
    document.suggested_kind = result.suggested_kind
    document.state = DocumentState.RECEIVED
    document.processed_at = now
    document.delete_after = retention_until(document, now.date())
    document.save()
    if document.request_item_id:
        RequestItem.objects.filter(pk=document.request_item_id, fulfilled_at=None).update(
            fulfilled_at=now
        )
    transaction.on_commit(lambda: storage.delete_many(scratch))
    return document


@transaction.atomic
def _fail(document: Document, detail: str) -> Document:
    if not _still_processing(document):
        return document
    document.state = DocumentState.FAILED
    document.failure_detail = detail[:300]
    document.save(update_fields=["state", "failure_detail"])
    return document


@transaction.atomic
def _refuse(document: Document, code: str) -> Document:
    if not _still_processing(document):
        return document
    document.state = DocumentState.REFUSED
    document.refusal_code = code
    document.save(update_fields=["state", "refusal_code"])
    for page in document.pages.all():
        storage.delete(page.original_key)
    document.pages.update(original_key="")
    return document


# --- staff: review ----------------------------------------------------------------------


class ReviewConflict(Exception):  # noqa: N818 - a domain outcome, like StepConflict
    """Someone reviewed the document after the form was rendered; nothing was written.

    ``document`` is the stored (newer) review: the caller shows it, keeps the person's own
    input, and offers to save again with ``base_version=document.review_version``."""

    def __init__(self, document: Document) -> None:
        super().__init__(f"document {document.pk} was reviewed meanwhile")
        self.document = document


@transaction.atomic
def document_review(
    *,
    request: HttpRequest,
    document: Document,
    state: str,
    reason: str = "",
    base_version: int,
) -> Document:
    """Mark checked, accepted or "new copy needed" (with a reason the customer sees).

    ``base_version`` is the ``review_version`` the reviewer saw. The write is one
    conditional UPDATE on that version, so of two reviewers who saw the same version
    exactly one wins (on PostgreSQL the second UPDATE waits for the first's row lock and
    then matches nothing); the other gets ``ReviewConflict`` with the winner's decision.
    """
    if state not in REVIEW_STATES:
        raise ValidationError({"state": _("Bitte wählen Sie ein Ergebnis.")})
    if not document.is_delivered:
        raise ValidationError(_("Dieses Dokument ist noch nicht eingegangen."))
    reason = reason.strip()[:MAX_REASON]
    if state == DocumentState.NEW_COPY_NEEDED and not reason:
        raise ValidationError(
            {"reason": _("Bitte schreiben Sie, warum eine neue Kopie nötig ist.")}
        )
    reason = reason if state == DocumentState.NEW_COPY_NEEDED else ""
    now = timezone.now()
    written = Document.objects.filter(
        pk=document.pk, review_version=base_version, state__in=DELIVERED_STATES
    ).update(
        state=state,
        reason=reason,
        reviewed_by=request.user,
        reviewed_at=now,
        review_version=F("review_version") + 1,
    )
    if not written:
        current = Document.objects.select_related("reviewed_by", "customer__user").get(
            pk=document.pk
        )
        if not current.is_delivered:
            raise ValidationError(_("Dieses Dokument ist noch nicht eingegangen."))
        if (current.state, current.reason) == (state, reason):
            # The same decision is stored already (a double click, or two people who
            # agree): nothing would be overwritten, so there is nothing to warn about.
            return current
        raise ReviewConflict(current)
    document.state, document.reason = state, reason
    document.reviewed_by = request.user  # type: ignore[assignment]
    document.reviewed_at = now
    document.review_version = base_version + 1
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type=OBJ,
        object_id=document.pk,
        jobcenter=document.jobcenter,
        subject=document.customer.user,
        detail=f"state={state} version={document.review_version}",
    )
    if state == DocumentState.NEW_COPY_NEEDED:
        _mail_customer(
            document.customer,
            gettext_noop("Bitte senden Sie eine Unterlage noch einmal"),
            gettext_noop(
                "Ihr Jobcenter braucht eine Unterlage noch einmal. Bitte sehen Sie in Ihrem "
                "Bereich nach."
            ),
            "customer:documents",
        )
    return document

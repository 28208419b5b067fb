"""Processing of uploaded documents (DESIGN §4.5), run by the tasks.

``page_process`` runs the page steps on a stored original (cleaned page, preview, OCR
for the kind suggestion); ``document_process`` finishes every page, burns in redactions,
assembles the PDF and runs OCR, then delivers the document (``_deliver``), refuses it
(``_refuse``) or leaves it FAILED with its originals kept (``_fail``). The runs are
idempotent: one that finds the document finished by another drops its result.
"""

from __future__ import annotations

import hashlib
import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from openjobcenter.core import failpoints
from openjobcenter.documents import outcome_hooks, storage
from openjobcenter.documents.conf import conf
from openjobcenter.documents.models import (
    Document,
    DocumentPage,
    DocumentState,
    PageState,
)
from openjobcenter.documents.pipeline import (
    DocumentResult,
    PageInput,
    PageOutput,
    Refused,
)
from openjobcenter.documents.services_links import proofs_on_receipt
from openjobcenter.documents.services_retention import (
    retention_until,
    settings_for,
)
from openjobcenter.home.realtime import home_changed, queue_changed

# The name the log records had before this module was split out of services.py.
log = logging.getLogger("openjobcenter.documents.services")

GREY_KINDS = frozenset({"identity_document", "residence_permit"})


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
    row = (
        Document.objects.select_for_update(of=("self",))
        .filter(pk=document.pk)
        .values_list("state", "request_item_id", "proof_for", "kind")
        .first()
    )
    state = row[0] if row else None
    if row is not None:
        # Linked to a proof while it was processing (services_links): keep that link.
        document.request_item_id, document.proof_for, document.kind = row[1], row[2], row[3]
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
    proofs_on_receipt(document, now)
    transaction.on_commit(lambda: storage.delete_many(scratch))
    # Received: the request item it answers (if any) leaves the customer's home; the
    # staff queue counts it as unchecked.
    home_changed(document.customer.user_id)
    queue_changed(document.jobcenter_id)
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

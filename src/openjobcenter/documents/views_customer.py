"""Customer pages under ``/<jc>/mein-bereich/unterlagen/``: my documents and requests,
capture/upload (JS: each page sent alone to a draft; without JS: one plain form), the
receipt and downloads. Lookups go through ``selectors`` (404 for "not yours"), every
change through ``services``."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.core.access import customer_required, request_customer
from openjobcenter.documents import proof_links, selectors, services, storage
from openjobcenter.documents.forms import UploadForm
from openjobcenter.documents.kinds import KINDS
from openjobcenter.documents.models import Document, DocumentPage, DocumentState, PageState
from openjobcenter.documents.pipeline import Refused
from openjobcenter.documents.pipeline.assemble import suggest_kind
from openjobcenter.documents.pipeline.base import message
from openjobcenter.documents.receipt import receipt_pdf
from openjobcenter.tenants.modules import require_module

MODULE = "documents"


def _page_json(page: DocumentPage, jc: str) -> dict[str, Any]:
    preview = ""
    if page.state == PageState.READY and page.preview_key:
        preview = reverse(
            "customer:document_page_preview",
            kwargs={"jc": jc, "document": page.document_id, "pk": page.pk},
        )
    suggested = suggest_kind(page.ocr_text) if page.ocr_text else ""
    return {
        "id": page.pk,
        "state": page.state,
        "suggested_kind": suggested,
        "suggestion": (
            _("Das sieht nach „%(label)s“ aus.") % {"label": KINDS[suggested].label}
            if suggested
            else ""
        ),
        "name": page.original_name,
        "is_pdf": page.mime == "application/pdf",
        "message": message(page.message_code) if page.message_code else "",
        "preview": preview,
        "status_url": reverse(
            "customer:document_page",
            kwargs={"jc": jc, "document": page.document_id, "pk": page.pk},
        ),
    }


@require_GET
@require_module(MODULE)
@customer_required
def documents(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    return render(
        request,
        "documents/customer_documents.html",
        {
            "documents": selectors.documents_for_customer(customer)[:100],
            "requests": selectors.requests_for_customer(customer)[:20],
        },
    )


def _initial_kind(request: HttpRequest, items: list[Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {"once": secrets.token_urlsafe(16)}
    kind = request.GET.get("kind", "")
    if kind in KINDS:
        initial["kind"] = kind
    item = request.GET.get("item", "")
    if item.isdigit():
        for candidate in items:
            if candidate.pk == int(item):
                initial["item"] = candidate.pk
                initial.setdefault("kind", candidate.kind)
    proof = request.GET.get("proof", "")
    if proof:
        initial["proof"] = proof
    return initial


def _stale_item(request: HttpRequest, raw: str, items: list[Any]) -> HttpResponse | None:
    """The page for a link to a request item that is no longer open (already received):
    it says so and links the receipt, instead of an empty form or a 404."""
    if not raw.isdigit() or any(i.pk == int(raw) for i in items):
        return None
    item = selectors.closed_item_for_customer(request_customer(request), int(raw))
    if item is None:
        return None
    status = 200 if request.method == "GET" else 409
    return render(
        request,
        "documents/customer_stale.html",
        {"item": item, "doc": selectors.delivered_document_of_item(item)},
        status=status,
    )


def _already_sent(request: HttpRequest, jc: str, doc: Document) -> HttpResponse:
    """A second tap on "Senden" (or a resent form): show the first one, send nothing."""
    messages.info(request, _("Diese Unterlage haben Sie schon gesendet. Hier sehen Sie den Stand."))
    return redirect("customer:document", jc=jc, pk=doc.pk)


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@customer_required
def document_upload(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    items = list(selectors.open_items_for_customer(customer))
    source = request.GET if request.method != "POST" else request.POST
    stale = _stale_item(request, str(source.get("item", "")), items)
    if stale is not None:
        return stale
    # A proof token not made for this customer is a 404 before anything is stored.
    proof_for = proof_links.read(customer, source["proof"]) if source.get("proof") else ""
    if request.method != "POST":
        form = UploadForm(initial=_initial_kind(request, items), items=items)
        return render(request, "documents/customer_upload.html", {"form": form})
    form = UploadForm(request.POST, request.FILES, items=items)
    if not form.is_valid():
        return render(request, "documents/customer_upload.html", {"form": form}, status=422)
    data = form.cleaned_data
    item = selectors.get_item_for_customer(customer, data["item"]) if data.get("item") else None
    once = data.get("once") or ""
    if data.get("draft"):
        document = selectors.get_document_for_customer(customer, data["draft"])
        if document.state != DocumentState.DRAFT:
            return _already_sent(request, jc, document)
    else:
        earlier = selectors.document_by_submit_key(customer, once)
        if earlier is not None:
            return _already_sent(request, jc, earlier)
        try:
            document = services.document_draft_create(
                request=request,
                customer=customer,
                kind=data["kind"],
                request_item=item,
                submit_key=once,
            )
        except IntegrityError:
            # The first tap's request created it a moment ago.
            earlier = selectors.document_by_submit_key(customer, once)
            if earlier is None:
                raise
            return _already_sent(request, jc, earlier)
    refused: list[str] = []
    for upload in data.get("uploads") or []:
        try:
            services.document_page_add(request=request, document=document, uploaded_file=upload)
        except Refused as exc:
            refused.append(f"{upload.name}: {exc.message}")
    for line in refused:
        form.add_error("uploads", line)
    if not document.pages.exists():
        return render(request, "documents/customer_upload.html", {"form": form}, status=422)
    try:
        services.document_submit(
            request=request,
            document=document,
            kind=data["kind"],
            order=data.get("order") or [],
            redactions=data.get("redactions") or {},
            request_item=item,
            proof_for=proof_for,
        )
    except ValidationError as exc:
        document.refresh_from_db()
        if document.state != DocumentState.DRAFT:
            return _already_sent(request, jc, document)
        form.add_error(None, exc)
        return render(request, "documents/customer_upload.html", {"form": form}, status=422)
    for line in refused:
        messages.error(request, line)
    messages.success(request, _("Vielen Dank. Wir haben Ihre Unterlage erhalten."))
    return redirect("customer:document", jc=jc, pk=document.pk)


@require_POST
@require_module(MODULE)
@customer_required
def document_page_upload(request: HttpRequest, jc: str) -> JsonResponse:
    """One page at a time (the JS module): answers with the cleaned preview or the hint."""
    customer = request_customer(request)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": message("empty")}, status=422)
    draft_id = request.POST.get("draft", "")
    if draft_id.isdigit():
        document = selectors.get_draft_for_customer(customer, int(draft_id))
    else:
        kind = request.POST.get("kind", "other")
        document = services.document_draft_create(request=request, customer=customer, kind=kind)
    try:
        page = services.document_page_add(request=request, document=document, uploaded_file=upload)
    except Refused as exc:
        return JsonResponse({"draft": document.pk, "error": exc.message}, status=422)
    page.refresh_from_db()
    return JsonResponse({"draft": document.pk, "page": _page_json(page, jc)})


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@customer_required
def document_page(request: HttpRequest, jc: str, document: int, pk: int) -> JsonResponse:
    """GET: the page's state (polled while the worker cleans it). POST: remove it."""
    page = selectors.get_page_for_customer(request_customer(request), document, pk)
    if request.method == "POST":
        try:
            services.document_page_remove(request=request, page=page)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=409)
        return JsonResponse({"removed": pk})
    return JsonResponse({"draft": document, "page": _page_json(page, jc)})


@require_GET
@require_module(MODULE)
@customer_required
def document_page_preview(request: HttpRequest, jc: str, document: int, pk: int) -> HttpResponse:
    page = selectors.get_page_for_customer(request_customer(request), document, pk)
    if not page.preview_key:
        raise Http404
    return _private(
        HttpResponse(storage.get(page.document.jobcenter, page.preview_key), "image/png")
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@require_module(MODULE)
@customer_required
def document(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    doc = selectors.get_document_for_customer(request_customer(request), pk)
    if doc.state == DocumentState.DRAFT:
        raise Http404
    pages = list(doc.pages.all())
    return render(
        request,
        "documents/customer_document.html",
        {
            "doc": doc,
            "pages": pages,
            "refused_pages": [(p, message(p.message_code)) for p in pages if p.message_code],
            "refusal": doc.refusal_message,
            "suggested": KINDS.get(doc.suggested_kind) if doc.suggested_kind != doc.kind else None,
            "processing": doc.state == DocumentState.PROCESSING and not doc.processing_overdue,
            "overdue": doc.processing_overdue,
        },
    )


@require_POST
@require_module(MODULE)
@customer_required
def document_retry(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    doc = selectors.get_document_for_customer(request_customer(request), pk)
    try:
        services.document_retry(request=request, document=doc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("customer:document", jc=jc, pk=pk)


def pdf_response(doc: Document, data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@require_GET
@require_module(MODULE)
@customer_required
def document_file(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    doc = selectors.get_document_for_customer(request_customer(request), pk)
    if not doc.file_key:
        raise Http404
    return pdf_response(doc, storage.get(doc.jobcenter, doc.file_key), f"unterlage-{doc.pk}.pdf")


@require_GET
@require_module(MODULE)
@customer_required
def document_receipt(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    doc = selectors.get_document_for_customer(request_customer(request), pk)
    if not doc.is_delivered:
        raise Http404
    return pdf_response(doc, receipt_pdf(doc), f"eingangsbestaetigung-{doc.pk}.pdf")

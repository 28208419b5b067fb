"""Tenant-scoped reads of documents and requests (DESIGN §4.2): 404 for "not yours"."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.sealed_fields import word_match, words
from openjobcenter.documents.models import (
    DELIVERED_STATES,
    Document,
    DocumentPage,
    DocumentRequest,
    DocumentState,
    RequestItem,
    ocr_scope,
)
from openjobcenter.tenants.models import Jobcenter


def documents_for_customer(
    customer: CustomerProfile, kinds: list[str] | None = None
) -> QuerySet[Document]:
    """The customer's documents (no drafts), newest first; optionally only some kinds."""
    qs = Document.objects.filter(customer=customer, jobcenter=customer.jobcenter).exclude(
        state=DocumentState.DRAFT
    )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.select_related("request_item")


def get_document_for_customer(customer: CustomerProfile, pk: int) -> Document:
    try:
        return Document.objects.select_related("jobcenter", "customer__user").get(
            pk=pk, customer=customer, jobcenter=customer.jobcenter
        )
    except Document.DoesNotExist:
        raise Http404 from None


def get_draft_for_customer(customer: CustomerProfile, pk: int) -> Document:
    document = get_document_for_customer(customer, pk)
    if document.state != DocumentState.DRAFT:
        raise Http404
    return document


def get_page_for_customer(customer: CustomerProfile, document_pk: int, pk: int) -> DocumentPage:
    try:
        return DocumentPage.objects.select_related("document__jobcenter").get(
            pk=pk,
            document_id=document_pk,
            document__customer=customer,
            document__jobcenter=customer.jobcenter,
        )
    except DocumentPage.DoesNotExist:
        raise Http404 from None


def documents_of_jobcenter(jobcenter: Jobcenter) -> QuerySet[Document]:
    return Document.objects.filter(jobcenter=jobcenter, state__in=DELIVERED_STATES).select_related(
        "customer__user"
    )


def search_documents(
    jobcenter: Jobcenter,
    *,
    customer: CustomerProfile | None = None,
    kinds: list[str] | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
    text: str = "",
) -> QuerySet[Document]:
    qs = documents_of_jobcenter(jobcenter)
    if customer is not None:
        qs = qs.filter(customer=customer)
    if kinds is not None:  # need-to-know: only these kinds (``core.need_to_know``)
        qs = qs.filter(kind__in=kinds)
    if kind:
        qs = qs.filter(kind=kind)
    if since:
        qs = qs.filter(submitted_at__date__gte=since)
    if until:
        qs = qs.filter(submitted_at__date__lte=until)
    # The OCR text is sealed: it is found through its blind index, by whole words (any
    # case); the file names are plain and matched in part.
    scope = ocr_scope(jobcenter.storage_id)
    for word in text.split()[:5]:
        found = Q(original_names__icontains=word)
        parts = words(word)
        if parts:
            by_text = Q()
            for part in parts[:5]:
                by_text &= word_match("ocr_index", part, scope)
            found |= by_text
        qs = qs.filter(found)
    return qs


def get_document_for_staff(jobcenter: Jobcenter, pk: int) -> Document:
    try:
        return documents_of_jobcenter(jobcenter).select_related("jobcenter").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404 from None


def get_page_for_staff(jobcenter: Jobcenter, document_pk: int, pk: int) -> DocumentPage:
    document = get_document_for_staff(jobcenter, document_pk)
    try:
        return document.pages.select_related("document__jobcenter").get(pk=pk)
    except DocumentPage.DoesNotExist:
        raise Http404 from None


def _with_items(qs: QuerySet[DocumentRequest]) -> QuerySet[DocumentRequest]:
    return qs.prefetch_related(
        Prefetch("items", queryset=RequestItem.objects.order_by("position")),
        # Each item's answers, for "erhalten am … (Eingangsbestätigung)" on the lists.
        Prefetch(
            "items__documents",
            queryset=Document.objects.exclude(state=DocumentState.DRAFT).select_related(
                "jobcenter"
            ),
        ),
    )


def requests_for_customer(customer: CustomerProfile) -> QuerySet[DocumentRequest]:
    return _with_items(
        DocumentRequest.objects.filter(customer=customer, jobcenter=customer.jobcenter)
    )


def open_items_for_customer(customer: CustomerProfile) -> QuerySet[RequestItem]:
    return RequestItem.objects.filter(
        request__customer=customer, request__jobcenter=customer.jobcenter, fulfilled_at=None
    ).select_related("request")


def get_item_for_customer(customer: CustomerProfile, pk: int) -> RequestItem:
    try:
        return open_items_for_customer(customer).get(pk=pk)
    except RequestItem.DoesNotExist:
        raise Http404 from None


def closed_item_for_customer(customer: CustomerProfile, pk: int) -> RequestItem | None:
    """This customer's request item that is already fulfilled (for the stale-link page)."""
    return (
        RequestItem.objects.filter(
            pk=pk, request__customer=customer, request__jobcenter=customer.jobcenter
        )
        .exclude(fulfilled_at=None)
        .select_related("request")
        .first()
    )


def delivered_document_of_item(item: RequestItem) -> Document | None:
    """The document that fulfilled a request item (its receipt is what the lists link)."""
    return item.documents.filter(state__in=DELIVERED_STATES).order_by("processed_at", "pk").first()


def document_by_submit_key(customer: CustomerProfile, key: str) -> Document | None:
    if not key:
        return None
    return Document.objects.filter(customer=customer, submit_key=key).first()


def requests_of_customer_for_staff(
    jobcenter: Jobcenter, customer: CustomerProfile
) -> QuerySet[DocumentRequest]:
    return _with_items(DocumentRequest.objects.filter(jobcenter=jobcenter, customer=customer))


def request_by_submit_key(
    jobcenter: Jobcenter, customer: CustomerProfile, key: str
) -> DocumentRequest | None:
    """The request a staff form with this one-time key already made (a second tap)."""
    if not key:
        return None
    return DocumentRequest.objects.filter(
        jobcenter=jobcenter, customer=customer, submit_key=key[:40]
    ).first()


def get_request_for_staff(jobcenter: Jobcenter, pk: int) -> DocumentRequest:
    try:
        return _with_items(
            DocumentRequest.objects.filter(jobcenter=jobcenter).select_related("customer__user")
        ).get(pk=pk)
    except DocumentRequest.DoesNotExist:
        raise Http404 from None


def retention_report(jobcenter: Jobcenter | None = None) -> list[dict[str, object]]:
    """Per job centre and kind: how many documents, the earliest deletion date."""
    from django.db.models import Count, Min

    qs = Document.objects.exclude(delete_after=None)
    if jobcenter is not None:
        qs = qs.filter(jobcenter=jobcenter)
    rows = (
        qs.values("jobcenter__slug", "kind")
        .annotate(count=Count("pk"), next_deletion=Min("delete_after"))
        .order_by("jobcenter__slug", "kind")
    )
    return list(rows)


def chat_attachment_document(customer: CustomerProfile, pk: int) -> Document | None:
    """The document that went through the pipeline as one of this customer's chat
    attachments (the chat has already checked who may read the conversation), or None."""
    return (
        Document.objects.select_related("jobcenter")
        .filter(pk=pk, customer=customer, jobcenter=customer.jobcenter)
        .exclude(state=DocumentState.DRAFT)
        .first()
    )

"""``/api/v1/documents/{jc}/...``: a customer's documents and open requests, for apps.

Customers authenticate with the session (plus CSRF) or a personal bearer token. Every
lookup is scoped to the job centre in the path and to the caller's own customer profile:
someone else's document is a 404, like a missing one. Uploads from apps go through the
same pipeline as the web form: ``POST /{jc}/upload`` with one file (multipart, field
``file``) and a ``kind``; a refused file is a 422 with the customer's message.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.api.auth import auth_user, session_or_token
from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.core.access import api_customer
from openjobcenter.documents import selectors, services
from openjobcenter.documents.kinds import KINDS, all_kinds
from openjobcenter.documents.models import Document
from openjobcenter.documents.pipeline import Refused
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["documents"])


class KindOut(Schema):
    key: str
    label: str


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    reason: str
    pages: int
    sha256: str
    submitted_at: datetime | None
    file_url: str | None
    receipt_url: str | None


class ItemOut(Schema):
    id: int
    kind: str
    label: str
    reason: str
    fulfilled: bool


class RequestOut(Schema):
    id: int
    deadline: date
    explanation: str
    items: list[ItemOut]


def _customer(request: HttpRequest, jc: str) -> CustomerProfile:
    jobcenter: Jobcenter | None = getattr(request, "jobcenter", None)
    if jobcenter is None or jobcenter.slug != jc:
        jobcenter = get_jobcenter_by_slug(jc)
    if not is_enabled(jobcenter, "documents"):
        raise Http404
    # The caller's own, or with X-Acting-For the customer they represent (api/acting.py).
    return api_customer(request, auth_user(request), jobcenter, "documents")


def _document(doc: Document) -> dict[str, Any]:
    from django.urls import reverse

    kw = {"jc": doc.jobcenter.slug, "pk": doc.pk}
    delivered = doc.is_delivered
    reason = doc.refusal_message or doc.reason
    return {
        "id": doc.pk,
        "kind": doc.kind,
        "kind_label": doc.kind_label,
        "state": doc.state,
        "state_label": str(doc.get_state_display()),
        "reason": reason,
        "pages": doc.page_count,
        "sha256": doc.sha256,
        "submitted_at": doc.submitted_at,
        "file_url": reverse("customer:document_file", kwargs=kw) if doc.file_key else None,
        "receipt_url": reverse("customer:document_receipt", kwargs=kw) if delivered else None,
    }


@router.get("/kinds", response=list[KindOut], auth=None, summary="The kinds of document")
def list_kinds(request: HttpRequest) -> Any:
    return [{"key": k.key, "label": str(k.label)} for k in all_kinds()]


@router.get(
    "/{jc}/documents",
    response={200: list[DocumentOut], 404: ErrorOut},
    auth=session_or_token,
    summary="The customer's documents, newest first",
)
def list_documents(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc)
    return [_document(d) for d in selectors.documents_for_customer(customer)[:200]]


@router.get(
    "/{jc}/documents/{pk}",
    response={200: DocumentOut, 404: ErrorOut},
    auth=session_or_token,
    summary="One of the customer's documents",
)
def get_document(request: HttpRequest, jc: str, pk: int) -> Any:
    doc = selectors.get_document_for_customer(_customer(request, jc), pk)
    if doc.state == "draft":
        raise Http404
    return _document(doc)


@router.get(
    "/{jc}/requests",
    response={200: list[RequestOut], 404: ErrorOut},
    auth=session_or_token,
    summary="Documents the job centre asks the customer for",
)
def list_requests(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc)
    return [
        {
            "id": r.pk,
            "deadline": r.deadline,
            "explanation": r.explanation,
            "items": [
                {
                    "id": i.pk,
                    "kind": i.kind,
                    "label": i.label,
                    "reason": i.reason,
                    "fulfilled": i.fulfilled_at is not None,
                }
                for i in r.items.all()
            ],
        }
        for r in selectors.requests_for_customer(customer)[:50]
    ]


@router.post(
    "/{jc}/upload",
    response={200: DocumentOut, 404: ErrorOut, 422: ValidationErrorOut},
    auth=session_or_token,
    summary="Send one file as a document (same checks and pipeline as the web form)",
)
def upload(
    request: HttpRequest,
    jc: str,
    file: File[UploadedFile],
    kind: Form[str] = "other",
    item: Form[int | None] = None,
) -> Any:
    customer = _customer(request, jc)
    if kind not in KINDS:
        return Status(422, {"detail": "kind: unknown kind of document"})
    request_item = selectors.get_item_for_customer(customer, item) if item else None
    try:
        doc = services.document_store_attachment(
            request=request,
            customer=customer,
            uploaded_file=file,
            kind=kind,
            source="upload",
            request_item=request_item,
        )
    except Refused as refused:
        return Status(422, {"detail": refused.message})
    return Status(200, _document(doc))

"""Links from a sent document to the proof it answers on another module's list.

A module that lists proofs (the application's "Was Sie mitbringen / hochladen sollten")
names each proof with a reference string, e.g. ``application:12:payslip:p2``. It hands
the upload page a token signed for *this* customer and that reference; the upload stores
the reference in ``Document.proof_for``. The documents module never needs to know what an
application is, and a customer cannot link a document to another person's list: a token
made for someone else, or tampered with, is a 404 before anything is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.http import Http404

from openjobcenter.documents.models import Document, DocumentState

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.accounts.models import CustomerProfile

SALT = "openjobcenter.documents.proof_for"
MAX_REF = 120


def sign(customer: CustomerProfile, ref: str) -> str:
    """The token the upload page accepts for ``ref`` (only from this customer)."""
    return signing.dumps({"c": customer.pk, "r": ref[:MAX_REF]}, salt=SALT)


def read(customer: CustomerProfile, token: str) -> str:
    """The reference in ``token``; 404 when it is not a token made for this customer."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(data, dict) or data.get("c") != customer.pk or not data.get("r"):
        raise Http404
    return str(data["r"])[:MAX_REF]


def documents_for(customer: CustomerProfile, prefix: str) -> QuerySet[Document]:
    """This customer's sent documents whose reference starts with ``prefix``, newest
    first (drafts are not sent yet and do not count)."""
    return (
        Document.objects.filter(
            customer=customer, jobcenter=customer.jobcenter, proof_for__startswith=prefix
        )
        .exclude(state=DocumentState.DRAFT)
        .order_by("-submitted_at", "-pk")
    )


def latest_by_ref(customer: CustomerProfile, prefix: str) -> dict[str, Document]:
    """Per reference the document that tells its state: the newest one received if any
    (a later failed try does not undo a receipt), else the newest try (processing, refused,
    or sent back for a new copy)."""
    out: dict[str, Document] = {}
    for doc in documents_for(customer, prefix):
        current = out.get(doc.proof_for)
        if current is None or (is_received(doc) and not is_received(current)):
            out[doc.proof_for] = doc
    return out


def is_received(doc: Document | None) -> bool:
    """Received and not sent back for a new copy."""
    return doc is not None and doc.is_received

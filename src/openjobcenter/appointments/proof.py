"""A proof for "Ich kann den Termin nicht wahrnehmen" (e.g. a sick note), kept by the
documents module.

The appointments module does not store files itself: when the documents module is
switched on for the job centre, the file goes through its checks and pipeline
(``documents.services.document_store_attachment``) and the appointment keeps a link to
the resulting document. Without the documents module the customer is told to hand the
proof in later, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openjobcenter.tenants.modules import is_enabled

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.documents.models import Document
    from openjobcenter.tenants.models import Jobcenter

PROOF_KIND = "sick_note"


class ProofRefused(Exception):  # noqa: N818 - reads as the outcome
    """The documents module refused the file; ``message`` is the customer's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def proof_upload_available(jobcenter: Jobcenter) -> bool:
    """Whether customers of ``jobcenter`` can attach a proof to the cannot-come form."""
    if not is_enabled(jobcenter, "documents"):
        return False
    try:
        from openjobcenter.documents import services as document_services
    except ImportError:  # pragma: no cover - an installation without the documents app
        return False
    return hasattr(document_services, "document_store_attachment")


def proof_store(
    *, request: HttpRequest | None, customer: CustomerProfile, uploaded_file: UploadedFile
) -> Document:
    """Hand the file to the documents module; ``ProofRefused`` when it refuses it (then
    it has stored nothing)."""
    from openjobcenter.documents.pipeline.base import Refused
    from openjobcenter.documents.services import document_store_attachment

    try:
        return document_store_attachment(
            request=request,
            customer=customer,
            uploaded_file=uploaded_file,
            kind=PROOF_KIND,
            source="upload",
        )
    except Refused as refused:
        raise ProofRefused(refused.message) from None


def proof_later_url(jobcenter: Jobcenter) -> str | None:
    """Where a customer sends a proof later, if not with the cannot-come form.

    The page must say the same as the form the customer just used: when that form offered
    an upload (documents module on), the proof goes later through the documents module's
    upload, preset to a sick note; otherwise (``None``) by post or at the reception.
    """
    if not proof_upload_available(jobcenter):
        return None
    from urllib.parse import urlencode

    from django.urls import reverse

    url = reverse("customer:document_upload", kwargs={"jc": jobcenter.slug})
    return f"{url}?{urlencode({'kind': PROOF_KIND})}"

"""The receipt (Eingangsbestätigung) as a PDF/A-3b made by WeasyPrint: the binding German
text, and beneath it the same in the customer's language (web/pdf.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.documents.models import Document
from openjobcenter.tenants.letterhead import letterhead
from openjobcenter.web.pdf import binding_receipt_html, write_pdf


def receipt_html(document: Document) -> str:
    return binding_receipt_html(
        "documents/pdf/receipt_body.html",
        {
            "doc": document,
            "jobcenter": document.jobcenter,
            "letterhead": letterhead(document.jobcenter),
            "now": timezone.now(),
        },
        title=_("Eingangsbestätigung"),
        language=document.customer.user.preferred_language,
    )


def receipt_pdf(document: Document) -> bytes:
    return write_pdf(receipt_html(document))

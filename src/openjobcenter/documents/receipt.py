"""The receipt (Eingangsbestätigung) as a PDF/A-3b made by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from openjobcenter.documents.models import Document
from openjobcenter.tenants.letterhead import letterhead


def receipt_pdf(document: Document) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string(
        "documents/receipt.html",
        {
            "doc": document,
            "jobcenter": document.jobcenter,
            "letterhead": letterhead(document.jobcenter),
            "now": timezone.now(),
        },
    )
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/a-3b"))

"""The objection's receipt (Eingangsbestätigung) as PDF/A, drawn by WeasyPrint like the
documents' and applications' receipts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from openjobcenter.postbox.selectors import notice_dates
from openjobcenter.tenants.letterhead import letterhead

if TYPE_CHECKING:
    from openjobcenter.postbox.models import Objection


def objection_receipt(objection: Objection) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    notice = objection.notice
    html = render_to_string(
        "postbox/objection_receipt.html",
        {
            "objection": objection,
            "notice": notice,
            "dates": notice_dates(notice),
            "jobcenter": objection.jobcenter,
            "letterhead": letterhead(objection.jobcenter),
            "name": objection.customer.user.display_name,
            "now": timezone.now(),
        },
    )
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/a-3b"))

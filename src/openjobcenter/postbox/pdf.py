"""The objection's receipt (Eingangsbestätigung) as PDF/A, drawn by WeasyPrint like the
documents' and applications' receipts: the binding German text, and beneath it the same
in the customer's language (web/pdf.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.postbox.selectors import notice_dates
from openjobcenter.tenants.letterhead import letterhead
from openjobcenter.web.pdf import binding_receipt_html, write_pdf

if TYPE_CHECKING:
    from openjobcenter.postbox.models import Objection


def objection_receipt_html(objection: Objection) -> str:
    notice = objection.notice
    user = objection.customer.user
    return binding_receipt_html(
        "postbox/pdf/objection_receipt_body.html",
        {
            "objection": objection,
            "notice": notice,
            "dates": notice_dates(notice),
            "jobcenter": objection.jobcenter,
            "letterhead": letterhead(objection.jobcenter),
            "name": user.display_name,
            "now": timezone.now(),
        },
        title=_("Eingangsbestätigung Widerspruch"),
        language=user.preferred_language,
    )


def objection_receipt(objection: Objection) -> bytes:
    return write_pdf(objection_receipt_html(objection))

"""The customer card's print version (PDF/A, credit-card size), in the reader's language
and direction (web/pdf.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.translation import get_language

from openjobcenter.cards.qr import qr_svg
from openjobcenter.tenants.letterhead import letterhead
from openjobcenter.web.pdf import language_direction, write_pdf

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.cards.selectors import CardView


def card_html(view: CardView, *, request: HttpRequest | None) -> str:
    language = get_language() or "de"
    return render_to_string(
        "cards/card_print.html",
        {
            "view": view,
            "card": view.card,
            "qr": qr_svg(view.card.payload, scale=4),
            "letterhead": letterhead(view.card.jobcenter),
            "pdf_lang": language,
            "pdf_dir": language_direction(language),
        },
        request=request,
    )


def card_pdf(view: CardView, *, request: HttpRequest | None) -> bytes:
    return write_pdf(card_html(view, request=request))

"""PDF/A documents of an application, drawn with WeasyPrint from escaped templates.

The summary is always German (it is the job centre's record): every question and answer,
reference, filing date and the SHA-256 of the submitted data. The receipt
(Eingangsbestätigung) names only reference, dates and the job centre's contact line; for a
customer who reads another language it adds a translation of its core beneath the German
text, which alone is legally binding (docs/languages.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from openjobcenter.applications import engine
from openjobcenter.applications.proofs import derive_proofs
from openjobcenter.applications.selectors import settings_for
from openjobcenter.tenants.letterhead import letterhead
from openjobcenter.web.pdf import Translation, beside_german, font_config, write_pdf

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application

__all__ = ["font_config", "receipt_html", "render_receipt", "render_summary"]

# What other apps add to the summary PDF (context name -> rows for the application):
# the co-signing adults of the household (``mandates``, issue 25 §4).
_summary_extras: dict[str, Callable[[Application], Any]] = {}


def register_summary_extra(name: str, rows: Callable[[Application], Any]) -> None:
    _summary_extras[name] = rows


# The translated part has no title of its own: the heading names the document.
RECEIPT_HEADING = pgettext_lazy("receipt", "Eingangsbestätigung – Übersetzung")


def _write(html: str) -> bytes:
    # ``font_config`` looked up here, at call time: bench/applications_submit.py swaps it.
    return write_pdf(html, fonts=font_config())


def _common(application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "jobcenter": application.jobcenter,
        "letterhead": letterhead(application.jobcenter),
        # Once, from the account: the answers repeat the name in their own rows.
        "applicant": application.customer.user.display_name,
        "filed_at": timezone.localtime(application.filed_at) if application.filed_at else None,
        "submitted_at": timezone.localtime(application.submitted_at)
        if application.submitted_at
        else None,
        "created": timezone.localtime(timezone.now()),
    }


def render_summary(application: Application) -> bytes:
    """The complete application as PDF/A, in German."""
    with translation.override("de"):
        definition = engine.get_definition(application.form_key, application.form_version)
        context = {
            **_common(application),
            "title": application.official_title,
            "form": definition,
            "sections": engine.summary_sections(application),
            "proofs": derive_proofs(application),
            **{name: rows(application) for name, rows in _summary_extras.items()},
        }
        html = render_to_string("applications/pdf/summary.html", context)
        return _write(html)


def receipt_translation(
    application: Application, language: str, context: dict[str, Any] | None = None
) -> Translation | None:
    """The receipt's core in the customer's language, None for German."""
    context = context or _receipt_context(application)
    return beside_german(
        language,
        lambda: render_to_string("applications/pdf/receipt_translation.html", context),
        heading=RECEIPT_HEADING,
    )


def _receipt_context(application: Application) -> dict[str, Any]:
    return {
        **_common(application),
        "title": application.official_title,
        "contact": settings_for(application.jobcenter).receipt_contact,
    }


def receipt_html(application: Application) -> str:
    """The receipt's HTML: German, and beneath it the translation (when not German)."""
    context = _receipt_context(application)
    language = application.customer.user.preferred_language
    translated = receipt_translation(application, language, context)
    with translation.override("de"):
        return render_to_string(
            "applications/pdf/receipt.html", {**context, "translated": translated}
        )


def render_receipt(application: Application) -> bytes:
    """The receipt (Eingangsbestätigung) as PDF/A: German, and beneath it a translation
    into the customer's language when that is not German."""
    return _write(receipt_html(application))

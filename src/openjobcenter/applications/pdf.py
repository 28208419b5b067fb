"""PDF/A documents of an application, drawn with WeasyPrint from escaped templates.

The summary is always German (it is the job centre's record): every question and answer,
reference, filing date and the SHA-256 of the submitted data. The receipt
(Eingangsbestätigung) names only reference, dates and the job centre's contact line; for a
customer who reads another language it adds a translation of its core beneath the German
text, which alone is legally binding (docs/languages.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext

from openjobcenter.applications import engine
from openjobcenter.applications.proofs import derive_proofs
from openjobcenter.applications.selectors import settings_for
from openjobcenter.core.languages import usable_language
from openjobcenter.tenants.letterhead import letterhead

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    from openjobcenter.applications.models import Application

PDF_VARIANT = "pdf/a-3b"

# What other apps add to the summary PDF (context name -> rows for the application):
# the co-signing adults of the household (``mandates``, issue 25 §4).
_summary_extras: dict[str, Callable[[Application], Any]] = {}


def register_summary_extra(name: str, rows: Callable[[Application], Any]) -> None:
    _summary_extras[name] = rows


_fonts = threading.local()


def font_config() -> FontConfiguration:
    """This thread's WeasyPrint font configuration, made once (issue 19).

    Without one, every render makes its own, and with it Pango's font map: every font
    the document uses is looked up and loaded again (about a tenth of a receipt's
    render). The documents load no fonts of their own (no ``@font-face``), so nothing
    of one document stays in it for the next; per thread, since Pango's font map is not
    shared between threads. WeasyPrint is imported here, not with the module: the
    module is loaded at every process start (tasks, views), WeasyPrint only by the
    processes that render (0.4 s of CPU per start otherwise)."""
    from weasyprint.text.fonts import FontConfiguration

    found: FontConfiguration | None = getattr(_fonts, "config", None)
    if found is None:
        found = _fonts.config = FontConfiguration()
    return found


def _write(html: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=html, base_url=None)
    # Tagged (structure tree, language) so screen readers can read the PDF, too.
    return bytes(
        document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, font_config=font_config()) or b""
    )


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


def receipt_translation(application: Application, language: str) -> dict[str, str] | None:
    """The receipt's core in the customer's language, None for German."""
    language = usable_language(language)
    if language == "de":
        return None
    with translation.override(language):
        return {
            "lang": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "heading": pgettext("receipt", "Eingangsbestätigung – Übersetzung"),
            "note": pgettext(
                "receipt",
                "Diese Übersetzung ist eine Hilfe für Sie. Rechtlich gilt der deutsche Text oben.",
            ),
            "confirm": pgettext("receipt", "%(jobcenter)s bestätigt den Eingang Ihres Antrags.")
            % {"jobcenter": letterhead(application.jobcenter)["title"]},
            "application": pgettext("receipt", "Antrag"),
            "reference": pgettext("receipt", "Aktenzeichen"),
            "filed": pgettext("receipt", "Antragsdatum"),
            "legal": pgettext(
                "receipt",
                "Ihr Antrag gilt ab diesem Datum als gestellt. Bürgergeld kann ab dem Ersten"
                " dieses Monats gezahlt werden (§ 37 SGB II).",
            ),
        }


def render_receipt(application: Application) -> bytes:
    """The receipt (Eingangsbestätigung) as PDF/A: German, and beneath it a translation
    into the customer's language when that is not German."""
    translated = receipt_translation(application, application.customer.user.preferred_language)
    with translation.override("de"):
        context = {
            **_common(application),
            "title": application.official_title,
            "contact": settings_for(application.jobcenter).receipt_contact,
            "translated": translated,
        }
        html = render_to_string("applications/pdf/receipt.html", context)
        return _write(html)

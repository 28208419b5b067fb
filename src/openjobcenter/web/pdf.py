"""What every PDF the platform draws with WeasyPrint shares (issue 23): writing it as a
tagged PDF/A, its text direction, and a receipt's translation beside the German text.

Receipts (Eingangsbestätigungen) are binding in German. For a customer who reads another
language, a receipt shows the German text first and then the same content in their
language, marked as a help only (``beside_german`` and the template part
``web/pdf/translation.html``). Right-to-left languages (ar, fa, fa-af) get ``dir="rtl"``.

WeasyPrint knows ``dir="ltr"``/``dir="rtl"`` but neither ``dir="auto"`` nor
``unicode-bidi: isolate``: a ``<bdi>`` without a direction takes the paragraph's. What a
person typed, names, numbers, references, IBANs and dates are therefore isolated with an
explicit direction, found from their first strong letter (``direction_of``; template
filters ``bdi`` and ``text_dir`` in ``{% load pdf %}``). Each such inline is laid out on
its own and placed in the line's order, so "Jonas Becker" stays whole in Farsi text.

Fonts: the PDFs ask for "DejaVu Sans" (Debian's fonts-dejavu-core), which has the Arabic
letters, the Persian ones (پ چ ژ گ ک ی) and the OpenType tables (``arab`` script) that
Pango/HarfBuzz shape them with; no further font package is needed.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext, pgettext_lazy

from openjobcenter.core.languages import usable_language

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

PDF_VARIANT = "pdf/a-3b"
GERMAN = "de"

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


def write_pdf(html: str, *, fonts: FontConfiguration | None = None) -> bytes:
    """The HTML as a tagged PDF/A-3b (structure tree and language, for screen readers).

    No base URL: the documents load nothing from outside (images are data: URLs)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=html, base_url=None)
    return bytes(
        document.write_pdf(
            pdf_variant=PDF_VARIANT, pdf_tags=True, font_config=fonts or font_config()
        )
        or b""
    )


def language_direction(code: str) -> str:
    """``rtl`` for a right-to-left language (ar, fa, fa-af), else ``ltr``."""
    with translation.override(code):
        return "rtl" if translation.get_language_bidi() else "ltr"


def direction_of(text: object, default: str = "ltr") -> str:
    """The direction of a text by its first strong letter, as ``dir="auto"`` finds it
    (Unicode bidi classes L against R/AL); ``default`` for digits and signs only."""
    for char in str(text or ""):
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


@dataclass(frozen=True)
class Translation:
    """A receipt's content in the customer's language, shown beneath the German text."""

    lang: str
    dir: str
    heading: str
    note: str
    body: SafeString


# The translation's heading; a receipt whose translated part has no title of its own
# passes a fuller one (the application's: "Eingangsbestätigung – Übersetzung").
TRANSLATION_HEADING = pgettext_lazy("receipt", "Übersetzung")


def beside_german(
    language: str | None, render: Callable[[], str], *, heading: str | Promise = TRANSLATION_HEADING
) -> Translation | None:
    """``render()`` in the customer's language, with a heading and the note that only the
    German text is binding; None when that language is German (or not offered any more,
    which means German too)."""
    code = usable_language(language)
    if code == GERMAN:
        return None
    with translation.override(code):
        return Translation(
            lang=code,
            dir=language_direction(code),
            heading=str(heading),
            note=pgettext(
                "receipt",
                "Diese Übersetzung ist eine Hilfe für Sie. Rechtlich gilt der deutsche Text oben.",
            ),
            # The template part escapes everything it inserts; its result is HTML.
            body=mark_safe(render()),
        )


def in_german(render: Callable[[], str]) -> SafeString:
    """``render()`` in German: the binding text of a receipt, whatever the request's
    language."""
    with translation.override(GERMAN):
        return mark_safe(render())


def binding_receipt_html(
    body: str, context: dict[str, Any], *, title: str | Promise, language: str | None
) -> str:
    """A receipt's whole HTML (``web/pdf/receipt.html``): the template part ``body`` in
    German, the binding text, then the same part in ``language`` beneath it. ``title``
    is the German document title (lazy messages are turned into text in German). The
    part knows it is the translation by ``is_translation`` (long texts the customer typed
    are shown once, in the German part)."""
    from django.template.loader import render_to_string

    german = in_german(lambda: render_to_string(body, context))
    translated = beside_german(
        language, lambda: render_to_string(body, {**context, "is_translation": True})
    )
    with translation.override(GERMAN):
        return render_to_string(
            "web/pdf/receipt.html",
            {**context, "title": str(title), "german": german, "translated": translated},
        )

"""Contract of the pipeline: the context a step works on, typed results, refusals."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# What a customer is told, by code (the code is stored; the text is rendered in the
# reader's language when shown).
MESSAGES: dict[str, Promise] = {
    "empty": _("Die Datei ist leer. Bitte wählen Sie sie noch einmal aus."),
    "wrong_type": _(
        "Diese Datei können wir nicht annehmen. Bitte senden Sie ein Foto "
        "(JPEG, PNG, HEIC) oder ein PDF."
    ),
    "too_large": _("Die Datei ist zu groß. Bitte senden Sie eine kleinere Datei."),
    "too_many_pixels": _(
        "Das Bild ist zu groß (zu viele Bildpunkte). Bitte senden Sie ein normales Foto."
    ),
    "damaged": _("Die Datei ist beschädigt oder unvollständig. Bitte senden Sie sie noch einmal."),
    "virus": _(
        "In der Datei wurde Schadsoftware gefunden. Wir haben sie nicht gespeichert. "
        "Bitte prüfen Sie Ihr Gerät."
    ),
    "scanner_unavailable": _(
        "Die Datei kann gerade nicht geprüft werden. Bitte versuchen Sie es später noch einmal."
    ),
    "pdf_encrypted": _(
        "Das PDF ist mit einem Passwort geschützt. Bitte senden Sie es ohne Passwort."
    ),
    "pdf_javascript": _(
        "Das PDF enthält Programme (JavaScript). Bitte senden Sie ein einfaches PDF "
        "oder ein Foto der Seiten."
    ),
    "pdf_attachments": _(
        "Das PDF enthält angehängte Dateien. Bitte senden Sie die Dateien einzeln."
    ),
    "pdf_too_many_pages": _(
        "Das PDF hat zu viele Seiten. Bitte teilen Sie es auf oder senden Sie nur die "
        "nötigen Seiten."
    ),
    "too_dark": _("Das Foto ist zu dunkel – bitte bei mehr Licht noch einmal."),
    "blurred": _("Das Foto ist unscharf – bitte noch einmal."),
    "no_page": _("Auf dem Foto ist keine Seite zu erkennen – bitte das ganze Blatt fotografieren."),
    "too_many_pages": _("Das sind zu viele Seiten für ein Dokument."),
    "pdf_redaction": _(
        "In einem PDF können Sie nichts schwärzen. Bitte fotografieren Sie die Seiten, "
        "dann können Sie Stellen schwärzen."
    ),
    "processing_failed": _(
        "Die Verarbeitung ist fehlgeschlagen. Ihre Datei ist gespeichert; bitte versuchen "
        "Sie es noch einmal."
    ),
}


def message(code: str) -> str:
    return str(MESSAGES.get(code, MESSAGES["processing_failed"]))


class Refused(Exception):  # noqa: N818 - reads as the outcome, like Http404
    """The input is not acceptable; ``code`` names the customer's message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    @property
    def message(self) -> str:
        return message(self.code)


@dataclass(frozen=True)
class StepResult:
    """What one step did: its name, seconds spent and a few measured figures."""

    step: str
    seconds: float
    detail: dict[str, float | int | str | bool] = field(default_factory=dict)


@dataclass
class PageInput:
    data: bytes
    filename: str = ""
    # Grey output for photos of ID cards and similar, where bilevel would lose the picture.
    grayscale: bool = False


@dataclass
class PageContext:
    """The mutable state a page passes through the steps with."""

    input: PageInput
    mime: str = ""
    pixels: tuple[int, int] = (0, 0)
    # Colour (BGR, uint8) after orientation; then the flat grey page.
    image: NDArray[np.uint8] | None = None
    page: NDArray[np.uint8] | None = None
    quad: list[tuple[float, float]] | None = None
    bilevel: bool = True
    output: bytes = b""
    output_mime: str = ""
    preview: bytes = b""
    dpi: int = 200
    pdf_pages: int = 0
    results: list[StepResult] = field(default_factory=list)


@dataclass(frozen=True)
class PageOutput:
    """A cleaned page (TIFF G4 or JPEG at ``dpi``) with a PNG/JPEG preview, or a kept PDF."""

    mime: str  # "image/tiff", "image/jpeg" or "application/pdf"
    data: bytes
    preview: bytes
    dpi: int
    pdf_pages: int
    results: tuple[StepResult, ...]

    @property
    def is_pdf(self) -> bool:
        return self.mime == "application/pdf"


@dataclass(frozen=True)
class DocumentResult:
    pdf: bytes
    pages: int
    ocr_text: str
    suggested_kind: str
    results: tuple[StepResult, ...]


class PageStep(ABC):
    """One job on one page. Raise ``Refused`` for input the customer must replace."""

    name: ClassVar[str]

    def applies(self, ctx: PageContext) -> bool:
        return True

    @abstractmethod
    def run(self, ctx: PageContext) -> dict[str, float | int | str | bool]: ...

    def __call__(self, ctx: PageContext) -> StepResult:
        start = time.perf_counter()
        detail = self.run(ctx)
        result = StepResult(self.name, time.perf_counter() - start, detail)
        ctx.results.append(result)
        return result

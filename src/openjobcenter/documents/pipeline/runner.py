"""The ordered step lists and the functions that run them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openjobcenter.core import metrics
from openjobcenter.documents.conf import conf
from openjobcenter.documents.pipeline import assemble as doc
from openjobcenter.documents.pipeline.base import (
    DocumentResult,
    PageContext,
    PageInput,
    PageOutput,
    PageStep,
    Refused,
)
from openjobcenter.documents.pipeline.imaging import (
    Compress,
    CorrectPerspective,
    Deskew,
    DetectPage,
    EvenLight,
    QualityCheck,
    StripMetadata,
)
from openjobcenter.documents.pipeline.intake import (
    CheckPdf,
    CheckPixels,
    CheckSize,
    SniffType,
    VirusScan,
)

# Run by the upload request before anything is stored: an infected or hostile file is
# refused without ever reaching the storage. The scan comes before the type check so
# that malware is named as such whatever its type.
INTAKE_STEPS: tuple[PageStep, ...] = (
    CheckSize(),
    VirusScan(),
    SniffType(),
    CheckPixels(),
    CheckPdf(),
)

PAGE_STEPS: tuple[PageStep, ...] = (
    *INTAKE_STEPS,
    StripMetadata(),
    DetectPage(),
    CorrectPerspective(),
    Deskew(),
    QualityCheck(),
    EvenLight(),
    Compress(),
)

DOCUMENT_STEPS: tuple[Callable[[doc.DocumentContext], None], ...] = (
    doc.redact,
    doc.assemble,
    doc.ocr,
    doc.suggest,
)


def _counted(name: str, run: Callable[[], None]) -> None:
    """Runs one step and counts its outcome (``ojc_document_pipeline_steps_total``)."""
    try:
        run()
    except Refused:
        metrics.pipeline_step(name, "refused")
        raise
    except Exception:
        metrics.pipeline_step(name, "error")
        raise
    metrics.pipeline_step(name, "ok")


def _run(steps: Sequence[PageStep], page: PageInput) -> PageContext:
    ctx = PageContext(input=page, dpi=int(conf()["dpi"]))
    for step in steps:
        if step.applies(ctx):
            _counted(type(step).__name__, lambda step=step: step(ctx))  # type: ignore[misc]
    return ctx


def run_intake(page: PageInput) -> str:
    """Type, size and virus scan; returns the sniffed type or raises ``Refused``."""
    return _run(INTAKE_STEPS, page).mime


def run_page(page: PageInput, steps: Sequence[PageStep] = PAGE_STEPS) -> PageOutput:
    """One uploaded file through every page step; raises ``Refused`` with a message code."""
    ctx = _run(steps, page)
    if not ctx.output:
        msg = "pipeline produced no output"
        raise RuntimeError(msg)
    return PageOutput(
        mime=ctx.output_mime,
        data=ctx.output,
        preview=ctx.preview,
        dpi=ctx.dpi,
        pdf_pages=ctx.pdf_pages or 1,
        results=tuple(ctx.results),
    )


def run_document(
    pages: list[PageOutput],
    *,
    redactions: list[list[doc.Rect]] | None = None,
    ocr: bool = False,
    known_texts: list[str | None] | None = None,
) -> DocumentResult:
    """Cleaned pages → one PDF; OCR and the kind suggestion when asked."""
    if not pages:
        msg = "a document needs at least one page"
        raise ValueError(msg)
    if len(pages) > int(conf()["max_pages"]):
        raise Refused("too_many_pages")
    ctx = doc.DocumentContext(
        pages=list(pages),
        redactions=redactions or [[] for _ in pages],
        ocr=ocr,
        known_texts=known_texts or [],
    )
    for doc_step in DOCUMENT_STEPS:
        _counted(doc_step.__name__, lambda doc_step=doc_step: doc_step(ctx))  # type: ignore[misc]
    return DocumentResult(
        pdf=ctx.pdf,
        pages=sum(p.pdf_pages if p.is_pdf else 1 for p in ctx.pages),
        ocr_text=ctx.ocr_text,
        suggested_kind=ctx.suggested_kind,
        results=tuple(ctx.results),
    )

"""Document steps: redactions burnt in, one PDF (PDF/A-1b for photo pages), OCR, kind."""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import img2pdf  # type: ignore[import-untyped]
import numpy as np
import pikepdf
from PIL import Image, ImageCms

from openjobcenter.documents.pipeline import tesseract
from openjobcenter.documents.pipeline.base import PageOutput, Refused, StepResult
from openjobcenter.documents.pipeline.imaging import decode_page, encode_page, make_preview

Rect = tuple[float, float, float, float]


@dataclass
class DocumentContext:
    pages: list[PageOutput]
    redactions: list[list[Rect]]
    ocr: bool
    # Text already read from a page (its page task); used when the page is not redacted.
    known_texts: list[str | None] = field(default_factory=list)
    pdf: bytes = b""
    ocr_text: str = ""
    suggested_kind: str = ""
    results: list[StepResult] = field(default_factory=list)


def _timed(
    ctx: DocumentContext, name: str, start: float, **detail: float | int | str | bool
) -> None:
    ctx.results.append(StepResult(name, time.perf_counter() - start, dict(detail)))


def burn_redactions(page: PageOutput, rects: list[Rect]) -> PageOutput:
    """Overwrite the rectangles' pixels with black in the page raster itself, then encode
    again: the content is gone from the file, not hidden under a box."""
    pixels = decode_page(page.data).copy()
    h, w = pixels.shape
    for x, y, rw, rh in rects:
        x0, y0 = max(0, int(x * w)), max(0, int(y * h))
        x1, y1 = min(w, int((x + rw) * w) + 1), min(h, int((y + rh) * h) + 1)
        pixels[y0:y1, x0:x1] = 0
    data, mime = encode_page(pixels, bilevel=page.mime == "image/tiff", dpi=page.dpi)
    return replace(
        page, data=data, mime=mime, preview=make_preview(pixels, grey=mime == "image/jpeg")
    )


def redact(ctx: DocumentContext) -> None:
    start = time.perf_counter()
    count = 0
    for i, rects in enumerate(ctx.redactions):
        if not rects:
            continue
        if ctx.pages[i].is_pdf:
            raise Refused("pdf_redaction")
        ctx.pages[i] = burn_redactions(ctx.pages[i], rects)
        count += len(rects)
    _timed(ctx, "redaction", start, rectangles=count)


@lru_cache(maxsize=1)
def srgb_profile_path() -> str:
    """img2pdf's PDF/A mode needs an ICC profile file for the output intent."""
    folder = Path(tempfile.gettempdir()) / "openjobcenter"
    folder.mkdir(exist_ok=True)
    path = folder / "sRGB.icc"
    if not path.exists():
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(profile.tobytes())
        shutil.move(tmp, path)
    return str(path)


def images_to_pdf(pages: list[PageOutput]) -> bytes:
    a4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
    layout = img2pdf.get_layout_fun(a4, fit=img2pdf.FitMode.into, auto_orient=True)
    result = img2pdf.convert(
        [p.data for p in pages],
        layout_fun=layout,
        pdfa=srgb_profile_path(),
        creator="OpenJobcenter",
        producer="OpenJobcenter",
        nodate=False,
    )
    if result is None:
        msg = "img2pdf returned nothing"
        raise RuntimeError(msg)
    return bytes(result)


def assemble(ctx: DocumentContext) -> None:
    start = time.perf_counter()
    if len(ctx.pages) == 1 and ctx.pages[0].is_pdf:
        # A clean uploaded PDF is kept byte for byte.
        ctx.pdf = ctx.pages[0].data
        _timed(ctx, "assembly", start, kept=True)
        return
    if not any(p.is_pdf for p in ctx.pages):
        ctx.pdf = images_to_pdf(ctx.pages)
        _timed(ctx, "assembly", start, kept=False, pdfa=True)
        return
    # Photos and PDFs mixed: concatenate in the customer's order (no PDF/A claim).
    out = pikepdf.new()
    for page in ctx.pages:
        part = page.data if page.is_pdf else images_to_pdf([page])
        with pikepdf.open(io.BytesIO(part)) as src:
            out.pages.extend(src.pages)
    buf = io.BytesIO()
    out.save(buf)
    ctx.pdf = buf.getvalue()
    _timed(ctx, "assembly", start, kept=False, pdfa=False)


def tesseract_available() -> bool:
    return tesseract.available() or shutil.which("tesseract") is not None


# Tesseract reads a cleaned page at 200 dpi as well as at 300 (its LSTM scales every text
# line to a fixed height anyway) for about two thirds of the work, and better: at 300 dpi
# the page's bilevel edges confuse it near table rules (issue 19, item 5; bench/documents.py
# prints both).
OCR_DPI = 200
# ``--psm 3``: automatic layout (columns, tables, letters) without orientation detection:
# the pipeline has already turned the page upright. ``tessedit_do_invert=0``: the pipeline's
# pages are dark text on white, so Tesseract need not try each line inverted as well.
OCR_CONFIG = "--psm 3 -c tessedit_do_invert=0"


def ocr_image(page: PageOutput) -> tuple[Image.Image, int]:
    """The page as Tesseract gets it: grey, reduced to ``OCR_DPI`` when finer (area
    averaging keeps the strokes' edges smooth), with the resolution it then has."""
    import cv2

    grey = decode_page(page.data)
    dpi = page.dpi
    if dpi > OCR_DPI:
        h, w = grey.shape
        size = (round(w * OCR_DPI / dpi), round(h * OCR_DPI / dpi))
        grey = np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
        dpi = OCR_DPI
    return Image.fromarray(np.asarray(grey)), dpi


def ocr_page(page: PageOutput) -> str:
    """The page's text. Tesseract runs on one core (``OMP_THREAD_LIMIT=1`` unless the
    operator set it: its OpenMP threads cost more CPU in total than they save in time, and
    the workers already run pages side by side)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    img, dpi = ocr_image(page)
    if tesseract.available():
        # In this process, the model loaded once per thread (the same library and
        # settings as the program below: ``pipeline/tesseract.py``).
        return tesseract.read(np.asarray(img), dpi)
    import pytesseract  # type: ignore[import-untyped]

    # Handed over as an uncompressed BMP: pytesseract would write a PNG, whose compression
    # of the grey page cost about a tenth of the OCR's CPU.
    with tempfile.NamedTemporaryFile(suffix=".bmp") as fh:
        img.save(fh, format="BMP")
        fh.flush()
        text = pytesseract.image_to_string(
            fh.name, lang=tesseract.LANG, config=f"{OCR_CONFIG} --dpi {dpi}"
        )
    return str(text)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join((p.extract_text() or "") for p in reader.pages[:20])


def ocr(ctx: DocumentContext) -> None:
    start = time.perf_counter()
    texts: list[str] = []
    ran = ctx.ocr and tesseract_available()
    for i, page in enumerate(ctx.pages):
        known = ctx.known_texts[i] if i < len(ctx.known_texts) else None
        if known is not None and not ctx.redactions[i]:
            texts.append(known)
        elif page.is_pdf:
            try:
                texts.append(pdf_text(page.data))
            except Exception:
                texts.append("")
        elif ran:
            texts.append(ocr_page(page))
    ctx.ocr_text = "\n\f".join(t.strip() for t in texts if t.strip())
    _timed(ctx, "ocr", start, ran=ran, characters=len(ctx.ocr_text))


# Keyword rules for the kind suggestion; each hit counts, the best kind with 2+ wins.
KIND_RULES: dict[str, tuple[str, ...]] = {
    "payslip": (
        "lohnabrechnung",
        "gehaltsabrechnung",
        "verdienstabrechnung",
        "entgeltabrechnung",
        "bruttolohn",
        "brutto",
        "netto",
        "lohnsteuer",
        "sozialversicherung",
        "auszahlungsbetrag",
    ),
    "bank_statement": ("kontoauszug", "kontostand", "saldo", "iban", "buchungstag", "valuta"),
    "tenancy_agreement": ("mietvertrag", "vermieter", "mieter", "mietsache", "kaltmiete"),
    "service_charge_statement": ("nebenkostenabrechnung", "betriebskosten", "nebenkosten"),
    "heating_bill": ("heizkostenabrechnung", "heizkosten", "heizung", "warmwasser"),
    "child_benefit_notice": ("kindergeld", "familienkasse"),
    "unemployment_benefit_notice": ("arbeitslosengeld", "agentur für arbeit"),
    "pension_notice": ("rentenbescheid", "rentenversicherung", "rente"),
    "housing_benefit_notice": ("wohngeld", "wohngeldbehörde"),
    "parental_benefit_notice": ("elterngeld", "elterngeldstelle"),
    "health_insurance_proof": ("krankenkasse", "krankenversicherung", "mitgliedsbescheinigung"),
    "sick_note": ("arbeitsunfähigkeit", "arbeitsunfähig", "au-bescheinigung"),
    "termination_notice": ("kündigung", "aufhebungsvertrag", "kündigen"),
    "employment_contract": ("arbeitsvertrag", "arbeitgeber", "arbeitnehmer", "probezeit"),
    "school_certificate": ("schulbescheinigung", "immatrikulation", "studienbescheinigung"),
    "registration_certificate": ("meldebescheinigung", "einwohnermeldeamt", "meldebehörde"),
}


def suggest_kind(text: str) -> str:
    lowered = text.lower()
    best, best_hits = "", 1
    for kind, words in KIND_RULES.items():
        hits = sum(len(re.findall(re.escape(word), lowered)) for word in words)
        if hits > best_hits:
            best, best_hits = kind, hits
    return best


def suggest(ctx: DocumentContext) -> None:
    start = time.perf_counter()
    ctx.suggested_kind = suggest_kind(ctx.ocr_text)
    _timed(ctx, "kind_suggestion", start, kind=ctx.suggested_kind)

"""Each pipeline step alone, on generated photos (rendered page, angle, texture, shadow,
noise, blur)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from openjobcenter.documents.pipeline import PageInput, Refused, run_document, run_page
from openjobcenter.documents.pipeline.assemble import OCR_DPI, ocr_image, suggest_kind
from openjobcenter.documents.pipeline.base import PageContext
from openjobcenter.documents.pipeline.imaging import (
    A4_MM,
    Compress,
    CorrectPerspective,
    Deskew,
    DetectPage,
    EvenLight,
    QualityCheck,
    StripMetadata,
    skew_angle,
)
from openjobcenter.documents.pipeline.intake import CheckPixels, SniffType, sniff
from openjobcenter.documents.synthetic import render_page
from tests.documents.conftest import empty_table, photo, png_bomb

pytestmark = pytest.mark.django_db


def ctx_for(data: bytes) -> PageContext:
    ctx = PageContext(input=PageInput(data))
    SniffType()(ctx)
    return ctx


def test_sniff_by_content() -> None:
    assert sniff(photo(1)) == "image/jpeg"
    buf = io.BytesIO()
    Image.new("L", (10, 10)).save(buf, format="PNG")
    assert sniff(buf.getvalue()) == "image/png"
    assert sniff(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 20) == "image/heif"
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"MZ\x90\x00") == ""
    assert sniff(b"<html>") == ""


def test_heic_is_accepted() -> None:
    from pillow_heif import from_pillow

    img = Image.open(io.BytesIO(photo(1)))
    buf = io.BytesIO()
    # x265's fastest preset: the test is about reading a HEIC, not about making one, and
    # the default preset took 3.5 s of CPU (0.45 s this way) for the same page.
    from_pillow(img).save(buf, quality=80, enc_params={"preset": "ultrafast"})
    out = run_page(PageInput(buf.getvalue(), "IMG_0001.HEIC"))
    assert out.mime == "image/tiff"


def test_pixel_limit_before_decoding() -> None:
    ctx = ctx_for(png_bomb())
    with pytest.raises(Refused) as refused:
        CheckPixels()(ctx)
    assert refused.value.code == "too_many_pixels"


def test_exif_gps_removed_and_orientation_applied() -> None:
    img = Image.new("RGB", (400, 200), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    exif[0x8825] = {1: "N", 2: (50.0, 33.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    ctx = ctx_for(buf.getvalue())
    result = StripMetadata()(ctx)
    assert result.detail["gps_removed"] is True
    assert ctx.image is not None
    assert ctx.image.shape[:2] == (400, 200)  # now portrait


def test_page_found_in_photo_and_missing_on_table() -> None:
    ctx = ctx_for(photo(1))
    StripMetadata()(ctx)
    result = DetectPage()(ctx)
    assert result.detail["found"] is True
    assert ctx.quad is not None
    xs = [x for x, _ in ctx.quad]
    assert max(xs) - min(xs) > 0.5 * ctx.image.shape[1]  # type: ignore[union-attr]
    empty = ctx_for(empty_table())
    StripMetadata()(empty)
    with pytest.raises(Refused) as refused:
        DetectPage()(empty)
    assert refused.value.code == "no_page"


def _through(steps: Sequence[Any], data: bytes) -> PageContext:
    ctx = ctx_for(data)
    for step in steps:
        step(ctx)
    return ctx


def test_perspective_gives_a4() -> None:
    ctx = _through([StripMetadata(), DetectPage(), CorrectPerspective()], photo(1))
    assert ctx.page is not None
    h, w = ctx.page.shape
    assert abs(h / w - A4_MM[1] / A4_MM[0]) < 0.01


def test_deskew_measures_and_fixes_rotation() -> None:
    page = np.asarray(render_page(1).image, dtype=np.uint8)
    h, w = page.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0)
    tilted = np.asarray(cv2.warpAffine(page, rot, (w, h), borderValue=255), dtype=np.uint8)
    assert abs(skew_angle(tilted) + 2.0) <= 0.5
    ctx = PageContext(input=PageInput(b""), mime="image/png", page=tilted)
    Deskew()(ctx)
    assert ctx.page is not None
    assert abs(skew_angle(ctx.page)) <= 0.5


def test_quality_hints() -> None:
    steps = [StripMetadata(), DetectPage(), CorrectPerspective(), QualityCheck()]
    _through(steps, photo(1))
    with pytest.raises(Refused) as blurred:
        _through(steps, photo(3, blur_sigma=7.0))
    assert blurred.value.code == "blurred"
    assert blurred.value.message == "Das Foto ist unscharf – bitte noch einmal."
    with pytest.raises(Refused) as dark:
        _through(steps, photo(4, darkness=0.2))
    assert dark.value.code == "too_dark"


def test_light_evened_out() -> None:
    ctx = _through([StripMetadata(), DetectPage(), CorrectPerspective()], photo(1))
    assert ctx.page is not None
    before = ctx.page[-300:-100, 100:-100]  # a text-free band at the bottom, with shadow
    EvenLight()(ctx)
    after = ctx.page[-300:-100, 100:-100]
    assert float(np.std(before)) > 5
    assert float(np.mean(after == 255)) > 0.99  # flat white paper
    assert set(np.unique(ctx.page)) <= {0, 255}


def test_compress_under_target() -> None:
    ctx = _through(
        [StripMetadata(), DetectPage(), CorrectPerspective(), Deskew(), EvenLight(), Compress()],
        photo(1),
    )
    assert ctx.output_mime == "image/tiff"
    assert len(ctx.output) < 200 * 1024
    assert ctx.preview.startswith(b"\x89PNG")


def test_grey_mode_for_id_cards() -> None:
    out = run_page(PageInput(photo(1), grayscale=True))
    assert out.mime == "image/jpeg"
    assert len(out.data) < 200 * 1024


def test_assembly_pdfa_and_pages() -> None:
    pages = [run_page(PageInput(photo(1))), run_page(PageInput(photo(2)))]
    result = run_document(pages)
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        assert len(pdf.pages) == 2
        assert "/OutputIntents" in pdf.Root
        assert pdf.open_metadata().pdfa_status == "1B"
        box = [float(v) for v in pdf.pages[0].MediaBox]
        assert abs(box[2] - 595.3) < 2 and abs(box[3] - 841.9) < 2


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_ocr_and_kind_suggestion() -> None:
    result = run_document([run_page(PageInput(photo(1)))], ocr=True)
    assert "Verdienstabrechnung" in result.ocr_text
    assert result.suggested_kind == "payslip"


def test_ocr_reads_a_fine_page_at_200_dpi_and_leaves_a_coarser_one() -> None:
    """Tesseract gets a 300 dpi page reduced to 200 dpi (less work, better reading of
    tables); a page at 200 dpi or less as it is."""
    fine = run_page(PageInput(photo(1)))
    assert fine.dpi == 300
    img, dpi = ocr_image(fine)
    assert dpi == OCR_DPI == 200
    assert abs(img.width - 1654) <= 1 and abs(img.height - 2339) <= 1
    coarse = replace(fine, dpi=150)
    img, dpi = ocr_image(coarse)
    assert dpi == 150 and (img.width, img.height) == Image.open(io.BytesIO(fine.data)).size


def test_kind_rules() -> None:
    assert suggest_kind("Kontoauszug Nr. 3, IBAN DE.., Saldo") == "bank_statement"
    assert suggest_kind("Mietvertrag zwischen Vermieter und Mieter") == "tenancy_agreement"
    assert suggest_kind("Guten Tag") == ""

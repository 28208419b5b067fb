"""What issue 19's second pass on item 5 changed to save CPU must not change a page: the
stored page and its PDF hold the same pixels, the preview shows the page, and Tesseract
in this process reads exactly what the program reads."""

from __future__ import annotations

import io
import shutil
import threading

import numpy as np
import pikepdf
import pytest
from PIL import Image, TiffImagePlugin

from openjobcenter.documents.pipeline import PageInput, run_document, run_page, tesseract
from openjobcenter.documents.pipeline.assemble import OCR_CONFIG, ocr_image, ocr_page
from openjobcenter.documents.pipeline.imaging import PREVIEW_WIDTH, decode_page, encode_page
from tests.documents.conftest import photo

pytestmark = pytest.mark.django_db


def test_the_page_is_one_g4_strip_that_the_pdf_embeds_as_it_is() -> None:
    page = run_page(PageInput(photo(1)))
    assert page.mime == "image/tiff"
    with Image.open(io.BytesIO(page.data)) as tiff:
        assert isinstance(tiff, TiffImagePlugin.TiffImageFile)
        assert tiff.info["compression"] == "group4"
        (offset,), (length,) = tiff.tag_v2[273], tiff.tag_v2[279]  # one strip
    strip = page.data[offset : offset + length]
    pixels = decode_page(page.data)
    result = run_document([page])
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        (image,) = pdf.pages[0].Resources.XObject.values()
        assert isinstance(image, pikepdf.Stream)
        assert list(image.Filter) == ["/CCITTFaxDecode"]
        # Copied, not decoded and encoded again.
        assert image.read_raw_bytes() == strip
        embedded = pikepdf.PdfImage(image).as_pil_image().convert("L")
    # The PDF's image is the stored page's, pixel for pixel.
    assert np.array_equal(np.asarray(embedded), pixels)


def test_the_bilevel_encoding_keeps_every_pixel() -> None:
    rng = np.random.default_rng(5)
    page = np.where(rng.random((350, 248)) > 0.9, 0, 255).astype(np.uint8)
    data, mime = encode_page(page, bilevel=True, dpi=300)
    assert mime == "image/tiff"
    assert np.array_equal(decode_page(data), page)


def test_the_preview_shows_the_page_in_four_grey_levels() -> None:
    page = run_page(PageInput(photo(1)))
    with Image.open(io.BytesIO(page.preview)) as preview:
        assert preview.format == "PNG"
        assert preview.width == PREVIEW_WIDTH
        grey = np.asarray(preview.convert("L"))
    assert set(np.unique(grey)) <= {0, 85, 170, 255}
    # Mostly paper, some ink: the page, not a blank or a black image.
    assert 0.80 < float(np.mean(grey == 255)) < 0.995
    # The ink where the page has it: the preview is the page at half the size.
    full = decode_page(page.data)
    half = full[: grey.shape[0] * 2 : 2, : grey.shape[1] * 2 : 2]
    assert float(np.mean((half == 0) <= (grey < 255))) > 0.97


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_in_the_process_reads_what_the_program_reads() -> None:
    import pytesseract  # type: ignore[import-untyped]

    # Debian's tesseract-ocr package brings the library the program uses.
    assert tesseract.available()
    page = run_page(PageInput(photo(1)))
    img, dpi = ocr_image(page)
    program = pytesseract.image_to_string(img, lang="deu", config=f"{OCR_CONFIG} --dpi {dpi}")
    text = ocr_page(page)
    assert "Verdienstabrechnung" in text
    assert text == program


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_each_thread_has_its_own_engine() -> None:
    page = run_page(PageInput(photo(2)))
    img, dpi = ocr_image(page)
    grey = np.asarray(img)
    texts: list[str] = []
    threads = [
        threading.Thread(target=lambda: texts.append(tesseract.read(grey, dpi))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(texts) == 2
    assert texts[0] == texts[1] == tesseract.read(grey, dpi)
    assert texts[0].strip()

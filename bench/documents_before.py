"""The documents pipeline's page and OCR code as it was before issue 19's second pass on
item 5 (commit 1500429), for ``bench/documents.py`` to run beside the current code in
alternating order. Only the functions that pass changed are kept here; ``patched()``
swaps them in for the duration of one page."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

import cv2
import numpy as np
from PIL import Image, ImageFile, ImageOps

from openjobcenter.documents.pipeline import assemble, imaging
from openjobcenter.documents.pipeline.base import PageContext, PageOutput, Refused


def strip_metadata_run(_self: Any, ctx: PageContext) -> dict[str, Any]:
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(ctx.input.data)) as img:
            img.load()
            exif = img.getexif()
            had_gps = 0x8825 in exif
            oriented = ImageOps.exif_transpose(img)
            rgb = oriented.convert("RGB")
    except (OSError, ValueError, SyntaxError) as exc:
        raise Refused("damaged", str(exc)) from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    ctx.image = np.asarray(cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR), dtype=np.uint8)
    return {"exif_removed": len(exif) > 0, "gps_removed": had_gps}


_CURRENT_EVEN_LIGHT = imaging.EvenLight.run


def even_light_run(self: Any, ctx: PageContext) -> dict[str, Any]:
    if ctx.input.grayscale:  # unchanged
        return _CURRENT_EVEN_LIGHT(self, ctx)
    flat = imaging.even_light(imaging._page(ctx))
    otsu, _ink = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    threshold = min(float(otsu), 200.0)
    page = np.where(flat > threshold, 255, 0).astype(np.uint8)
    m = max(4, page.shape[1] // 120)
    page[:m, :] = page[-m:, :] = page[:, :m] = page[:, -m:] = 255
    ctx.page = page
    ctx.bilevel = True
    return {"mode": "bilevel", "threshold": threshold}


def encode_page(page: imaging.Gray, *, bilevel: bool, dpi: int) -> tuple[bytes, str]:
    if not bilevel:
        return imaging.encode_page(page, bilevel=bilevel, dpi=dpi)
    out = io.BytesIO()
    Image.fromarray(page).convert("1").save(
        out, format="TIFF", compression="group4", dpi=(dpi, dpi)
    )
    return out.getvalue(), "image/tiff"


def make_preview(page: imaging.Gray, *, grey: bool = False) -> bytes:
    img = Image.fromarray(page)
    img.thumbnail((imaging.PREVIEW_WIDTH, imaging.PREVIEW_WIDTH * 2))
    out = io.BytesIO()
    if grey:
        img.quantize(64).save(out, format="PNG", optimize=True)
    else:
        img.quantize(4).save(out, format="PNG", optimize=True, bits=2)
    return out.getvalue()


def ocr_page(page: PageOutput) -> str:
    """Tesseract as a program per page (the model loaded each time)."""
    import pytesseract  # type: ignore[import-untyped]

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    img, dpi = assemble.ocr_image(page)
    with tempfile.NamedTemporaryFile(suffix=".bmp") as fh:
        img.save(fh, format="BMP")
        fh.flush()
        text = pytesseract.image_to_string(
            fh.name, lang="deu", config=f"{assemble.OCR_CONFIG} --dpi {dpi}"
        )
    return str(text)


@contextmanager
def patched() -> Iterator[None]:
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(imaging.StripMetadata, "run", strip_metadata_run))
        stack.enter_context(mock.patch.object(imaging.EvenLight, "run", even_light_run))
        stack.enter_context(mock.patch.object(imaging, "encode_page", encode_page))
        stack.enter_context(mock.patch.object(imaging, "make_preview", make_preview))
        stack.enter_context(mock.patch.object(assemble, "ocr_page", ocr_page))
        yield

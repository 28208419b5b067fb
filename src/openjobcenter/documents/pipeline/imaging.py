"""Image steps: from a phone photo to a flat, even, small A4 page (OpenCV + Pillow)."""

from __future__ import annotations

import io
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFile, ImageOps

from openjobcenter.documents.pipeline.base import PageContext, PageStep, Refused
from openjobcenter.documents.pipeline.intake import IMAGE_MIMES

A4_MM = (210.0, 297.0)
DETECT_SIDE = 800  # page detection works on a copy this big
MIN_PAGE_AREA = 0.15  # of the photo
# Calibrated on generated photos (bench/documents.py): sharp pages score 150+, a 4 px
# Gaussian blur ~30.
MIN_SHARPNESS = 45.0
MIN_PAPER_LEVEL = 70  # 95th percentile of the page's grey values
TARGET_BYTES = 200 * 1024
PREVIEW_WIDTH = 1240  # 150 dpi: legible in the staff viewer, small enough for phones
GREY_DPI = 200
EXIF_ORIENTATION = 0x0112
# The bilevel preview's four grey levels, evenly spaced (black, two for the anti-aliased
# edges of the strokes, paper white).
PREVIEW_LEVELS = 4

Gray = NDArray[np.uint8]


def _photo(ctx: PageContext) -> NDArray[np.uint8]:
    if ctx.image is None:
        msg = "no decoded photo: the metadata step must run first"
        raise RuntimeError(msg)
    return ctx.image


def _page(ctx: PageContext) -> Gray:
    if ctx.page is None:
        msg = "no page: the perspective step must run first"
        raise RuntimeError(msg)
    return ctx.page


def _is_image(ctx: PageContext) -> bool:
    return ctx.mime in IMAGE_MIMES


class ImagePageStep(PageStep):
    def applies(self, ctx: PageContext) -> bool:
        return _is_image(ctx)


class StripMetadata(ImagePageStep):
    """Decode, apply the EXIF orientation, and keep only the pixels: EXIF (GPS, device,
    time) never reaches the stored page."""

    name = "metadata"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        # WeasyPrint switches Pillow to accept truncated images when it is imported; a
        # half-sent photo must be refused here, so be strict while decoding.
        tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            with Image.open(io.BytesIO(ctx.input.data)) as img:
                img.load()
                exif = img.getexif()
                had_gps = 0x8825 in exif
                # Each of these copies the 12-megapixel photo, so only when there is
                # something to turn or convert (issue 19, item 5).
                turned = exif.get(EXIF_ORIENTATION, 1) not in (0, 1)
                oriented = ImageOps.exif_transpose(img) if turned else img
                rgb = oriented if oriented.mode == "RGB" else oriented.convert("RGB")
                # Inside the ``with``: closing the photo frees its pixels.
                pixels = np.asarray(rgb)
        except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged
            raise Refused("damaged", str(exc)) from exc
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
        ctx.image = np.asarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR), dtype=np.uint8)
        return {"exif_removed": len(exif) > 0, "gps_removed": had_gps}


def order_corners(pts: NDArray[np.float32]) -> NDArray[np.float32]:
    """Top-left, top-right, bottom-right, bottom-left."""
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def _quad_from_mask(mask: Gray, min_area: float) -> tuple[NDArray[np.float32], str] | None:
    contours, _h = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(biggest) < min_area:
        return None
    hull = cv2.convexHull(biggest)
    peri = cv2.arcLength(hull, closed=True)
    for eps in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, closed=True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return approx.reshape(4, 2).astype(np.float32), "contour"
    box = cv2.boxPoints(cv2.minAreaRect(hull))
    return box.astype(np.float32), "min_area_rect"


def find_page(bgr: NDArray[np.uint8]) -> tuple[NDArray[np.float32], str] | None:
    """The page's four corners in the photo, or None. Paper is brighter and less
    saturated than tables and floors: threshold that, close the text holes, take the
    largest region; a four-point polygon if it has one, else its minimum-area box."""
    h, w = bgr.shape[:2]
    scale = DETECT_SIDE / max(h, w)
    small = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (7, 7), 0)
    min_area = MIN_PAGE_AREA * small.shape[0] * small.shape[1]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    candidates: list[tuple[float, NDArray[np.float32], str]] = []
    # 1. bright and grey: Otsu on (value - saturation), robust to a shadow across the page.
    paperness = cv2.subtract(hsv[:, :, 2], hsv[:, :, 1])
    paperness = cv2.GaussianBlur(paperness, (7, 7), 0)
    _t, otsu_mask = cv2.threshold(paperness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = np.asarray(otsu_mask, dtype=np.uint8)
    mask = np.asarray(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel), dtype=np.uint8)
    mask = np.asarray(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel), dtype=np.uint8)
    # 2. edges: the page's border against the background.
    edges = cv2.dilate(cv2.Canny(gray, 40, 120), np.ones((3, 3), np.uint8), iterations=2)
    filled = np.zeros(edges.shape, dtype=np.uint8)
    contours, _h = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    for source in (mask, filled):
        found = _quad_from_mask(source, min_area)
        if found is None:
            continue
        quad, method = found
        area = float(cv2.contourArea(quad))
        # Covering nearly the whole frame means the background was taken for paper.
        if area > 0.97 * small.shape[0] * small.shape[1]:
            continue
        candidates.append((area + (1e9 if method == "contour" else 0.0), quad, method))
    if not candidates:
        return None
    _score, quad, method = max(candidates, key=lambda c: c[0])
    return order_corners(quad / scale), method


def _looks_like_whole_page(bgr: NDArray[np.uint8]) -> bool:
    """A scan or screenshot: the photo is the page (bright, low-saturation border)."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    border = np.concatenate([gray[:10].ravel(), gray[-10:].ravel(), gray[:, :10].ravel()])
    return float(np.median(border)) > 170 and float(np.mean(gray > 150)) > 0.6


class DetectPage(ImagePageStep):
    name = "page_detection"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        image = _photo(ctx)
        found = find_page(image)
        if found is None:
            if not _looks_like_whole_page(image):
                raise Refused("no_page")
            h, w = image.shape[:2]
            ctx.quad = [(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)]
            return {"found": False, "method": "whole_image"}
        quad, method = found
        ctx.quad = [(float(x), float(y)) for x, y in quad]
        return {"found": True, "method": method}


def a4_size(dpi: int, *, landscape: bool) -> tuple[int, int]:
    w, h = (round(mm / 25.4 * dpi) for mm in A4_MM)
    return (h, w) if landscape else (w, h)


class CorrectPerspective(ImagePageStep):
    """Warp the page to A4 proportions at the output resolution."""

    name = "perspective"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        image = _photo(ctx)
        if ctx.quad is None:
            msg = "no page corners: the detection step must run first"
            raise RuntimeError(msg)
        src = np.array(ctx.quad, dtype=np.float32)
        tl, tr, br, bl = src
        width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
        height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
        out_w, out_h = a4_size(ctx.dpi, landscape=width > height)
        dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
        matrix = cv2.getPerspectiveTransform(src, dst)
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        ctx.page = np.asarray(
            cv2.warpPerspective(
                gray, matrix, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
            ),
            dtype=np.uint8,
        )
        ctx.image = None  # the colour photo is no longer needed; free it
        return {"width": out_w, "height": out_h}


def skew_angle(page: Gray) -> float:
    """Residual text skew in degrees, by the sharpest horizontal projection profile."""
    scale = 600 / page.shape[1]
    small = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    h, w = ink.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-4.0, 4.01, 0.25):
        rot = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(ink, rot, (w, h), flags=cv2.INTER_NEAREST)
        score = float(np.var(rotated.sum(axis=1, dtype=np.float64)))
        if score > best_score:
            best, best_score = float(angle), score
    return best


class Deskew(ImagePageStep):
    name = "deskew"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        page = _page(ctx)
        angle = skew_angle(page)
        if abs(angle) >= 0.25:
            h, w = page.shape
            rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
            ctx.page = np.asarray(
                cv2.warpAffine(
                    page, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
                ),
                dtype=np.uint8,
            )
        return {"angle": angle}


def sharpness(page: Gray) -> float:
    scale = 1000 / page.shape[1]
    small = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(small, cv2.CV_64F).var())


class QualityCheck(ImagePageStep):
    """Too dark or blurred: answered at once, before anything is sent."""

    name = "quality"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        page = _page(ctx)
        paper = float(np.percentile(page[::4, ::4], 95))
        if paper < MIN_PAPER_LEVEL:
            raise Refused("too_dark", f"paper level {paper:.0f}")
        sharp = sharpness(page)
        if sharp < MIN_SHARPNESS:
            raise Refused("blurred", f"sharpness {sharp:.1f}")
        return {"paper_level": paper, "sharpness": sharp}


def even_light(page: Gray) -> Gray:
    """Divide by the background (the page with the ink closed away, blurred): shadows and
    uneven light become a flat white, ink stays dark."""
    h, w = page.shape
    small = cv2.resize(page, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.GaussianBlur(background, (0, 0), 6)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(page, np.maximum(background, 1), scale=255)
    return np.asarray(flat, dtype=np.uint8)


class EvenLight(ImagePageStep):
    name = "light"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        flat = even_light(_page(ctx))
        if ctx.input.grayscale:
            ctx.bilevel = False
            # Stretch: 1st percentile → black, paper → white.
            low = float(np.percentile(flat[::4, ::4], 1))
            stretched = (flat.astype(np.float32) - low) * (255.0 / max(250.0 - low, 1.0))
            ctx.page = np.clip(stretched, 0, 255).astype(np.uint8)
            return {"mode": "gray"}
        # Ink is what is clearly darker than the flattened paper.
        otsu, _ink = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        threshold = min(float(otsu), 200.0)
        # The same as ``np.where(flat > threshold, 255, 0)``, without its int64 temporary.
        _t, binary = cv2.threshold(flat, threshold, 255, cv2.THRESH_BINARY)
        page = np.asarray(binary, dtype=np.uint8)
        # The warp leaves a sliver of table at the edges: paper white, as a scanner does.
        m = max(4, page.shape[1] // 120)
        page[:m, :] = page[-m:, :] = page[:, :m] = page[:, -m:] = 255
        ctx.page = page
        ctx.bilevel = True
        return {"mode": "bilevel", "threshold": threshold}


def encode_page(page: Gray, *, bilevel: bool, dpi: int) -> tuple[bytes, str]:
    """Bilevel: CCITT G4 TIFF (img2pdf embeds it as is); grey: JPEG under the target."""
    img = Image.fromarray(page)
    out = io.BytesIO()
    if bilevel:
        # The page holds only 0 and 255: no dithering to compute. One strip: img2pdf then
        # embeds the G4 data in the PDF as it is instead of decoding and encoding the page
        # again (Pillow's default strips of 64 KB made it do that; same pixels either way).
        one = img.convert("1", dither=Image.Dither.NONE)
        strip = (one.width + 7) // 8 * one.height
        one.save(out, format="TIFF", compression="group4", dpi=(dpi, dpi), strip_size=strip)
        return out.getvalue(), "image/tiff"
    if dpi > GREY_DPI:  # grey pages are photos of cards: 200 dpi is plenty, and small
        img = img.resize(
            (round(img.width * GREY_DPI / dpi), round(img.height * GREY_DPI / dpi)),
            Image.Resampling.LANCZOS,
        )
        dpi = GREY_DPI
    for quality in (70, 60, 50, 40, 30):
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=quality, optimize=True, dpi=(dpi, dpi))
        if out.tell() <= TARGET_BYTES:
            break
    return out.getvalue(), "image/jpeg"


def make_preview(page: Gray, *, grey: bool = False) -> bytes:
    """A PNG for the browser (TIFF G4 is not shown by browsers): 4 grey levels keep the
    small type legible at 150 dpi in about 30 KB; grey pages (ID cards) keep 64."""
    h, w = page.shape
    scale = min(1.0, PREVIEW_WIDTH / w, PREVIEW_WIDTH * 2 / h)
    if scale < 1.0:
        # Area averaging: the strokes' edges become the grey levels below.
        page = np.asarray(
            cv2.resize(page, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
    out = io.BytesIO()
    if grey:
        Image.fromarray(page).quantize(64).save(out, format="PNG", optimize=True)
        return out.getvalue()
    # Four fixed, evenly spaced levels instead of Pillow's median cut (which cost half of
    # the page's compression step and chose about the same levels); zlib's default level
    # instead of ``optimize`` (a tenth larger, a fifth of the time; issue 19, item 5).
    step = 255 // (PREVIEW_LEVELS - 1)
    lut = np.minimum((np.arange(256) + step // 2) // step, PREVIEW_LEVELS - 1).astype(np.uint8)
    indexed = Image.frombytes("P", (page.shape[1], page.shape[0]), cv2.LUT(page, lut).tobytes())
    indexed.putpalette(bytes(v for i in range(PREVIEW_LEVELS) for v in (i * step,) * 3))
    indexed.save(out, format="PNG", bits=2)
    return out.getvalue()


class Compress(ImagePageStep):
    name = "compress"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        page = _page(ctx)
        ctx.output, ctx.output_mime = encode_page(page, bilevel=ctx.bilevel, dpi=ctx.dpi)
        ctx.preview = make_preview(page, grey=not ctx.bilevel)
        return {"bytes": len(ctx.output), "mime": ctx.output_mime}


def decode_page(data: bytes) -> Gray:
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert("L"), dtype=np.uint8)

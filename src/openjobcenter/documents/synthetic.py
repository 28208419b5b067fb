"""Realistic phone photos of document pages, generated (tests, benchmark, CLI demos).

A page is rendered with DejaVu fonts (text and a table), placed at an angle and in
perspective on a textured table, with a shadow across it, uneven light, sensor noise,
slight blur and JPEG compression — what a customer's phone produces.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
PAGE_PX = (1654, 2339)  # A4 at 200 dpi

PAYSLIP_LINES = [
    "Verdienstabrechnung Oktober 2026",
    "Muster Logistik GmbH, Industriestraße 12, 36037 Fulda",
    "Herrn Karl Kunde, Bahnhofstraße 5, 36037 Fulda",
    "Personalnummer 004711   Steuerklasse 1   Eintritt 01.03.2024",
    "Bruttolohn Oktober 2026 laut Arbeitsvertrag",
]
TABLE = [
    ("Lohnart", "Bezeichnung", "Betrag"),
    ("1000", "Grundlohn 160 Stunden", "2.080,00"),
    ("1200", "Zuschlag Nachtarbeit", "142,50"),
    ("2000", "Gesamtbrutto", "2.222,50"),
    ("3000", "Lohnsteuer", "214,83"),
    ("3100", "Solidaritätszuschlag", "0,00"),
    ("4000", "Krankenversicherung", "181,13"),
    ("4100", "Rentenversicherung", "206,69"),
    ("4200", "Arbeitslosenversicherung", "28,89"),
    ("4300", "Pflegeversicherung", "37,78"),
    ("5000", "Nettoverdienst", "1.553,18"),
    ("6000", "Auszahlungsbetrag", "1.553,18"),
]
FOOTER = [
    "Die Auszahlung erfolgt auf das Konto DE02 1203 0000 0000 2020 51.",
    "Bitte bewahren Sie diese Abrechnung sorgfältig auf.",
]


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(FONT_DIR + name, size)


@dataclass(frozen=True)
class RenderedPage:
    image: Image.Image
    text: str  # the words on the page, line by line (ground truth for OCR accuracy)


def render_page(seed: int = 0) -> RenderedPage:
    """A payslip-like A4 page at 200 dpi."""
    rnd = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    img = Image.new("L", PAGE_PX, 255)
    draw = ImageDraw.Draw(img)
    lines: list[str] = []
    y = 160
    title = PAYSLIP_LINES[0]
    draw.text((150, y), title, font=_font(54, bold=True), fill=0)
    lines.append(title)
    y += 120
    body = _font(34)
    for line in PAYSLIP_LINES[1:]:
        draw.text((150, y), line, font=body, fill=20)
        lines.append(line)
        y += 62
    y += 50
    cols = (150, 420, 1250)
    for r, row in enumerate(TABLE):
        amount = row[2]
        if r and rnd.random() < 0.5 and row[2] != "0,00":
            amount = row[2]
        font = _font(34, bold=r == 0)
        draw.text((cols[0], y), row[0], font=font, fill=0)
        draw.text((cols[1], y), row[1], font=font, fill=0)
        draw.text((cols[2], y), amount, font=font, fill=0)
        lines.append(f"{row[0]} {row[1]} {amount}")
        y += 58
        draw.line((150, y - 8, 1500, y - 8), fill=120, width=2)
    y += 60
    for line in FOOTER:
        draw.text((150, y), line, font=body, fill=20)
        lines.append(line)
        y += 62
    return RenderedPage(img, "\n".join(lines))


def _texture(h: int, w: int, rnd: np.random.Generator) -> NDArray[np.float32]:
    """Wood-like table: stretched noise, a tint, a little grain."""
    small = rnd.random((max(2, h // 40), max(2, w // 4))).astype(np.float32)
    grain = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    base = np.empty((h, w, 3), np.float32)
    tone = 60 + 50 * grain
    base[:, :, 0] = tone * 0.55  # B
    base[:, :, 1] = tone * 0.8  # G
    base[:, :, 2] = tone * 1.1  # R
    return base


def make_photo(
    page: Image.Image,
    *,
    seed: int = 0,
    megapixels: float = 12.0,
    angle_deg: float | None = None,
    blur_sigma: float = 1.0,
    darkness: float = 1.0,
    quality: int = 90,
) -> bytes:
    """A JPEG as a phone takes it of ``page`` lying on a table."""
    rnd = np.random.default_rng(seed)
    w = round((megapixels * 1e6 * 4 / 3) ** 0.5)
    h = round(w * 3 / 4)
    w, h = h, w  # portrait photo, 3:4
    bg = _texture(h, w, rnd)
    pw, ph = page.size
    scale = 0.72 * h / ph
    angle = float(rnd.uniform(-12, 12)) if angle_deg is None else angle_deg
    cx, cy = w / 2 + rnd.uniform(-0.04, 0.04) * w, h / 2 + rnd.uniform(-0.03, 0.03) * h
    corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    centred = (corners - [pw / 2, ph / 2]) * scale
    rad = np.deg2rad(angle)
    rot = np.array([[np.cos(rad), -np.sin(rad)], [np.sin(rad), np.cos(rad)]], np.float32)
    dst = centred @ rot.T + [cx, cy]
    # Perspective: the top edge further away (narrower).
    squeeze = float(rnd.uniform(0.03, 0.08)) * pw * scale
    dst[0, 0] += squeeze
    dst[1, 0] -= squeeze
    dst = dst.astype(np.float32)
    matrix = cv2.getPerspectiveTransform(corners, dst)
    paper = np.asarray(page.convert("RGB"), np.float32) * np.array([0.93, 0.96, 1.0], np.float32)
    warped = cv2.warpPerspective(paper, matrix, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, (w, h))
    mask = cv2.GaussianBlur(mask, (0, 0), 1.2)[:, :, None]
    img = bg * (1 - mask) + warped * mask
    # Light: brighter at one corner, and a soft shadow (a hand, a phone) across the page.
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.75 + 0.3 * (1 - ((xx / w - 0.2) ** 2 + (yy / h - 0.1) ** 2) ** 0.5)
    edge = xx * np.cos(0.6) + yy * np.sin(0.6) - rnd.uniform(0.55, 0.75) * (w + h) * 0.7
    shadow = 1 - 0.35 / (1 + np.exp(-edge / (0.02 * w)))
    img = img * (light * shadow * darkness)[:, :, None]
    img = cv2.GaussianBlur(img, (0, 0), blur_sigma)
    img = img + rnd.normal(0, 4.0, img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(out[:, :, ::-1]).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def table_photo(seed: int = 0, megapixels: float = 2.0) -> bytes:
    """A photo of the table alone (no page)."""
    rnd = np.random.default_rng(seed)
    w = round((megapixels * 1e6 * 3 / 4) ** 0.5)
    h = round(w * 4 / 3)
    img = _texture(h, w, rnd) + rnd.normal(0, 4.0, (h, w, 3)).astype(np.float32)
    buf = io.BytesIO()
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)[:, :, ::-1]).save(buf, format="JPEG")
    return buf.getvalue()

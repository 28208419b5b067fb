"""Images of posts: checked with Pillow, re-encoded (which drops every piece of metadata:
EXIF with its location, comments, colour profiles' names) and kept through the storage API."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from openjobcenter.news.conf import news_conf

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from openjobcenter.tenants.models import Jobcenter

MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageRefusedError(ValueError):
    """The file is not an image we take; the message says why, in the user's language."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    suffix: str
    width: int
    height: int


def _limit() -> int:
    return int(news_conf()["image_max_bytes"])


def clean_image(upload: UploadedFile) -> CleanImage:
    """The upload re-encoded as JPEG (photos) or PNG (with transparency), at most
    ``MAX_SIDE`` pixels a side; refuses what is too large, not an image, or disguised."""
    if upload.size is None or upload.size > _limit():
        raise ImageRefusedError(
            _("Das Bild ist zu groß. Erlaubt sind höchstens %(mb)s MB.")
            % {"mb": _limit() // (1024 * 1024)}
        )
    raw = upload.read(_limit() + 1)
    if len(raw) > _limit():
        raise ImageRefusedError(
            _("Das Bild ist zu groß. Erlaubt sind höchstens %(mb)s MB.")
            % {"mb": _limit() // (1024 * 1024)}
        )
    refused = ImageRefusedError(_("Die Datei ist kein Bild im Format JPEG, PNG, WebP oder GIF."))
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt, pixels = probe.format, probe.width * probe.height
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    if fmt not in FORMATS:
        raise refused
    if pixels > MAX_PIXELS:
        raise ImageRefusedError(_("Das Bild hat zu viele Bildpunkte."))
    try:
        with Image.open(io.BytesIO(raw)) as opened:
            opened.load()
            img = ImageOps.exif_transpose(opened)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            transparent = img.mode in ("RGBA", "LA", "P") and (
                "transparency" in img.info or img.mode in ("RGBA", "LA")
            )
            out = io.BytesIO()
            if transparent:
                clean = img.convert("RGBA")
                clean.info = {}  # Pillow would carry comments and profiles over
                clean.save(out, "PNG", optimize=True)
                content_type, suffix = "image/png", ".png"
            else:
                clean = img.convert("RGB")
                clean.info = {}
                clean.save(out, "JPEG", quality=85, optimize=True)
                content_type, suffix = "image/jpeg", ".jpg"
            return CleanImage(out.getvalue(), content_type, suffix, clean.width, clean.height)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None


def store(jobcenter: Jobcenter, image: CleanImage) -> str:
    name = f"news/{jobcenter.storage_id}/{secrets.token_hex(16)}{image.suffix}"
    stored = default_storage.save(name, ContentFile(image.data))
    return str(stored)


def delete(name: str) -> None:
    if name:
        default_storage.delete(name)

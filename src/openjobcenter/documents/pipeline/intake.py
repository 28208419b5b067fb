"""Intake steps: what the upload request itself checks before anything is stored."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf
from PIL import Image

from openjobcenter.documents.conf import conf
from openjobcenter.documents.pipeline.base import PageContext, PageStep, Refused
from openjobcenter.documents.scanners import ScannerUnavailable, configured_scanner

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
IMAGE_MIMES = {"image/jpeg", "image/png", "image/heif"}
PDF_MIME = "application/pdf"


def _register_heif() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


_register_heif()


def sniff(data: bytes) -> str:
    """The type by content (magic bytes), never by file name; "" when not allowed."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "image/heif"
    # The PDF header may follow a little junk (the spec allows it within 1024 bytes).
    if b"%PDF-" in data[:1024]:
        return PDF_MIME
    return ""


def limits() -> dict[str, int]:
    options = conf()
    return {
        "max_file_bytes": int(options["max_file_bytes"]),
        "max_pixels": int(options["max_pixels"]),
        "max_pdf_pages": int(options["max_pdf_pages"]),
    }


class CheckSize(PageStep):
    """Not empty, not larger than the limit (checked before anything else reads it)."""

    name = "size"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        if not ctx.input.data:
            raise Refused("empty")
        if len(ctx.input.data) > limits()["max_file_bytes"]:
            raise Refused("too_large", str(len(ctx.input.data)))
        return {"bytes": len(ctx.input.data)}


class SniffType(PageStep):
    name = "type"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        ctx.mime = sniff(ctx.input.data)
        if not ctx.mime:
            raise Refused("wrong_type", ctx.input.data[:8].hex())
        return {"mime": ctx.mime}


class CheckPixels(PageStep):
    """The pixel count, read from the image header before decoding: a 20,000 × 20,000
    PNG of a few KB is refused here, never decoded."""

    name = "pixels"

    def applies(self, ctx: PageContext) -> bool:
        return ctx.mime in IMAGE_MIMES

    def run(self, ctx: PageContext) -> dict[str, Any]:
        max_pixels = limits()["max_pixels"]
        # Image.open reads only the header; the explicit check below refuses before any
        # decoding (Pillow's own bomb guard stays at its global default for other code).
        try:
            with Image.open(io.BytesIO(ctx.input.data)) as img:
                width, height = img.size
        except Image.DecompressionBombError as exc:
            raise Refused("too_many_pixels", str(exc)) from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise Refused("damaged", str(exc)) from exc
        if width * height > max_pixels:
            raise Refused("too_many_pixels", f"{width}x{height}")
        ctx.pixels = (width, height)
        return {"width": width, "height": height}


class VirusScan(PageStep):
    name = "virus_scan"

    def run(self, ctx: PageContext) -> dict[str, Any]:
        scanner = configured_scanner()
        try:
            result = scanner.scan(ctx.input.data)
        except ScannerUnavailable as exc:
            raise Refused("scanner_unavailable", str(exc)) from exc
        if not result.clean:
            raise Refused("virus", result.signature)
        return {"scanner": result.scanner}


def _walk(pdf: pikepdf.Pdf, limit: int = 200_000) -> Iterator[pikepdf.Dictionary]:
    """Every dictionary reachable from the document catalogue, direct or indirect (a
    direct /OpenAction is not among ``pdf.objects``)."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [pdf.Root]
    steps = 0
    while stack and steps < limit:
        obj = stack.pop()
        steps += 1
        if not isinstance(obj, pikepdf.Object):
            continue  # names, numbers and strings come back as Python values
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            if isinstance(obj, pikepdf.Dictionary):
                yield obj
            for key in obj.keys():  # noqa: SIM118 - pikepdf objects need keys()
                if key != "/Parent":
                    stack.append(obj[key])
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def _inspect(pdf: pikepdf.Pdf) -> tuple[bool, bool]:
    """(has JavaScript or launch actions, has embedded files)."""
    scripts = False
    attachments = len(pdf.attachments) > 0
    for obj in _walk(pdf):
        action = obj.get("/S")
        if action in (pikepdf.Name.JavaScript, pikepdf.Name.Launch) or "/JS" in obj:
            scripts = True
        if "/JavaScript" in obj or "/AA" in obj:
            scripts = True
        if obj.get("/Type") in (pikepdf.Name.EmbeddedFile, pikepdf.Name.Filespec):
            attachments = True
        if "/EmbeddedFiles" in obj or obj.get("/Subtype") == pikepdf.Name.FileAttachment:
            attachments = True
    return scripts, attachments


class CheckPdf(PageStep):
    """No password, no JavaScript or launch actions, no embedded files, a page limit."""

    name = "pdf_check"

    def applies(self, ctx: PageContext) -> bool:
        return ctx.mime == PDF_MIME

    def run(self, ctx: PageContext) -> dict[str, Any]:
        try:
            with pikepdf.open(io.BytesIO(ctx.input.data)) as pdf:
                if pdf.is_encrypted:
                    raise Refused("pdf_encrypted")
                pages = len(pdf.pages)
                if pages > limits()["max_pdf_pages"]:
                    raise Refused("pdf_too_many_pages", str(pages))
                if pages == 0:
                    raise Refused("damaged", "no pages")
                scripts, attachments = _inspect(pdf)
                if scripts:
                    raise Refused("pdf_javascript")
                if attachments:
                    raise Refused("pdf_attachments")
        except pikepdf.PasswordError as exc:
            raise Refused("pdf_encrypted") from exc
        except pikepdf.PdfError as exc:
            raise Refused("damaged", str(exc)) from exc
        ctx.pdf_pages = pages
        ctx.output, ctx.output_mime = ctx.input.data, PDF_MIME
        return {"pages": pages}

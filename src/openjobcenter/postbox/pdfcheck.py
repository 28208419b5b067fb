"""What a notice's PDF must be before it is stored, and the "Kopie" stamp.

Only real PDFs: the magic bytes, then parsed with pikepdf; refused when too large,
encrypted (the customer could not open it, the job centre could not read it back),
or carrying anything active (JavaScript anywhere, ``/OpenAction`` or ``/AA`` actions,
``/Launch``). Each refusal is a German sentence (translated) for the form or the API.

PDF/A: recorded, not converted. The file's XMP metadata says whether it claims PDF/A
conformance (``pdfaid:part`` and ``conformance``, e.g. "2B"); the staff list shows it,
and notices without it are still accepted (the job centres' letter systems differ). A
conversion would change the signed or printed original, which the job centre must keep
as issued.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from django.utils.translation import gettext as _

MAX_NOTICE_BYTES = 10 * 1024 * 1024
MAGIC = b"%PDF-"
# Keys whose presence makes a PDF active (actions that run on opening or on events).
ACTIVE_KEYS = ("/JS", "/JavaScript", "/AA", "/Launch")


class NoticeFileError(ValueError):
    """A refused file, with the message the person reads."""


@dataclass(frozen=True, slots=True)
class CheckedPdf:
    data: bytes
    pages: int
    pdfa: str  # "" when the file claims no PDF/A conformance, else e.g. "2B"


def _has_active_content(pdf: pikepdf.Pdf) -> bool:
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        for key in ACTIVE_KEYS:
            if key in obj:
                return True
        if obj.get("/S") in (pikepdf.Name.JavaScript, pikepdf.Name.Launch):
            return True
        action = obj.get("/OpenAction")
        if isinstance(action, pikepdf.Dictionary) and action.get("/S") != pikepdf.Name.GoTo:
            return True
    return False


def pdfa_status(pdf: pikepdf.Pdf) -> str:
    try:
        meta = pdf.open_metadata()
        return str(meta.pdfa_status or "")[:10]
    except Exception:
        return ""


def check_notice_pdf(data: bytes) -> CheckedPdf:
    """The checked file, or ``NoticeFileError`` with the reason."""
    if len(data) > MAX_NOTICE_BYTES:
        raise NoticeFileError(
            _("Die Datei ist zu groß (höchstens %(mb)d MB).")
            % {"mb": MAX_NOTICE_BYTES // (1024 * 1024)}
        )
    if not data.startswith(MAGIC):
        raise NoticeFileError(
            _("Das ist keine PDF-Datei. Bitte laden Sie den Bescheid als PDF hoch.")
        )
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise NoticeFileError(
            _("Die PDF-Datei ist verschlüsselt oder mit einem Kennwort geschützt.")
        ) from None
    except (pikepdf.PdfError, ValueError, OSError):
        raise NoticeFileError(
            _("Die PDF-Datei ist beschädigt und kann nicht gelesen werden.")
        ) from None
    with pdf:
        if pdf.is_encrypted:
            raise NoticeFileError(
                _("Die PDF-Datei ist verschlüsselt oder mit einem Kennwort geschützt.")
            )
        if len(pdf.pages) == 0:
            raise NoticeFileError(_("Die PDF-Datei hat keine Seiten."))
        if _has_active_content(pdf):
            raise NoticeFileError(
                _(
                    "Die PDF-Datei enthält aktive Inhalte (JavaScript oder Aktionen) und wird nicht angenommen."
                )
            )
        return CheckedPdf(data=data, pages=len(pdf.pages), pdfa=pdfa_status(pdf))


def stamp_copy(data: bytes, word: str = "KOPIE") -> bytes:
    """The PDF with ``word`` across every page (a copy of a notice sent by post)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        text = word.encode("cp1252", "replace").replace(b"\\", b"\\\\")
        text = text.replace(b"(", b"\\(").replace(b")", b"\\)")
        for page in pdf.pages:
            name = page.add_resource(font, pikepdf.Name.Font, prefix="Ojc")
            box = page.mediabox
            width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
            x, y = float(box[0]) + width * 0.2, float(box[1]) + height * 0.4
            content = (
                b"q 0.85 0.1 0.1 rg 0.7 0.7 0.7 RG BT "
                + str(name).encode()
                + b" 72 Tf 0.819 0.574 -0.574 0.819 "
                + f"{x:.1f} {y:.1f}".encode()
                + b" Tm ("
                + text
                + b") Tj ET Q"
            )
            page.contents_add(pikepdf.Stream(pdf, content), prepend=False)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()

"""The card's QR code as inline SVG (segno): black on white, a quiet zone of four
modules, error correction M, drawn large enough for a reception scanner at arm's length."""

from __future__ import annotations

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(payload: str, *, scale: int = 6, title: str = "") -> SafeString:
    code = segno.make(payload, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=scale,
        border=4,
        dark="#000000",
        light="#ffffff",
        xmldecl=False,
        svgns=True,
        title=title or None,
        svgclass="card-qr",
        lineclass=None,
        omitsize=False,
    )
    # segno escapes the title; the payload is only our own token alphabet.
    return mark_safe(out.getvalue().decode())


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()

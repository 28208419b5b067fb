"""The card's QR code as inline SVG (segno): black on white, a quiet zone of four
modules, error correction M, drawn large enough for a reception scanner at arm's length."""

from __future__ import annotations

import functools
import io

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(payload: str, *, scale: int = 6, title: str = "") -> SafeString:
    return mark_safe(_svg(payload, scale, str(title)))


# Encoding is a pure function of its arguments, and it cost about a third of Mein
# Bereich's CPU (segno tries all eight masks; ~3.5 ms here, issue 20's scale bench): the
# last few hundred codes are kept per process. Nothing is kept that the process does not
# hold anyway (the card's token decrypts with the key this process has); a new token is a
# new key, so a replaced card never shows an old code.
@functools.lru_cache(maxsize=512)
def _svg(payload: str, scale: int, title: str) -> str:
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
    return out.getvalue().decode()


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()

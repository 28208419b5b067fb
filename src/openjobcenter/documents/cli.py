"""``openjobcenter scan PHOTO [PHOTO ...] -o OUT.pdf [--ocr]``: the customer's pipeline,
offline, for support staff and tests. Exits 2 with the customer's message when a file is
refused (and writes nothing)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="openjobcenter scan",
        description="Clean up photos of document pages into one PDF, as an upload would.",
    )
    parser.add_argument("photos", nargs="+", type=Path, help="JPEG, PNG, HEIC or PDF files")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the PDF to write")
    parser.add_argument("--ocr", action="store_true", help="print the text and suggested kind")
    parser.add_argument("--grey", action="store_true", help="grey pages (ID cards, photos)")
    parser.add_argument("--lang", default="de", help="language of messages (de, en, ar, uk)")
    args = parser.parse_args(argv[1:] if argv and argv[0] == "scan" else argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjobcenter.config.settings")
    import django

    django.setup()
    from django.utils import translation

    # override, not activate: called in-process (tests, scripts), the language must not
    # stay switched for whatever runs next in this thread.
    with translation.override(args.lang):
        return _scan(args)


def _scan(args: argparse.Namespace) -> int:
    from openjobcenter.documents.kinds import get_kind
    from openjobcenter.documents.pipeline import PageInput, Refused, run_document, run_page

    outputs = []
    for photo in args.photos:
        try:
            data = photo.read_bytes()
        except OSError as exc:
            _err(f"{photo}: {exc.strerror}")
            return 1
        try:
            outputs.append(run_page(PageInput(data, photo.name, grayscale=args.grey)))
        except Refused as refused:
            _err(f"{photo}: {refused.message}")
            return 2
    try:
        result = run_document(outputs, ocr=args.ocr)
    except Refused as refused:
        _err(refused.message)
        return 2
    args.output.write_bytes(result.pdf)
    _out(f"{args.output}: {result.pages} page(s), {len(result.pdf)} bytes")
    if args.ocr:
        _out(result.ocr_text)
        if result.suggested_kind:
            _out(
                f"-- suggested kind: {result.suggested_kind} ({get_kind(result.suggested_kind).label})"
            )
    return 0

"""Command line: ``calc FILE.json`` (``-`` reads standard input).

Exit codes: 0 success, 2 invalid input (the error goes to stderr as JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .calculator import calculate
from .errors import CalculationError

EXIT_OK = 0
EXIT_INPUT = 2


def _error(field: str, message: str, message_en: str) -> int:
    payload = {"error": {"field": field, "message": message, "message_en": message_en}}
    print(json.dumps(payload, ensure_ascii=False), file=sys.stderr)
    return EXIT_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openjobcenter", description="Bürgergeld-Rechner (SGB II) / Bürgergeld calculator"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    calc = commands.add_parser("calc", help="Anspruch berechnen / compute the claim")
    calc.add_argument("file", help="JSON-Datei mit dem Haushalt, '-' für stdin")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT
    source = str(args.file)
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return _error("", f"Datei kann nicht gelesen werden: {exc}", f"Cannot read the file: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _error(
            "",
            f"Kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}): {exc.msg}",
            f"Not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
        )
    try:
        result = calculate(data)
    except CalculationError as exc:
        return _error(exc.field, exc.message, exc.message_en)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

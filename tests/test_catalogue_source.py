"""Every message the source marks is in the catalogues of every shipped language.

``tests/test_translations.py`` checks what the catalogues hold; this test checks that they
hold what the code says: it extracts the marked messages as ``make messages`` does
(``xgettext`` with Django's keywords over the Python files, Django's ``templatize`` over
the templates) into a temporary folder, and fails naming every msgid that no catalogue
of a shipped language carries — a text someone marked but never ran ``make messages``
for, which customers would see in German only (``core/models.py``'s "Handelnd für" was one).

Speed: one ``xgettext`` call over all files (about a second); ``benefits/`` is skipped as
``make messages`` skips it (the calculator core has no Django imports and no messages),
and so are migrations (their verbose names are frozen copies of the models').
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

from tests.test_translations import CATALOG_DIRS, PACKAGE_DIR, parse_po

# The shipped languages (Makefile LOCALES) besides Leichte Sprache: its catalogues are
# partial by design — a msgid missing there reads exactly like one with an empty text
# (German) — and what the core pages need in it is checked page by page
# (tests/test_easy_language*.py).
SHIPPED = ("en", "ar", "uk", "tr", "ru", "fa", "fa_AF", "pl", "ro")
# makemessages' own keyword list (django/core/management/commands/makemessages.py).
KEYWORDS = (
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
)
SKIPPED_DIRS = {"migrations", "locale", "locale_overrides", "benefits", "static", "__pycache__"}


def _sources() -> tuple[list[Path], list[Path]]:
    python, templates = [], []
    for path in PACKAGE_DIR.rglob("*"):
        parts = set(path.relative_to(PACKAGE_DIR).parts[:-1])
        if parts & SKIPPED_DIRS or not path.is_file():
            continue
        if path.suffix == ".py":
            python.append(path)
        elif path.suffix in {".html", ".txt"} and "templates" in parts:
            templates.append(path)
    return sorted(python), sorted(templates)


def extracted(tmp: Path) -> dict[tuple[str, str], str]:
    """(msgctxt, msgid) -> the first file marking it, from the source as it is now."""
    python, templates = _sources()
    files = [str(p) for p in python]
    for n, template in enumerate(templates):
        # templatize turns {% translate %} / {% blocktranslate %} into gettext() calls.
        converted = tmp / f"t{n}.py"
        converted.write_text(
            templatize(template.read_text(encoding="utf-8"), origin=str(template)),
            encoding="utf-8",
        )
        files.append(str(converted))
    names = {str(tmp / f"t{n}.py"): str(t) for n, t in enumerate(templates)}
    pot = tmp / "source.pot"
    listing = tmp / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    subprocess.run(
        [
            str(shutil.which("xgettext")),
            "--language=Python",
            "--from-code=UTF-8",
            "--add-location=file",
            "--output",
            str(pot),
            "--files-from",
            str(listing),
            *KEYWORDS,
        ],
        check=True,
        capture_output=True,
    )
    found: dict[tuple[str, str], str] = {}
    # parse_po splits the file into the same blank-line-separated blocks: pair them up
    # to name the first file that marks each message.
    blocks = re.split(r"\n[ \t]*\n", pot.read_text(encoding="utf-8").strip())
    for block, entry in zip(blocks, parse_po(pot), strict=True):
        if not entry["msgid"]:
            continue
        where = next((ln[3:].split()[0] for ln in block.splitlines() if ln.startswith("#: ")), "")
        found.setdefault((entry.get("msgctxt", ""), entry["msgid"]), names.get(where, where))
    return found


def catalogued(language: str) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for folder in CATALOG_DIRS:
        path = folder / language / "LC_MESSAGES" / "django.po"
        if path.exists():
            keys.update((e.get("msgctxt", ""), e["msgid"]) for e in parse_po(path))
    return keys


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_every_marked_message_is_in_every_shipped_catalogue(tmp_path: Path) -> None:
    source = extracted(tmp_path)
    assert len(source) > 1000, "the extraction found almost nothing: is xgettext working?"
    problems = []
    for language in SHIPPED:
        have = catalogued(language)
        for (context, msgid), origin in sorted(source.items()):
            if (context, msgid) not in have:
                rel = Path(origin).relative_to(PACKAGE_DIR) if origin.startswith("/") else origin
                problems.append(f"{language}: {msgid[:70]!r} ({rel}) — run `make messages`")
    assert not problems, f"{len(problems)} missing:\n" + "\n".join(problems[:200])

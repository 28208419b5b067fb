"""The committed translations are complete and the compiled .mo files match the .po sources.

German is the source language (msgids); every OFFERED language (settings.OFFERED_LANGUAGES:
those whose platform catalogue is present, docs/languages.md) must translate every message
of every catalogue, so a language appears in the switcher only complete. Leichte Sprache
(de-x-ls) is German: its catalogues are partial by design (German is the fallback); the
core pages it must cover are checked in tests/test_easy_language.py. The .po files are read
with a tiny parser so the test needs neither gettext nor polib.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

import openjobcenter
from openjobcenter.core.languages import EASY_GERMAN, to_locale

PACKAGE_DIR = Path(openjobcenter.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
# The platform catalogue plus one per domain app that keeps its own (``<app>/locale``);
# makemessages routes each source file to the nearest catalogue above it.
CATALOG_DIRS = [LOCALE_DIR, *sorted(PACKAGE_DIR.glob("*/locale"))]
# Catalogue folders of the offered languages (fa-af -> fa_AF, de-x-ls -> de_X-ls).
LANGUAGES = [to_locale(code) for code in settings.OFFERED_LANGUAGES if code != "de"]
PARTIAL = {to_locale(EASY_GERMAN)}
# Python named placeholders as Django writes them: %(name)s, %(ratio).1f, ...
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def parse_po(path: Path) -> list[dict[str, Any]]:
    """Return one dict per entry: flags, msgctxt, msgid, msgid_plural, msgstr (list of forms)."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8").strip()):
        entry: dict[str, Any] = {"flags": set(), "msgstr": {}, "obsolete": False}
        key = ""
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                continue
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            match = FIELD.match(line)
            if match:
                key, text = match.group(1), ast.literal_eval(match.group(2))
            else:
                text = ast.literal_eval(line.strip())
            if key.startswith("msgstr"):
                index = int(key[7:-1]) if "[" in key else 0
                entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
            else:
                entry[key] = entry.get(key, "") + text
        if "msgid" in entry and not entry["obsolete"]:
            entry["msgstr"] = [entry["msgstr"][i] for i in sorted(entry["msgstr"])]
            entries.append(entry)
    return entries


def nplurals(header: str) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    assert match, "Plural-Forms header missing"
    return int(match.group(1))


@pytest.fixture(
    scope="module",
    params=[(d, lang) for d in CATALOG_DIRS for lang in LANGUAGES],
    ids=lambda p: f"{p[0].relative_to(PACKAGE_DIR)}-{p[1]}",
)
def catalog(request):
    locale_dir, lang = request.param
    path = locale_dir / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing; run `make messages` (see docs)"
    entries = parse_po(path)
    header = next(e for e in entries if e["msgid"] == "")
    messages = [e for e in entries if e["msgid"] != ""]
    if lang in PARTIAL:
        # Only what is written counts; the rest is German (gettext's fallback).
        messages = [e for e in messages if any(text.strip() for text in e["msgstr"])]
    return lang, header, messages, path


def test_every_message_is_translated_and_nothing_is_fuzzy(catalog) -> None:
    lang, header, messages, _ = catalog
    assert messages, f"{lang}: no messages"
    forms = nplurals(header["msgstr"][0])
    assert f"Language: {lang}\n" in header["msgstr"][0]
    problems = []
    for e in [header, *messages]:
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {e['msgid'][:60]!r}")
    for e in messages:
        expected = forms if "msgid_plural" in e else 1
        if len(e["msgstr"]) != expected:
            problems.append(f"{len(e['msgstr'])} forms, want {expected}: {e['msgid'][:60]!r}")
        if not all(s.strip() for s in e["msgstr"]):
            problems.append(f"untranslated: {e['msgid'][:60]!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_placeholders_and_surrounding_whitespace_are_kept(catalog) -> None:
    lang, _, messages, _ = catalog
    problems = []
    for e in messages:
        msgid = e["msgid"]
        source = set(PLACEHOLDER.findall(msgid + e.get("msgid_plural", "")))
        for text in e["msgstr"]:
            found = set(PLACEHOLDER.findall(text))
            if found != source:
                problems.append(f"{msgid[:60]!r}: {sorted(source)} vs {sorted(found)}")
            for edge in ("\n", " "):
                starts = msgid.startswith(edge) == text.startswith(edge)
                ends = msgid.endswith(edge) == text.endswith(edge)
                if not (starts and ends):
                    problems.append(f"{msgid[:60]!r}: leading/trailing {edge!r} differs")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_compiled_mo_matches_po(catalog) -> None:
    lang, _, messages, po = catalog
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing; run compilemessages"
    with mo.open("rb") as fh:
        # The parsed catalogue: msgid -> text, (msgid, form) -> text for plurals.
        compiled: dict[Any, str] = vars(gettext.GNUTranslations(fh))["_catalog"]
    expected: dict[Any, str] = {}
    for e in messages:
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            for i, text in enumerate(e["msgstr"]):
                expected[(msgid, i)] = text
        else:
            expected[msgid] = e["msgstr"][0]
    actual = {k: v for k, v in compiled.items() if k != ""}
    stale = sorted(str(k)[:60] for k in expected.keys() ^ actual.keys())
    stale += sorted(
        str(k)[:60] for k in expected.keys() & actual.keys() if expected[k] != actual[k]
    )
    assert not stale, f"{lang}: django.mo is out of date, run compilemessages:\n" + "\n".join(stale)


@pytest.mark.parametrize(
    ("lang", "title", "direction"),
    [
        ("en", "Page not found", "ltr"),
        ("ar", "الصفحة غير موجودة", "rtl"),
        ("uk", "Сторінку не знайдено", "ltr"),
    ],
)
def test_pages_render_in_each_language(client: Client, db, lang, title, direction) -> None:
    html = client.get("/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert title in html
    assert f'lang="{lang}"' in html
    assert f'dir="{direction}"' in html

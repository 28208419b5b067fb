"""Leichte Sprache: the core customer pages are written in it, and its texts stay readable.

Two checks (docs/languages.md):

* every message of the platform's own catalogues that the core pages (start page,
  Leichte-Sprache page, login, registration, Mein Bereich, the self-check) look up while rendering has a
  Leichte-Sprache text; a failing test names the message. Messages of the libraries
  (allauth, Django) stay in their German;
* a readability check of every Leichte-Sprache text (sentence length, word length, passive
  voice) against a baseline file: a text may get better, never worse
  (``tests/easy_language_baseline.json``; ``OJC_UPDATE_BASELINE=1`` rewrites it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import trans_real

from openjobcenter.core.languages import EASY_GERMAN, to_locale
from openjobcenter.core.readability import assess
from openjobcenter.web import easy_language_default
from tests.test_translations import CATALOG_DIRS, PACKAGE_DIR, parse_po

BASELINE = Path(__file__).with_name("easy_language_baseline.json")
LS_FOLDER = to_locale(EASY_GERMAN)


def project_msgids() -> set[Any]:
    """The messages of the platform's own catalogues (the German of libraries is theirs)."""
    ids: set[Any] = set()
    for directory in CATALOG_DIRS:
        path = directory / "en" / "LC_MESSAGES" / "django.po"
        if path.exists():
            for e in parse_po(path):
                if e["msgid"]:
                    ids.add(f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"])
    return ids


def ls_catalogues() -> list[Path]:
    return sorted(
        p for d in CATALOG_DIRS if (p := d / LS_FOLDER / "LC_MESSAGES" / "django.po").exists()
    )


@contextmanager
def recorded_lookups(language: str) -> Iterator[list[str]]:
    """Every msgid looked up in ``language``'s translation while the block runs."""
    translation = trans_real.translation(language)
    seen: list[str] = []
    gettext, ngettext = translation.gettext, translation.ngettext

    def record(message: str) -> str:
        seen.append(message)
        return gettext(message)

    def record_plural(singular: str, plural: str, n: int) -> str:
        seen.append(singular)
        return ngettext(singular, plural, n)

    translation.gettext = record  # type: ignore[method-assign]
    translation.ngettext = record_plural  # type: ignore[method-assign,assignment]
    try:
        yield seen
    finally:
        del translation.gettext
        del translation.ngettext


def missing_on(client: Client, paths: list[str]) -> list[str]:
    translation = trans_real.translation(EASY_GERMAN)
    own = project_msgids()
    with recorded_lookups(EASY_GERMAN) as seen:
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=EASY_GERMAN)
            assert response.status_code == 200, path
            assert f'lang="{EASY_GERMAN}"' in response.content.decode(), path
    catalogue = translation._catalog  # type: ignore[attr-defined]
    return sorted({m for m in seen if m in own and m not in catalogue and (m, 0) not in catalogue})


def test_easy_german_is_offered() -> None:
    assert EASY_GERMAN in settings.OFFERED_LANGUAGES
    assert LS_FOLDER == "de_X-ls"


def test_public_core_pages_are_in_easy_german(client: Client, jc_a) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = EASY_GERMAN
    missing = missing_on(
        client,
        [
            f"/{jc_a.slug}/",
            f"/{jc_a.slug}/leichte-sprache/",
            "/konto/login/",
            f"/konto/signup/?jobcenter={jc_a.slug}",
            f"/{jc_a.slug}/vorabcheck/",
        ],
    )
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)


def test_my_area_is_in_easy_german(customer_client: Client, customer) -> None:
    customer.user.preferred_language = EASY_GERMAN
    customer.user.save(update_fields=["preferred_language"])
    slug = customer.jobcenter.slug
    missing = missing_on(customer_client, [f"/{slug}/mein-bereich/", f"/{slug}/"])
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)


def test_each_easy_german_catalogue_records_who_checked_it() -> None:
    for path in ls_catalogues():
        header = next(e for e in parse_po(path) if e["msgid"] == "")["msgstr"][0]
        assert "X-Checked-By:" in header, f"{path.relative_to(PACKAGE_DIR)}: X-Checked-By fehlt"


def easy_texts() -> dict[str, str]:
    """Every Leichte-Sprache text: the catalogues' translations and the default page."""
    texts: dict[str, str] = {}
    for path in ls_catalogues():
        where = str(path.relative_to(PACKAGE_DIR).parent.parent.parent)
        for e in parse_po(path):
            if e["msgid"] and e["msgstr"] and e["msgstr"][0].strip():
                texts[f"{where}: {e['msgid'][:80]}"] = e["msgstr"][0]
    for section in easy_language_default.SECTIONS:
        texts[f"default page: {section.title}"] = " ".join(section.sentences)
    return texts


@pytest.mark.db_agnostic
def test_easy_german_texts_do_not_get_harder_to_read() -> None:
    scores = {key: assess(text).as_dict() for key, text in sorted(easy_texts().items())}
    if os.environ.get("OJC_UPDATE_BASELINE"):
        BASELINE.write_text(json.dumps(scores, ensure_ascii=False, indent=1) + "\n", "utf-8")
    baseline: dict[str, dict[str, int]] = json.loads(BASELINE.read_text("utf-8"))
    worse = []
    for key, score in scores.items():
        before = baseline.get(key, {"longest_sentence": 12, "long_words": 0, "passive": 0})
        for measure, value in score.items():
            if value > before.get(measure, 0):
                worse.append(f"{key}: {measure} {before.get(measure, 0)} -> {value}")
    assert not worse, "Schwerer zu lesen als vorher:\n" + "\n".join(worse)


@pytest.mark.db_agnostic
def test_readability_measures_sentences_long_words_and_passive() -> None:
    easy = assess("Sie bekommen eine Antwort. Das Job-Center hilft Ihnen.")
    assert easy.as_dict() == {"longest_sentence": 4, "long_words": 0, "passive": 0}
    hard = assess(
        "Ihre Angaben werden nicht gespeichert. Die Datenschutzerklärung wurde vom Jobcenter"
        " geprüft und informiert Sie über alles, was Sie wissen müssen, bevor Sie beginnen."
    )
    assert hard.passive == 2
    assert hard.long_words == 1  # Datenschutzerklärung; Job-Center would be two parts
    assert hard.longest_sentence == 18
    # Placeholders are not words.
    assert assess("Guten Tag, %(name)s").longest_sentence == 3

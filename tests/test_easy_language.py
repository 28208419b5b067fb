"""Leichte Sprache: the core customer pages are written in it, and its texts stay readable.

Two checks (docs/languages.md):

* every message of the platform's own catalogues that the core pages (start page,
  Leichte-Sprache page, login, registration, Mein Bereich) and flows (the self-check and
  its results, the first application with its hints, errors and e-mails, documents and
  requests) look up while rendering has a Leichte-Sprache text; a failing test names the
  message. Messages of the libraries
  (allauth, Django) stay in their German;
* a readability check of every Leichte-Sprache text (sentence length, word length, passive
  voice) against a baseline file: a text may get better, never worse
  (``tests/easy_language_baseline.json``; ``OJC_UPDATE_BASELINE=1`` rewrites it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application
from openjobcenter.core.languages import EASY_GERMAN, to_locale
from openjobcenter.core.readability import assess
from openjobcenter.documents import services as document_services
from openjobcenter.documents.models import Document
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.web import easy_language_default
from tests.applications.customer_data import COUPLE, enable, post_data, save, step_url, version
from tests.documents.conftest import photo, upload
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


def missing_while(run: Callable[[], object]) -> list[str]:
    """The platform's messages looked up in Leichte Sprache while ``run`` runs that have no
    Leichte-Sprache text (each shown as ``msgid``)."""
    translation = trans_real.translation(EASY_GERMAN)
    own = project_msgids()
    with recorded_lookups(EASY_GERMAN) as seen:
        run()
    catalogue = translation._catalog  # type: ignore[attr-defined]
    return sorted({m for m in seen if m in own and m not in catalogue and (m, 0) not in catalogue})


def in_easy_german(response: Any, expected: int = 200) -> Any:
    """``response`` (a test client's) has status ``expected`` and, as a page, is in Leichte
    Sprache."""
    assert response.status_code == expected, (response.status_code, response.content[:2000])
    if expected == 200 and response["Content-Type"].startswith("text/html"):
        assert f'lang="{EASY_GERMAN}"' in response.content.decode()
    return response


def missing_on(client: Client, paths: list[str]) -> list[str]:
    def run() -> None:
        for path in paths:
            in_easy_german(client.get(path, HTTP_ACCEPT_LANGUAGE=EASY_GERMAN))

    return missing_while(run)


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


SELF_CHECK_CASES: list[tuple[dict[str, str], int]] = [
    # One person, rent, a little savings: a claim.
    ({"applicant_age": "35", "rent_m": "520", "service_charges_m": "150", "heating_m": "90",
      "wealth": "2000"}, 200),
    # A couple with two children, both earn, one child gets maintenance: a claim with children.
    ({"applicant_age": "40", "has_partner": "on", "partner_age": "38", "pregnant_week": "20",
      "rent_m": "700", "service_charges_m": "180", "heating_m": "120",
      "decentral_hot_water": "on", "gross_earnings_m": "1200", "net_earnings_m": "950",
      "unemployment_benefit_m": "100", "other_income_m": "50",
      "partner_gross_earnings_m": "520", "partner_net_earnings_m": "520",
      "partner_other_income_m": "20", "child_1_age": "4", "child_1_support_m": "230",
      "child_2_age": "17", "child_2_in_education": "on", "wealth": "500"}, 200),
    # Too much money in the bank: no claim (assets).
    ({"applicant_age": "50", "rent_m": "400", "wealth": "90000"}, 200),
    # A good wage: no claim (income).
    ({"applicant_age": "30", "rent_m": "400", "gross_earnings_m": "5000",
      "net_earnings_m": "3200"}, 200),
    # Mistakes: partner without age, net above gross, age out of range, not a number.
    ({"applicant_age": "12", "has_partner": "on", "gross_earnings_m": "100",
      "net_earnings_m": "900", "rent_m": "viel"}, 400),
]  # fmt: skip


def test_self_check_and_its_result_are_in_easy_german(client: Client, jc_a: Jobcenter) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = EASY_GERMAN
    enable(jc_a)
    path = f"/{jc_a.slug}/vorabcheck/"

    def run() -> None:
        in_easy_german(client.get(path))
        for data, status in SELF_CHECK_CASES:
            page = in_easy_german(client.post(path, data), status)
            if status == 200:
                assert 'id="result"' in page.content.decode()
        # The hand-over to a first application (anonymous: on to the login).
        in_easy_german(client.post(f"/{jc_a.slug}/antrag/aus-vorabcheck/", {}), 302)
        in_easy_german(client.get(path))

    missing = missing_while(run)
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)


def _customer_url(name: str, jc: Jobcenter, **kwargs: Any) -> str:
    return reverse(f"customer:{name}", kwargs={"jc": jc.slug, **kwargs})


def test_first_application_and_its_hints_are_in_easy_german(
    customer_client: Client,
    customer: CustomerProfile,
    outbox: list[Any],
    after_commit_at_once: None,
) -> None:
    customer.user.preferred_language = EASY_GERMAN
    customer.user.save(update_fields=["preferred_language"])
    jc = customer.jobcenter
    enable(jc)
    client = customer_client
    selfcheck = dict(SELF_CHECK_CASES[1][0])

    def run() -> None:
        in_easy_german(client.get(_customer_url("applications", jc)))
        # From the self-check's result into a prefilled first application.
        in_easy_german(client.post(f"/{jc.slug}/antrag/aus-vorabcheck/", selfcheck), 302)
        start = _customer_url("application_start", jc, kind_slug="erstantrag")
        in_easy_german(client.get(start))
        in_easy_german(client.post(start), 302)
        app = Application.objects.get(customer=customer)
        overview = _customer_url("application", jc, pk=app.pk)
        in_easy_german(client.get(overview))
        # Mistakes first: an empty first step, an implausible rent.
        in_easy_german(
            client.post(step_url(app, "filing"), post_data({}, version(app, "filing"))), 400
        )
        for key, values in COUPLE.items():
            in_easy_german(client.get(step_url(app, key)))
            response = save(client, app, key, values)
            assert response.status_code == 302, (key, response.content[:2000])
            in_easy_german(client.get(overview))
        hostile = {**COUPLE["housing"], "cold_rent": "9000", "floor_space": "5"}
        in_easy_german(
            client.post(step_url(app, "housing"), post_data(hostile, version(app, "housing"))), 400
        )
        in_easy_german(client.post(step_url(app, "household"), {
            **post_data(COUPLE["household"], version(app, "household")), "add_member": "1"}))  # fmt: skip
        in_easy_german(client.get(_customer_url("application_proofs", jc, pk=app.pk)))
        submit = _customer_url("application_submit", jc, pk=app.pk)
        in_easy_german(client.get(submit))
        in_easy_german(client.post(submit, {"idempotency_key": "ls-1"}), 302)
        in_easy_german(client.get(overview))
        in_easy_german(client.get(_customer_url("application_receipt", jc, pk=app.pk)))
        in_easy_german(client.get(_customer_url("applications", jc)))

    missing = missing_while(run)
    assert outbox, "the receipt e-mails were written while the lookups were recorded"
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)


def test_documents_and_requests_are_in_easy_german(
    customer_client: Client,
    customer: CustomerProfile,
    outbox: list[Any],
    settings: Any,
    tmp_path: Path,
    after_commit_at_once: None,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    customer.user.preferred_language = EASY_GERMAN
    customer.user.save(update_fields=["preferred_language"])
    jc = customer.jobcenter
    jc.enabled_modules = sorted({*jc.enabled_modules, "documents", "applications"})
    jc.save()
    client = customer_client

    def run() -> None:
        listing = _customer_url("documents", jc)
        in_easy_german(client.get(listing))
        document_services.document_request_create(
            request=None,
            jobcenter=jc,
            customer=customer,
            items=[
                document_services.RequestItemInput(kind="payslip", reason="Lohn Oktober"),
                document_services.RequestItemInput(kind="bank_statement", reason=""),
            ],
            deadline=timezone.localdate() + timedelta(days=10),
            explanation="Für Ihren Antrag",
        )
        in_easy_german(client.get(listing))
        upload_page = _customer_url("document_upload", jc)
        in_easy_german(client.get(upload_page))
        in_easy_german(client.get(upload_page + "?kind=payslip"))
        in_easy_german(client.post(upload_page, {"kind": "payslip"}), 422)  # no file: an error
        page = client.post(
            _customer_url("document_page_upload", jc), {"file": upload(b"MZ\x90evil", "x.jpg")}
        )
        assert page.status_code == 422
        response = client.post(
            upload_page, {"kind": "payslip", "uploads": [upload(photo(1), "a.jpg")]}, follow=True
        )
        in_easy_german(response)
        document = Document.objects.filter(customer=customer).latest("pk")
        in_easy_german(client.get(_customer_url("document", jc, pk=document.pk)))
        in_easy_german(client.get(listing))

    missing = missing_while(run)
    assert outbox, "the request's e-mail was written while the lookups were recorded"
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)


def test_each_easy_german_catalogue_records_who_checked_it() -> None:
    for path in ls_catalogues():
        header = next(e for e in parse_po(path) if e["msgid"] == "")["msgstr"][0]
        assert "X-Checked-By:" in header, f"{path.relative_to(PACKAGE_DIR)}: X-Checked-By fehlt"


@pytest.mark.db_agnostic
def test_easy_german_keeps_the_formal_german_of_the_login_library() -> None:
    """locale_overrides/de_X-ls (Django's field messages in Leichte Sprache) makes
    locale_overrides/de only a fallback for Leichte Sprache: it must repeat its "Sie"."""
    overrides = PACKAGE_DIR / "locale_overrides"
    formal = {e["msgid"] for e in parse_po(overrides / "de" / "LC_MESSAGES" / "django.po")}
    easy = {
        e["msgid"]
        for e in parse_po(overrides / LS_FOLDER / "LC_MESSAGES" / "django.po")
        if e["msgstr"] and e["msgstr"][0]
    }
    assert not sorted(formal - easy), "In locale_overrides/de_X-ls fehlt:\n" + "\n".join(
        sorted(formal - easy)
    )
    translation = trans_real.translation(EASY_GERMAN)
    # Written in Leichte Sprache now (issue 23.5), still with "Sie", never allauth's "du".
    assert translation.gettext("Please type your current password.") == (
        "Bitte schreiben Sie Ihr jetziges Pass-Wort."
    )
    assert translation.gettext("Too many failed login attempts. Try again later.").startswith(
        "Die Anmeldung hat zu oft nicht geklappt."
    )
    assert translation.gettext("This field is required.") == "Bitte füllen Sie dieses Feld aus."


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

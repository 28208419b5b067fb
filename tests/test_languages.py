"""Which languages are offered, and that anything else is German without an error page.

Languages are offered when their platform catalogue translates something
(core/languages.py); codes from URLs, cookies and profiles that name no offered language
fall back to German. Further languages get one short page each; every job centre has a
page in Leichte Sprache with a slot for a sign-language video.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from openjobcenter.core.languages import (
    EASY_GERMAN,
    catalogue_messages,
    usable_language,
    with_catalogue,
)
from openjobcenter.web.further_languages import FURTHER_LANGUAGES

ONLY_GERMAN_AND_ENGLISH = [("de", "Deutsch"), ("en", "Englisch")]


def write_mo(path: Path, entries: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<III", 0x950412DE, 0, entries) + b"\0" * 16)


@pytest.mark.db_agnostic
def test_a_language_is_offered_only_with_a_catalogue_that_translates(tmp_path: Path) -> None:
    write_mo(tmp_path / "en" / "LC_MESSAGES" / "django.mo", 300)
    write_mo(tmp_path / "tr" / "LC_MESSAGES" / "django.mo", 1)  # header only (make messages)
    write_mo(tmp_path / "fa_AF" / "LC_MESSAGES" / "django.mo", 12)
    (tmp_path / "pl" / "LC_MESSAGES").mkdir(parents=True)  # a folder, no catalogue
    found = with_catalogue(tmp_path, ["de", "en", "tr", "fa-af", "pl", EASY_GERMAN])
    assert found == ["de", "en", "fa-af"]
    assert catalogue_messages(tmp_path / "nowhere.mo") == 0


@pytest.mark.db_agnostic
def test_offered_languages_are_those_with_catalogues_and_dari_is_right_to_left() -> None:
    offered = settings.OFFERED_LANGUAGES
    assert offered[:2] == ["de", EASY_GERMAN]
    assert {"en", "ar", "uk"} <= set(offered)
    assert [code for code, _ in settings.LANGUAGES] == offered
    assert {code for code, _ in settings.ALL_LANGUAGES} >= {"tr", "ru", "fa", "fa-af", "pl", "ro"}
    info = translation.get_language_info("fa-af")
    assert (info["name"], info["name_local"], info["bidi"]) == ("Dari", "دری", True)
    with translation.override("fa-af"):
        assert translation.get_language_bidi()
    assert translation.to_locale(EASY_GERMAN) == "de_X-ls"


@pytest.mark.parametrize(
    "header", ["xx", "tlh-KL", "../../etc/passwd", "de-x-ls-zz-" + "a" * 200, "*"]
)
def test_unknown_language_in_accept_language_is_german(client: Client, db, header: str) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in response.content.decode()


@pytest.mark.parametrize("cookie", ["klingon", "xx-yy", "", "de_X-ls/../../", "ar\x00"])
def test_unknown_language_cookie_is_german(client: Client, db, cookie: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in response.content.decode()


@override_settings(LANGUAGES=ONLY_GERMAN_AND_ENGLISH)
def test_a_language_without_catalogue_is_german_from_cookie_switch_and_profile(
    customer_client: Client, customer
) -> None:
    # Django itself ships Turkish messages; not offered here, so German all the same.
    customer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    html = customer_client.get("/fulda/").content.decode()
    assert '<html lang="de" dir="ltr">' in html
    switched = customer_client.post("/sprache/", {"language": "tr", "next": "/fulda/"})
    assert switched.status_code == 302
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == "de"
    assert usable_language("tr") == "de"
    assert usable_language("en") == "en"


def test_unknown_language_in_profile_is_german_without_error(
    customer_client: Client, customer
) -> None:
    # A code that is not (or no longer) valid, written around the form's choices.
    type(customer.user).objects.filter(pk=customer.user.pk).update(preferred_language="xx")
    response = customer_client.get("/fulda/mein-bereich/")
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert usable_language("xx") == "de"
    assert usable_language(None) == "de"


def test_easy_german_is_stored_in_the_profile_and_survives_login(client: Client, customer) -> None:
    from tests.conftest import PASSWORD

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = EASY_GERMAN
    client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    client.post("/sprache/", {"language": EASY_GERMAN, "next": "/fulda/"})
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == EASY_GERMAN
    # Another device: no cookie, the profile decides after login.
    other = Client()
    other.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    html = other.get("/fulda/mein-bereich/").content.decode()
    assert f'<html lang="{EASY_GERMAN}" dir="ltr">' in html
    assert "Das müssen Sie jetzt machen" in html


def test_switcher_lists_offered_languages_and_links_to_other_languages(client: Client, db) -> None:
    html = client.get("/").content.decode()
    for code in settings.OFFERED_LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in html
    assert 'value="tr"' not in html or "tr" in settings.OFFERED_LANGUAGES
    assert 'href="/sprachen/"' in html
    page = client.get("/sprachen/").content.decode()
    for language in FURTHER_LANGUAGES:
        assert f'href="/sprachen/{language.code}/"' in page


@pytest.mark.parametrize("language", FURTHER_LANGUAGES, ids=lambda lang: lang.code)
def test_each_further_language_has_its_page_in_that_language(client: Client, db, language) -> None:
    html = client.get(f"/sprachen/{language.code}/").content.decode()
    direction = "rtl" if language.rtl else "ltr"
    assert f'<div lang="{language.code}" dir="{direction}"' in html
    assert "§ 19 SGB X" in html
    assert language.paragraphs[0] in html


def test_an_unknown_further_language_leads_to_the_list(client: Client, db) -> None:
    response = client.get("/sprachen/klingonisch/")
    assert response.status_code == 302
    assert response["Location"] == "/sprachen/"


def test_easy_language_page_has_default_text_pictograms_and_own_text(client: Client, jc_a) -> None:
    html = client.get("/fulda/leichte-sprache/").content.decode()
    assert "Das ist die Internet-Seite von Ihrem Job-Center." in html
    assert "web/pictograms/calendar" in html
    assert 'id="gebaerdensprache"' in html
    assert "Dann sagen Sie das dem Job-Center." in html  # no sign video yet
    jc_a.easy_language = "Hier steht unser eigener Text."
    jc_a.save(update_fields=["easy_language"])
    own = client.get("/fulda/leichte-sprache/").content.decode()
    assert "Hier steht unser eigener Text." in own
    assert "Das ist die Internet-Seite von Ihrem Job-Center." not in own
    start = client.get("/fulda/").content.decode()
    assert 'href="/fulda/leichte-sprache/"' in start
    assert 'href="/fulda/leichte-sprache/#gebaerdensprache"' in start


def _log_in(client: Client) -> None:
    from tests.conftest import PASSWORD

    response = client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert response.status_code == 302


def _german_profile(customer) -> None:
    customer.user.preferred_language = "de"
    customer.user.save(update_fields=["preferred_language"])


def test_a_language_chosen_before_login_survives_it_and_is_stored_in_the_profile(
    client: Client, customer
) -> None:
    from openjobcenter.core.models import AuditEntry

    _german_profile(customer)
    # On the login page, before logging in: the switcher.
    assert client.get("/konto/login/").status_code == 200
    switched = client.post("/sprache/", {"language": "fa", "next": "/konto/login/"})
    assert switched.status_code == 302
    assert '<html lang="fa" dir="rtl">' in client.get("/konto/login/").content.decode()
    _log_in(client)
    response = client.get("/fulda/mein-bereich/")
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in response.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == "fa"
    entry = AuditEntry.objects.get(object_type="customer_profile", object_id=str(customer.pk))
    assert entry.detail == "fields=preferred_language"
    assert entry.subject_id == customer.user.pk
    # The choice was used once: on another device, the profile (now Farsi) decides.
    other = Client()
    _log_in(other)
    assert '<html lang="fa" dir="rtl">' in other.get("/fulda/mein-bereich/").content.decode()


def test_without_a_choice_before_login_the_profile_language_wins(client: Client, customer) -> None:
    from openjobcenter.core.models import AuditEntry

    _german_profile(customer)
    # The browser asks for Farsi, and the cookie still holds the Farsi of whoever was
    # logged in on this device before: neither is a choice of this person.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    assert (
        '<html lang="fa" dir="rtl">' in client.get("/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    )
    client.post(
        "/konto/login/", {"login": "kunde@example.org", "password": "x"}, HTTP_ACCEPT_LANGUAGE="fa"
    )
    _log_in(client)
    response = client.get("/fulda/mein-bereich/", HTTP_ACCEPT_LANGUAGE="fa")
    assert '<html lang="de" dir="ltr">' in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == "de"
    assert not AuditEntry.objects.filter(detail="fields=preferred_language").exists()


@pytest.mark.parametrize("cookie", ["klingon", "", "fa\x00", "../../etc/passwd"])
def test_a_bogus_language_cookie_at_login_keeps_the_profile_language(
    client: Client, customer, cookie: str
) -> None:
    _german_profile(customer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    _log_in(client)
    response = client.get("/fulda/mein-bereich/")
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in response.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == "de"


def test_a_bogus_choice_before_login_is_german_and_the_profile_keeps_its_language(
    client: Client, customer
) -> None:
    customer.user.preferred_language = "en"
    customer.user.save(update_fields=["preferred_language"])
    switched = client.post("/sprache/", {"language": "xx-klingon", "next": "/"})
    assert switched.status_code == 302
    # The switcher made it German; German chosen before login is a choice all the same.
    _log_in(client)
    html = client.get("/fulda/mein-bereich/").content.decode()
    assert '<html lang="de" dir="ltr">' in html
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == "de"

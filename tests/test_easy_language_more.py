"""Leichte Sprache and other languages where German used to leak through (issue 23.5):
allauth's login refusal, and the self-check's legal-status line that came from the German
rules data."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ONE_PERSON = {"applicant_age": "35", "rent_m": "520", "heating_m": "90", "wealth": "2000"}


def test_a_refused_login_says_so_in_easy_german(client: Client) -> None:
    make_user("kunde-ls@example.org", "Lea", "Leicht")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = EASY_GERMAN
    page = client.post(
        "/konto/login/", {"login": "kunde-ls@example.org", "password": "falsch-falsch-1"}
    ).content.decode()
    assert "Die E-Mail-Adresse oder das Pass-Wort ist falsch." in page
    assert "sind leider falsch" not in page
    german = Client().post(
        "/konto/login/", {"login": "kunde-ls@example.org", "password": "falsch-falsch-1"}
    )
    assert "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in german.content.decode()


@pytest.mark.parametrize("language", ["tr", "fa", EASY_GERMAN])
def test_the_self_check_names_the_legal_state_in_the_readers_language(
    client: Client, jc_a: Jobcenter, language: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.post(f"/{jc_a.slug}/vorabcheck/", ONE_PERSON).content.decode()
    assert 'id="result"' in page
    assert "(RBSFV" not in page  # the rules data's German title
    with translation.override(language):
        parts = translation.gettext("Rechtsstand ab %(date)s").split("%(date)s")
    line = max(parts, key=len).strip()
    assert line and line in page
    german = Client().post(f"/{jc_a.slug}/vorabcheck/", ONE_PERSON).content.decode()
    assert "(RBSFV" in german

"""The German UI addresses people formally ("Sie"), also on the pages and in the e-mails of allauth.

allauth's own German translation says "du"; src/openjobcenter/locale_overrides replaces those
messages. These tests render the account pages and mails in German and look for informal words.
"""

from __future__ import annotations

import gettext
import html
import re
from pathlib import Path
from typing import Any

import allauth
import pytest
from django.test import Client
from django.utils import translation

import openjobcenter
from openjobcenter.accounts.models import Role, User

from .conftest import PASSWORD, login_with_mfa, make_staff
from .test_translations import parse_po

GERMAN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "de"}
INFORMAL_WORDS = "du|dich|dir|dein|deine|deinen|deinem|deiner|deines|hast|bist|kannst"
INFORMAL = re.compile(rf"\b({INFORMAL_WORDS})\b", re.IGNORECASE)
# For whole catalogues: also the informal verb forms allauth's German uses.
INFORMAL_STRICT = re.compile(
    rf"\b({INFORMAL_WORDS}|möchtest|willst|musst|solltest|erhältst|siehst|nutzt|gib|klicke?"
    r"|bestätige|melde|wähle|lass|rufe|folge|versuche|überprüfe|kontaktiere|verwende)\b",
    re.IGNORECASE,
)
OVERRIDES = (
    Path(openjobcenter.__file__).resolve().parent / "locale_overrides" / "de" / "LC_MESSAGES"
)
ALLAUTH_DE_PO = Path(allauth.__file__).resolve().parent / "locale/de/LC_MESSAGES/django.po"
SIGNUP = {
    "jobcenter": "fulda",
    "first_name": "Olena",
    "last_name": "Kovalenko",
    "email": "olena@example.org",
    "password1": "Ein-sicheres-Passwort-9",
    "password2": "Ein-sicheres-Passwort-9",
}


def visible_text(markup: str) -> str:
    """Text a person sees or hears: tag contents plus labels kept in attributes."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    labels = re.findall(r'(?i)\b(?:aria-label|title|placeholder|alt)="([^"]*)"', markup)
    text = re.sub(r"(?s)<[^>]+>", " ", markup)
    return html.unescape(" ".join([text, *labels]))


def assert_formal(text: str, where: str) -> None:
    found = sorted({m.group(0) for m in INFORMAL.finditer(text)})
    assert not found, f"{where}: informal address {found} in:\n{text}"


def assert_page_formal(client: Client, url: str, expected_status: int = 200) -> str:
    response = client.get(url, **GERMAN)
    assert response.status_code == expected_status, (url, response.status_code)
    assert response.headers["Content-Language"] == "de"
    text = visible_text(response.content.decode())
    assert_formal(text, url)
    return text


def mail_link(body: str, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", body)
    assert match, f"no {path} link in:\n{body}"
    return match.group(1)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/konto/login/", "Sie haben noch kein Konto?"),
        ("/konto/signup/?jobcenter=fulda", "Sie haben schon ein Konto?"),
        ("/konto/password/reset/", "Geben Sie unten Ihre E-Mail-Adresse ein"),
        ("/konto/password/reset/done/", "Wir haben Ihnen eine E-Mail geschickt"),
        ("/konto/password/reset/key/0-falsch/", "Der Link zum Zurücksetzen"),
        ("/konto/confirm-email/falsch/", "Dieser Bestätigungslink ist abgelaufen"),
    ],
)
def test_anonymous_account_pages_are_formal(client: Client, jc_a, url, expected) -> None:
    text = assert_page_formal(client, url)
    assert expected in text


def test_signup_verification_page_and_mail_are_formal(
    client: Client, jc_a, outbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/signup/", SIGNUP, **GERMAN)
    assert response.status_code == 302
    assert response["Location"] == "/konto/confirm-email/"
    text = assert_page_formal(client, "/konto/confirm-email/")
    assert "Bestätigen Sie Ihre E-Mail-Adresse" in text
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.subject.endswith("Bitte bestätigen Sie Ihre E-Mail-Adresse")
    assert "Bitte bestätigen Sie sie" in mail.body
    assert_formal(f"{mail.subject}\n{mail.body}", "signup mail")
    text = assert_page_formal(client, mail_link(mail.body, "/konto/confirm-email/"))
    assert "Bitte bestätigen Sie, dass" in text


def test_password_reset_mail_and_new_password_page_are_formal(
    client: Client, customer, outbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": customer.user.email}, **GERMAN)
    assert response.status_code == 302
    assert len(outbox) == 1
    mail = outbox[0]
    assert "Sie erhalten diese E-Mail" in mail.body
    assert_formal(f"{mail.subject}\n{mail.body}", "password reset mail")
    # The link redirects once to a URL without the key, which shows the new-password form.
    response = client.get(mail_link(mail.body, "/konto/password/reset/key/"), **GERMAN)
    assert response.status_code == 302
    text = assert_page_formal(client, response["Location"])
    assert "Passwort" in text


def reauthenticate(client: Client) -> None:
    """Give the password again, as allauth asks before sensitive account changes."""
    assert_page_formal(client, "/konto/reauthenticate/")
    response = client.post("/konto/reauthenticate/", {"password": PASSWORD}, **GERMAN)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/konto/email/",
        "/konto/password/change/",
        "/konto/2fa/",
        "/konto/2fa/totp/activate/",
        "/konto/2fa/webauthn/add/",
        "/konto/logout/",
    ],
)
def test_pages_for_a_logged_in_customer_are_formal(client: Client, customer, url) -> None:
    client.force_login(customer.user)
    reauthenticate(client)
    assert_page_formal(client, url)


@pytest.mark.parametrize(
    "url",
    [
        "/konto/2fa/",
        "/konto/2fa/reauthenticate/",
        "/konto/2fa/totp/deactivate/",
        "/konto/2fa/recovery-codes/generate/",
    ],
)
def test_two_factor_pages_for_staff_with_an_authenticator_app_are_formal(
    client: Client, jc_a, url
) -> None:
    login_with_mfa(client, make_staff(jc_a, Role.CASEWORKER, "sb@a.example.org"))
    reauthenticate(client)
    assert_page_formal(client, url)


def test_messages_after_sign_out_are_formal(client: Client, customer) -> None:
    client.force_login(customer.user)
    response = client.post("/konto/logout/", **GERMAN, follow=True)
    assert "Sie haben sich abgemeldet." in visible_text(response.content.decode())
    assert_formal(visible_text(response.content.decode()), "after logout")


def test_wrong_password_and_mismatch_errors_are_formal(client: Client, customer, jc_a) -> None:
    response = client.post(
        "/konto/login/", {"login": customer.user.email, "password": PASSWORD + "x"}, **GERMAN
    )
    assert_formal(visible_text(response.content.decode()), "failed login")
    response = client.post(
        "/konto/signup/", {**SIGNUP, "password2": "Ein-anderes-Passwort-7"}, **GERMAN
    )
    assert response.status_code == 200
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    text = visible_text(response.content.decode())
    assert_formal(text, "signup with errors")


def test_every_allauth_message_is_formal_in_german() -> None:
    """Covers the pages and mails not rendered above (phone, third-party login, OIDC, ...)."""
    informal = []
    with translation.override("de"):
        for entry in parse_po(ALLAUTH_DE_PO):
            msgid = entry["msgid"]
            if not msgid:
                continue
            if "msgid_plural" in entry:
                texts = [translation.ngettext(msgid, entry["msgid_plural"], n) for n in (1, 2)]
            elif "msgctxt" in entry:
                texts = [translation.pgettext(entry["msgctxt"], msgid)]
            else:
                texts = [translation.gettext(msgid)]
            informal += [(msgid, t) for t in texts if INFORMAL_STRICT.search(t)]
    assert not informal, "\n".join(f"{m!r} -> {t!r}" for m, t in informal)


def test_override_catalogue_is_compiled_and_matches_allauth() -> None:
    entries = [e for e in parse_po(OVERRIDES / "django.po") if e["msgid"]]
    allauth_ids = {e["msgid"] for e in parse_po(ALLAUTH_DE_PO)}
    with (OVERRIDES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert entries
    for entry in entries:
        # A msgid allauth no longer uses is dead weight: remove it after an upgrade.
        assert entry["msgid"] in allauth_ids, entry["msgid"]
        assert not INFORMAL_STRICT.search(entry["msgstr"][0]), entry["msgstr"][0]
        # The committed .mo must be compiled from the committed .po.
        assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]

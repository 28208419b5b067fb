from __future__ import annotations

import re

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.core import audit_buffer
from openjobcenter.core.models import AuditEntry

from .conftest import PASSWORD


def _signup(client: Client, **overrides: str):
    data = {
        "jobcenter": "fulda",
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "email": "olena@example.org",
        "password1": "Ein-sicheres-Passwort-9",
        "password2": "Ein-sicheres-Passwort-9",
    }
    data.update(overrides)
    return client.post("/konto/signup/", data)


def test_registration_verifies_email_then_logs_in_to_own_job_centre(
    client: Client, jc_a, outbox, django_capture_on_commit_callbacks
) -> None:
    form = client.get("/konto/signup/?jobcenter=fulda").content.decode()
    assert '<option value="fulda" selected>' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="olena@example.org")
    profile = CustomerProfile.objects.get(user=user)
    assert profile.jobcenter == jc_a
    assert profile.customer_number is None  # assigned by the job centre, not by the system
    assert (user.first_name, user.last_name) == ("Olena", "Kovalenko")
    # Not logged in before the address is confirmed.
    assert client.get("/fulda/mein-bereich/").status_code == 302
    assert len(outbox) == 1
    link = re.search(r"https?://[^\s]+/konto/confirm-email/[^\s]+/", outbox[0].body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]
    confirm = client.post(path)
    assert confirm.status_code == 302
    home = client.get("/konto/weiter/", follow=True)
    assert home.redirect_chain[-1][0] == "/fulda/mein-bereich/"
    assert "Guten Tag, <bdi>Olena Kovalenko</bdi>" in home.content.decode()
    assert AuditEntry.objects.filter(
        subject=user, object_type="customer_profile", action="create"
    ).exists()


def test_registration_with_errors_keeps_input_and_shows_summary(client: Client, jc_a) -> None:
    response = _signup(client, password2="anders-Passwort-1", email="kein-at-zeichen")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert 'href="#id_email"' in html
    assert 'value="Kovalenko"' in html
    assert not User.objects.filter(last_name="Kovalenko").exists()


def test_registration_refuses_unknown_job_centre(client: Client, jc_a) -> None:
    response = _signup(client, jobcenter="atlantis")
    assert response.status_code == 200
    assert not User.objects.filter(email="olena@example.org").exists()


def test_login_logout_and_login_audit(client: Client, customer) -> None:
    response = client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/fulda/mein-bereich/").status_code == 200
    assert AuditEntry.objects.filter(action="login", subject=customer.user).exists()
    client.post("/konto/logout/")
    assert client.get("/fulda/mein-bereich/").status_code == 302
    assert AuditEntry.objects.filter(action="logout", subject=customer.user).exists()


def test_wrong_password_is_refused_audited_and_locked_out(client: Client, customer) -> None:
    for _ in range(5):
        response = client.post(
            "/konto/login/", {"login": "kunde@example.org", "password": "falsch"}
        )
        assert response.status_code == 200
        assert "leider falsch" in response.content.decode()
    assert AuditEntry.objects.filter(action="login_failed").count() == 5
    # After repeated failures even the right password is refused for a while.
    response = client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get("/fulda/mein-bereich/").status_code == 302


def test_password_reset_sends_a_mail(
    client: Client, customer, outbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": "kunde@example.org"})
    assert response.status_code == 302
    assert len(outbox) == 1
    assert "/konto/password/reset/key/" in outbox[0].body


def test_profile_view_and_edit_are_audited(customer_client: Client, customer) -> None:
    page = customer_client.get("/fulda/mein-bereich/profil/")
    assert page.status_code == 200
    assert "A-1001" in page.content.decode()
    audit_buffer.flush()
    assert AuditEntry.objects.filter(
        action="read", object_type="customer_profile", subject=customer.user
    ).exists()
    response = customer_client.post(
        "/fulda/mein-bereich/profil/",
        {
            "first_name": "Karl",
            "last_name": "Kunde",
            "street": "Am Markt 1",
            "postcode": "36037",
            "city": "Fulda",
            "phone": "0661 123456",
            "contact_channel": "phone",
            "preferred_language": "uk",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    customer.user.refresh_from_db()
    assert (customer.street, customer.contact_channel, customer.user.preferred_language) == (
        "Am Markt 1",
        "phone",
        "uk",
    )
    entry = AuditEntry.objects.filter(action="update", object_type="customer_profile").get()
    assert "street" in entry.detail and "preferred_language" in entry.detail
    # The remembered language is used on the next page, on any device.
    assert customer_client.get("/fulda/").headers["Content-Language"] == "uk"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "3603", "fünf Ziffern"),
        ("phone", "<script>", "Ziffern"),
        ("first_name", "", "erforderlich"),
        ("contact_channel", "pigeon", "gültige Auswahl"),
        ("preferred_language", "xx", "gültige Auswahl"),
    ],
)
def test_profile_rejects_bad_input_and_keeps_the_rest(
    customer_client: Client, customer, field, value, message
) -> None:
    data = {
        "first_name": "Karl",
        "last_name": "Kunde",
        "street": "Neue Straße 5",
        "postcode": "36037",
        "city": "Fulda",
        "phone": "",
        "contact_channel": "email",
        "preferred_language": "de",
    }
    data[field] = value
    response = customer_client.post("/fulda/mein-bereich/profil/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert message in html
    assert 'value="Neue Straße 5"' in html
    customer.refresh_from_db()
    assert customer.street == ""


def test_language_switch_is_remembered_for_the_logged_in_user(
    customer_client: Client, customer
) -> None:
    response = customer_client.post("/sprache/", {"language": "ar", "next": "/fulda/"})
    assert response.status_code == 302
    assert response["Location"] == "/fulda/"
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == "ar"
    html = customer_client.get("/fulda/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_language_switch_turns_unknown_language_into_german_and_refuses_foreign_redirect(
    client: Client, db
) -> None:
    # An unknown code is no error page: German, and back to the page.
    unknown = client.post("/sprache/", {"language": "klingon", "next": "/"})
    assert unknown.status_code == 302
    assert unknown.cookies["django_language"].value == "de"
    response = client.post("/sprache/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_customer_can_turn_on_totp(client: Client, customer) -> None:
    import pyotp
    from allauth.mfa.models import Authenticator

    client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    # allauth asks for the password again before a second factor is added.
    assert client.get("/konto/2fa/totp/activate/").status_code == 302
    client.post("/konto/reauthenticate/?next=/konto/2fa/totp/activate/", {"password": PASSWORD})
    page = client.get("/konto/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/konto/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=customer.user, type="totp").exists()

"""What a broken or hostile provider answer gets: a German message and a 4xx (or 503
when the provider is down), no login, nothing created, an audit entry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from openjobcenter.accounts.models import StaffMembership, User
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.identity.models import ExternalIdentity, IdentityProvider
from openjobcenter.tenants.models import Jobcenter
from tests.identity.idp import TestProvider, finish_login, provider_login, sso_login, start_login


def assert_nothing_created(client: Client, users_before: int) -> None:
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert not StaffMembership.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "fault", ["signature", "expired", "issuer", "audience", "nonce", "no_email"]
)
def test_a_bad_id_token_is_refused(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, fault: str
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    idp.fault(fault)
    users = User.objects.count()
    response = sso_login(client, idp, "sso-test", "klara")
    assert response.status_code in (400, 403), fault
    page = response.content.decode()
    assert "Anmeldung nicht möglich" in page
    assert_nothing_created(client, users)
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail.startswith("sso:sso-test:")
    # The password login stays open where the job centre allows it.
    assert "mit Ihrer E-Mail-Adresse und Ihrem Passwort anmelden" in page


def test_a_missing_address_names_what_is_missing(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    idp.fault("no_email")
    response = sso_login(client, idp, "sso-test", "klara")
    assert response.status_code == 403
    assert "Kennung und E-Mail-Adresse" in response.content.decode()


def test_a_replayed_callback_is_refused(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    callback = provider_login(idp, start_login(client, "sso-test"), "klara")
    assert finish_login(client, callback).status_code == 200
    client.logout()
    # The same state (and code) again, as an attacker who saw the address would try.
    response = finish_login(client, callback)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_state_from_another_browser_is_refused(
    idp: TestProvider, sso_provider: IdentityProvider
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    victim, attacker = Client(), Client()
    callback = provider_login(idp, start_login(attacker, "sso-test"), "klara")
    users = User.objects.count()
    response = finish_login(victim, callback)
    assert response.status_code == 400
    assert User.objects.count() == users


def test_the_nonce_sent_is_the_one_required(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider
) -> None:
    authorize = start_login(client, "sso-test")
    nonce = parse_qs(urlsplit(authorize).query)["nonce"][0]
    assert len(nonce) >= 24
    assert parse_qs(urlsplit(authorize).query)["code_challenge_method"] == ["S256"]


def test_provider_down_gives_a_clear_message_and_nothing_else(
    client: Client, idp: TestProvider, jc_a: Jobcenter
) -> None:
    from tests.identity.conftest import make_provider

    provider = make_provider(idp, jc_a)
    provider.issuer = "http://127.0.0.1:9/o"  # nothing listens on the discard port
    provider.save()
    users = User.objects.count()
    response = client.post("/konto/oidc/sso-test/login/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "gerade nicht erreichbar" in page
    assert "mit Ihrer E-Mail-Adresse und Ihrem Passwort anmelden" in page
    assert_nothing_created(client, users)


def test_provider_down_without_local_passwords_offers_no_password_login(
    client: Client, idp: TestProvider, jc_a: Jobcenter
) -> None:
    from tests.identity.conftest import make_provider

    provider = make_provider(idp, jc_a, allow_local_passwords=False)
    provider.issuer = "http://127.0.0.1:9/o"
    provider.save()
    response = client.post("/konto/oidc/sso-test/login/")
    assert response.status_code == 503
    assert "Passwort anmelden" not in response.content.decode()


def test_a_disabled_or_unknown_provider_is_not_found(
    client: Client, sso_provider: IdentityProvider
) -> None:
    assert client.post("/konto/oidc/gibt-es-nicht/login/").status_code == 404
    sso_provider.enabled = False
    sso_provider.save()
    assert client.post("/konto/oidc/sso-test/login/").status_code == 404

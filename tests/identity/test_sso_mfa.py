"""The platform's own second factor and the provider's: a person who also set up the
platform's TOTP is not asked for it when the provider's acr/amr already counted, and is
asked for it when the provider's login was too weak."""

from __future__ import annotations

import pyotp
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from openjobcenter.accounts.models import User
from openjobcenter.core.access import SSO_SESSION_KEY
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.identity.models import IdentityProvider
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import TOTP_SECRET
from tests.identity.idp import TestProvider, sso_login


def _with_platform_totp(client: Client, idp: TestProvider, username: str) -> User:
    """A first SSO login creates the account; then the person sets up the platform's
    TOTP as well, and logs out."""
    sso_login(client, idp, "sso-test", username)
    user = User.objects.get(email=f"{username}@kreis.example")
    TOTP.activate(user, TOTP_SECRET)
    client.logout()
    return user


def test_platform_totp_is_not_asked_when_the_providers_amr_counted(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["pwd", "otp"])
    user = _with_platform_totp(client, idp, "klara")
    response = sso_login(client, idp, "sso-test", "klara")
    assert response.status_code == 200
    assert [url for url, _code in response.redirect_chain if "/konto/2fa/" in url] == []
    assert response.redirect_chain[-1][0] == f"/{jc_a.slug}/staff/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SSO_SESSION_KEY]["second_factor"] is True
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.LOGIN, subject=user, detail="sso:sso-test,second_factor=provider"
        ).count()
        == 2
    )


def test_platform_totp_is_not_asked_when_the_providers_acr_counted(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    sso_provider.second_factor_acr = "urn:kreis:loa:hoch"
    sso_provider.second_factor_amr = ""
    sso_provider.save()
    idp.set_user("paul", groups=["JC-Leistung"], acr="urn:kreis:loa:hoch")
    _with_platform_totp(client, idp, "paul")
    response = sso_login(client, idp, "sso-test", "paul")
    assert response.redirect_chain[-1][0] == f"/{jc_a.slug}/staff/"
    assert "Paul" in response.content.decode()


def test_acr_too_low_asks_for_the_platforms_totp(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    sso_provider.second_factor_acr = "urn:kreis:loa:hoch"
    sso_provider.second_factor_amr = ""
    sso_provider.save()
    idp.set_user("paul", groups=["JC-Leistung"], acr="urn:kreis:loa:niedrig", amr=["otp"])
    user = _with_platform_totp(client, idp, "paul")
    response = sso_login(client, idp, "sso-test", "paul", next_url=f"/{jc_a.slug}/staff/")
    # allauth's login stage asks for the platform's code before the session is opened.
    assert response.redirect_chain[-1][0] == "/konto/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/konto/2fa/authenticate/", {"code": pyotp.TOTP(TOTP_SECRET).now()}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/{jc_a.slug}/staff/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SSO_SESSION_KEY]["second_factor"] is False
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN, subject=user, detail="sso:sso-test,second_factor=platform"
    ).exists()


def test_the_providers_second_factor_does_not_open_the_operators_admin(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    # Made an operator after an SSO login (operators are never created by SSO): the
    # provider's factor opens the staff area, never /admin/, which wants the platform's.
    idp.set_user("klara", groups=["JC-Admins"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    User.objects.filter(email="klara@kreis.example").update(is_staff=True, is_superuser=True)
    assert client.session[SSO_SESSION_KEY]["second_factor"] is True
    assert client.get(f"/{jc_a.slug}/staff/").status_code == 200
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "klara@kreis.example" not in response.content.decode()
    assert not AuditEntry.objects.filter(object_type__startswith="admin:").exists()

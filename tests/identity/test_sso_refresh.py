"""Short access tokens (the test provider's live 2 seconds): at the end of the role
lifetime the platform renews the access token with the login's refresh token (kept
sealed in the session) and reads the groups again; a refused refresh ends the session."""

from __future__ import annotations

import time

import time_machine
from django.test import Client

from openjobcenter.accounts.models import Role, StaffMembership, User
from openjobcenter.core.access import SSO_SESSION_KEY
from openjobcenter.identity import services, sessions
from openjobcenter.identity.models import IdentityProvider, SsoSession
from openjobcenter.tenants.models import Jobcenter
from tests.identity.idp import TestProvider, sso_login


def _wait_for_access_token_expiry() -> None:
    time.sleep(2.5)


def test_expired_access_token_is_renewed_and_the_groups_read_again(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    sso = client.session[SSO_SESSION_KEY]
    refresh = services.unseal_token(sso_provider, sso["refresh_token"])
    access = services.unseal_token(sso_provider, sso["access_token"])
    assert refresh
    assert access
    # Sealed in the session, never the token itself.
    assert refresh not in sso["refresh_token"]
    assert access not in sso["access_token"]
    _wait_for_access_token_expiry()
    # The login's access token is no longer accepted by the provider.
    assert sessions.fresh_claims(sso_provider, access) is None
    idp.set_user("klara", groups=["JC-Leistung", "JC-Admins"], amr=["otp"])
    lifetime = sso_provider.role_lifetime_seconds
    with time_machine.travel(time.time() + lifetime + 5):
        assert client.get(f"/{jc_a.slug}/staff/").status_code == 200
        assert client.get(f"/{jc_a.slug}/staff/anmeldedienste/").status_code == 200
    user = User.objects.get(email="klara@kreis.example")
    assert set(StaffMembership.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.CASEWORKER,
        Role.ADMIN,
    }
    renewed = client.session[SSO_SESSION_KEY]
    # The provider rotates refresh tokens: the new one was kept, the next renewal works.
    assert services.unseal_token(sso_provider, renewed["refresh_token"]) != refresh
    _wait_for_access_token_expiry()
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    with time_machine.travel(time.time() + 2 * lifetime + 10):
        assert client.get(f"/{jc_a.slug}/staff/").status_code == 200
        assert client.get(f"/{jc_a.slug}/staff/anmeldedienste/").status_code == 403
    assert "_auth_user_id" in client.session


def test_refused_refresh_ends_the_session(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    staff_home = f"/{jc_a.slug}/staff/"
    assert client.get(staff_home).status_code == 200
    idp.refuse_refresh()
    with time_machine.travel(time.time() + sso_provider.role_lifetime_seconds + 5):
        response = client.get(staff_home)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert "_auth_user_id" not in client.session
    assert not SsoSession.objects.exists()
    # The roles stay as the provider last confirmed them; the session is what ended.
    user = User.objects.get(email="klara@kreis.example")
    assert StaffMembership.objects.filter(user=user, role=Role.CASEWORKER).exists()
    follow = client.get(response["Location"])
    assert "Ihre Verwaltung hat Ihre Berechtigung nicht erneut bestätigt" in follow.content.decode()

"""Staff log in through their administration's OpenID Connect provider (a real one, in
a second process): accounts just in time, roles from groups, second factor from acr/amr,
local passwords switched off per job centre."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from openjobcenter.accounts.models import Role, StaffMembership, User
from openjobcenter.core.access import SSO_SESSION_KEY
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.identity.models import ExternalIdentity, IdentityProvider, SsoSession
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import PASSWORD, make_staff
from tests.identity.idp import TestProvider, sso_login


def test_login_page_offers_the_administrations_login(
    client: Client, sso_provider: IdentityProvider, jc_a: Jobcenter, jc_b: Jobcenter
) -> None:
    page = client.get(f"/konto/login/?jobcenter={jc_a.slug}").content.decode()
    assert "Mit dem Konto Ihrer Verwaltung anmelden (Kreisverwaltung Test)" in page
    # Another job centre's login page does not offer A's provider.
    other = client.get(f"/konto/login/?jobcenter={jc_b.slug}").content.decode()
    assert "Kreisverwaltung Test" not in other


def test_first_login_creates_the_staff_account_with_roles_from_groups(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung", "Kantine"], amr=["pwd", "otp"])
    response = sso_login(client, idp, "sso-test", "klara")
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/{jc_a.slug}/staff/"
    user = User.objects.get(email="klara@kreis.example")
    assert (user.first_name, user.last_name) == ("Klara", "Verwaltung")
    assert not user.has_usable_password()
    assert set(StaffMembership.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.CASEWORKER
    }
    assert SocialAccount.objects.get(user=user).uid == "klara"
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.roles == ["caseworker"]
    # The provider's second factor (amr "otp") counts: the staff area opens directly.
    assert client.session[SSO_SESSION_KEY]["second_factor"] is True
    assert "Klara" in response.content.decode()
    assert SsoSession.objects.get(identity=identity).sid == "sid-klara"
    login = AuditEntry.objects.get(action=AuditAction.LOGIN, subject=user)
    assert login.detail == "sso:sso-test,second_factor=provider"
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="staff_account", subject=user
    ).exists()


def test_roles_follow_the_groups_at_each_login(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    client.logout()
    idp.set_user("klara", groups=["JC-Vermittlung", "JC-Admins"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    user = User.objects.get(email="klara@kreis.example")
    assert set(StaffMembership.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.JOB_ADVISOR,
        Role.ADMIN,
    }
    assert User.objects.filter(email="klara@kreis.example").count() == 1
    removed = AuditEntry.objects.get(
        action=AuditAction.DELETE, object_type="staff_membership", subject=user
    )
    assert "role=caseworker" in removed.detail


def test_without_the_providers_second_factor_the_platforms_applies(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    # A password at the provider only (amr "pwd"), and an acr below the minimum.
    sso_provider.second_factor_acr = "urn:kreis:loa:hoch"
    sso_provider.save()
    idp.set_user("paul", groups=["JC-Leistung"], amr=["pwd"], acr="urn:kreis:loa:niedrig")
    response = sso_login(client, idp, "sso-test", "paul")
    assert client.session[SSO_SESSION_KEY]["second_factor"] is False
    # Logged in, but the staff area asks for the platform's own second factor.
    assert response.redirect_chain[-1][0].startswith("/konto/2fa/totp/activate/")
    assert b"zweiten Faktor" in response.content


def test_the_required_acr_counts_as_second_factor(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    sso_provider.second_factor_acr = "urn:kreis:loa:hoch"
    sso_provider.second_factor_amr = ""
    sso_provider.save()
    idp.set_user("paul", groups=["JC-Leistung"], acr="urn:kreis:loa:hoch")
    response = sso_login(client, idp, "sso-test", "paul")
    assert response.redirect_chain[-1][0] == f"/{jc_a.slug}/staff/"


def test_unknown_groups_are_refused_and_nothing_is_created(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider
) -> None:
    idp.set_user("gast", groups=["Kantine", "Bauhof"], amr=["otp"])
    users = User.objects.count()
    response = sso_login(client, idp, "sso-test", "gast")
    assert response.status_code == 403
    page = response.content.decode()
    assert "keiner Ihrer Gruppen ist in diesem Jobcenter eine Rolle zugeordnet" in page
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    assert not ExternalIdentity.objects.exists()
    assert "_auth_user_id" not in client.session
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail == "sso:sso-test:no_role"


def test_a_customer_account_with_the_same_address_is_not_taken_over(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, customer: object
) -> None:
    email = customer.user.email  # type: ignore[attr-defined]
    idp.set_user("doppelt", email=email, groups=["JC-Admins"], amr=["otp"])
    response = sso_login(client, idp, "sso-test", "doppelt")
    assert response.status_code == 403
    assert "bereits ein anderes Konto" in response.content.decode()
    assert not StaffMembership.objects.filter(user__email=email).exists()
    assert "_auth_user_id" not in client.session


def test_local_password_refused_where_the_job_centre_disallows_it(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    staff = make_staff(jc_a, Role.CASEWORKER, "sb@jc-a.example")
    response = client.post("/konto/login/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302  # allowed (the provider still allows passwords)
    client.logout()
    sso_provider.allow_local_passwords = False
    sso_provider.save()
    response = client.post("/konto/login/", {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 403
    page = response.content.decode()
    assert "lässt die Anmeldung mit Passwort nicht mehr zu" in page
    assert "Kreisverwaltung Test" in page
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, subject=staff, detail="local_login_refused"
    ).exists()


def test_customers_keep_their_password_login(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, customer: object
) -> None:
    sso_provider.allow_local_passwords = False
    sso_provider.save()
    email = customer.user.email  # type: ignore[attr-defined]
    response = client.post("/konto/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("amr", [["otp"]])
def test_sso_staff_member_sees_only_their_job_centre(
    client: Client,
    idp: TestProvider,
    sso_provider: IdentityProvider,
    jc_b: Jobcenter,
    amr: list[str],
) -> None:
    idp.set_user("klara", groups=["JC-Admins"], amr=amr)
    sso_login(client, idp, "sso-test", "klara")
    assert client.get(f"/{jc_b.slug}/staff/").status_code == 404

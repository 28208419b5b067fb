"""Staff of a municipality whose identity provider speaks only SAML 2.0: a real pysaml2
IdP in its own process (``tests/samlidp/``, the same as the BundID tests'), the platform's AuthnRequest to
it over HTTP, its signed Response posted back through Django's test client."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import Role, StaffMembership, User
from openjobcenter.core.access import SSO_SESSION_KEY
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.identity.models import ExternalIdentity, IdentityProvider, SsoSession
from openjobcenter.tenants.models import Jobcenter
from tests.identity.saml_support import (
    ENTITY_ID,
    KEY,
    STRONG,
    WEAK,
    idp_answer,
    make_saml_provider,
    nothing_created,
    person,
)
from tests.samlidp.harness import Idp, post_answer


def test_login_page_offers_the_saml_provider(
    client: Client, saml_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    page = client.get(f"/konto/login/?jobcenter={jc_a.slug}").content.decode()
    assert "Mit dem Konto Ihrer Verwaltung anmelden (Landratsamt Test)" in page
    assert f'href="/konto/saml/{KEY}/login/' in page


def test_saml_login_creates_the_staff_account_with_roles_and_the_providers_factor(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    response = post_answer(client, idp_answer(client, f"?next=/{jc_a.slug}/staff/"))
    assert response.status_code == 302, response.content[:500]
    # Straight on to the address the login started with (kept in the session).
    assert response["Location"] == f"/{jc_a.slug}/staff/"
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "Ida" in response.content.decode()
    user = User.objects.get(email="ida@landkreis.example")
    assert (user.first_name, user.last_name) == ("Ida", "Amt")
    assert not user.has_usable_password()
    assert list(StaffMembership.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.CASEWORKER
    ]
    assert ExternalIdentity.objects.get(user=user).subject == "kreis-4711"
    assert client.session[SSO_SESSION_KEY]["second_factor"] is True
    assert SsoSession.objects.filter(identity__user=user).count() == 1
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN, subject=user, detail=f"sso:{KEY},second_factor=provider"
    ).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="staff_account", subject=user
    ).exists()


def test_a_weaker_authn_context_leaves_the_platforms_second_factor(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    saml_staff_idp.scenario(**person(["JC-Leistung"], level=WEAK))
    response = post_answer(client, idp_answer(client))
    response = client.get(response["Location"], follow=True)
    assert client.session[SSO_SESSION_KEY]["second_factor"] is False
    response = client.get(f"/{jc_a.slug}/staff/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/konto/2fa/totp/activate/")


def test_unknown_groups_are_refused_and_nothing_is_created(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider
) -> None:
    saml_staff_idp.scenario(**person(["Kantine", "Bauhof"]))
    response = post_answer(client, idp_answer(client))
    assert response.status_code == 403
    assert "keiner Ihrer Gruppen ist in diesem Jobcenter eine Rolle zugeordnet" in (
        response.content.decode()
    )
    nothing_created()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).detail == f"sso:{KEY}:no_role"


@pytest.mark.parametrize(
    ("variant", "reason"), [("bad_signature", "signature"), ("wrong_issuer", "issuer")]
)
def test_a_response_not_signed_by_the_configured_idp_is_refused(
    client: Client,
    saml_staff_idp: Idp,
    saml_provider: IdentityProvider,
    variant: str,
    reason: str,
) -> None:
    saml_staff_idp.scenario(**person(["JC-Leistung"], variant=variant))
    response = post_answer(client, idp_answer(client))
    assert response.status_code == 400
    assert "Die Antwort konnte nicht bestätigt werden" in response.content.decode()
    nothing_created()
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail.startswith(f"sso:{KEY}:")
    assert reason in failed.detail or "invalid" in failed.detail


def test_an_expired_response_is_refused(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider
) -> None:
    posted = idp_answer(client)
    with time_machine.travel(time.time() + 3600):
        response = post_answer(client, posted)
    assert response.status_code == 400
    nothing_created()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_a_replayed_response_is_refused(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider
) -> None:
    posted = idp_answer(client)
    assert post_answer(client, posted).status_code == 302
    logins = AuditEntry.objects.filter(action=AuditAction.LOGIN).count()
    client.logout()
    for browser in (client, Client()):
        response = post_answer(browser, posted)
        assert response.status_code == 400
        assert "_auth_user_id" not in browser.session
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN).count() == logins


def test_an_idp_that_is_down_gets_a_german_503_and_the_password_login(
    client: Client, saml_staff_idp: Idp, jc_a: Jobcenter
) -> None:
    dead = saml_staff_idp.metadata_xml.replace(f"127.0.0.1:{saml_staff_idp.port}", "127.0.0.1:9")
    make_saml_provider(saml_staff_idp, jc_a, metadata=dead)
    response = client.get(f"/konto/saml/{KEY}/login/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Die Anmeldung über Ihre Verwaltung ist gerade nicht erreichbar" in page
    assert "mit Ihrer E-Mail-Adresse und Ihrem Passwort anmelden" in page
    nothing_created()
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).detail == (
        f"sso:{KEY}:unreachable"
    )


def test_the_role_lifetime_ends_a_saml_session(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    post_answer(client, idp_answer(client))
    assert client.get(f"/{jc_a.slug}/staff/").status_code == 200
    with time_machine.travel(time.time() + saml_provider.role_lifetime_seconds + 5):
        response = client.get(f"/{jc_a.slug}/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert "_auth_user_id" not in client.session
    assert not SsoSession.objects.exists()


def test_unknown_or_oidc_key_is_404(
    client: Client, saml_provider: IdentityProvider, sso_provider: IdentityProvider
) -> None:
    for key in ("unbekannt", sso_provider.key):
        assert client.get(f"/konto/saml/{key}/login/").status_code == 404
        assert client.post(f"/konto/saml/{key}/acs/", {"SAMLResponse": "x"}).status_code == 404
        assert client.get(f"/konto/saml/{key}/metadata/").status_code == 404


def test_the_job_centre_admin_sets_up_a_saml_provider(
    staff_client: Any,
    staff_a: dict[Role, User],
    saml_staff_idp: Idp,
    jc_a: Jobcenter,
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    base = f"/{jc_a.slug}/staff/anmeldedienste/"
    form = {
        "name": "Landratsamt Test",
        "protocol": "saml",
        "enabled": "on",
        "issuer": ENTITY_ID,
        "idp_metadata_xml": "<kein-xml",
        "scopes": "openid",
        "groups_claim": "groups",
        "second_factor_acr": STRONG,
        "second_factor_amr": "",
        "role_lifetime_seconds": "900",
        "group_roles": "JC-Leistung = caseworker\n",
    }
    response = client.post(base + "neu/", form)
    assert response.status_code == 200
    assert "Die Metadaten sind kein gültiges SAML-XML." in response.content.decode()
    assert not IdentityProvider.objects.exists()
    response = client.post(base + "neu/", {**form, "idp_metadata_xml": saml_staff_idp.metadata_xml})
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = IdentityProvider.objects.get()
    assert provider.protocol == "saml"
    assert provider.client_id == ""
    assert "BEGIN CERTIFICATE" in provider.sp_cert_pem
    assert "PRIVATE KEY" in provider.sp_key_pem
    page = client.get(base).content.decode()
    assert f"/konto/saml/{provider.key}/metadata/" in page
    metadata = Client().get(f"/konto/saml/{provider.key}/metadata/").content.decode()
    assert f"/konto/saml/{provider.key}/acs/" in metadata

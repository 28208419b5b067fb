"""The job-centre admin's settings page and the operator's admin for identity providers
(no provider process needed: nothing here logs in through one)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from openjobcenter.accounts.models import Role, User
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.identity.models import GroupRole, IdentityProvider
from openjobcenter.identity.services import identity_provider_save, provider_secret
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa, make_user

FORM = {
    "name": "Kreisverwaltung Fulda",
    "enabled": "on",
    "issuer": "https://login.kreis-fulda.example/realms/jc/",
    "client_id": "openjobcenter",
    "client_secret": "sehr-geheim-123",
    "client_secret_env": "",
    "scopes": "openid profile email groups",
    "groups_claim": "groups",
    "second_factor_acr": "",
    "second_factor_amr": "mfa otp",
    "role_lifetime_seconds": "900",
    "group_roles": "JC-Leistung = caseworker\nJC-Admins = Jobcenter-Administration\n",
}


def test_admin_adds_a_provider_with_sealed_secret_and_audit(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    base = f"/{jc_a.slug}/staff/anmeldedienste/"
    # The admin finds the page in the staff navigation.
    assert f'href="{base}"' in client.get(f"/{jc_a.slug}/staff/").content.decode()
    assert "Noch kein Anbieter eingerichtet" in client.get(base).content.decode()
    response = client.post(base + "neu/", FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    provider = IdentityProvider.objects.get()
    assert provider.jobcenter == jc_a
    assert provider.issuer == "https://login.kreis-fulda.example/realms/jc"
    assert provider.key == f"{jc_a.slug}-kreisverwaltung-fulda"
    assert b"sehr-geheim-123" not in bytes(provider.client_secret_sealed)
    assert provider_secret(provider) == "sehr-geheim-123"
    assert set(GroupRole.objects.values_list("group", "role")) == {
        ("JC-Leistung", "caseworker"),
        ("JC-Admins", "admin"),
    }
    entry = AuditEntry.objects.get(object_type="identity_provider")
    assert entry.action == AuditAction.CREATE
    assert entry.actor == staff_a[Role.ADMIN]
    assert entry.detail == "secret,group_roles"
    page = client.get(base).content.decode()
    assert f"/konto/oidc/{provider.key}/login/callback/" in page
    assert f"/konto/sso/{provider.key}/abmelden/" in page
    # Editing without a new secret keeps the stored one.
    response = client.post(
        f"{base}{provider.pk}/", {**FORM, "client_secret": "", "name": "KV Fulda"}
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "KV Fulda"
    assert provider_secret(provider) == "sehr-geheim-123"


def test_bad_input_is_explained_and_nothing_is_stored(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    url = f"/{jc_a.slug}/staff/anmeldedienste/neu/"
    for change, message in (
        ({"group_roles": "JC-Leistung = Hausmeister"}, "Zeile 1 ist keine Zuordnung"),
        ({"group_roles": " "}, "erforderlich"),
        ({"client_secret": ""}, "Bitte geben Sie das Client-Geheimnis"),
        ({"issuer": "kein Link"}, "gültige Adresse"),
        ({"role_lifetime_seconds": "5"}, "60"),
        ({"client_secret_env": "kleinbuchstaben"}, "Umgebungsvariablen"),
    ):
        response = client.post(url, {**FORM, **change})
        assert response.status_code == 200, change
        assert message in response.content.decode(), change
    assert not IdentityProvider.objects.exists()
    assert not AuditEntry.objects.filter(object_type="identity_provider").exists()


def test_another_job_centres_provider_is_not_found(
    staff_client: Callable[[User], Client],
    staff_a: dict[Role, User],
    jc_a: Jobcenter,
    jc_b: Jobcenter,
) -> None:
    provider = identity_provider_save(
        request=None,
        actor=None,
        provider=IdentityProvider(
            jobcenter=jc_b, name="KV B", issuer="https://b.example/o", client_id="b"
        ),
        secret="x",
        group_roles=[("G", Role.ADMIN)],
    )
    client = staff_client(staff_a[Role.ADMIN])
    assert client.get(f"/{jc_a.slug}/staff/anmeldedienste/{provider.pk}/").status_code == 404
    response = client.post(f"/{jc_a.slug}/staff/anmeldedienste/{provider.pk}/", FORM)
    assert response.status_code == 404
    provider.refresh_from_db()
    assert provider.name == "KV B"
    assert "KV B" not in client.get(f"/{jc_a.slug}/staff/anmeldedienste/").content.decode()


def test_operator_configures_a_provider_in_the_admin(client: Client, jc_a: Jobcenter) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.conftest import TOTP_SECRET

    operator = make_user(
        "operator@example.org", "Otto", "Operator", is_staff=True, is_superuser=True
    )
    TOTP.activate(operator, TOTP_SECRET)
    # Without the second factor in this session the admin shows nothing.
    client.force_login(operator)
    assert client.get("/admin/identity/identityprovider/add/").status_code == 302
    login_with_mfa(client, operator)
    response = client.post(
        "/admin/identity/identityprovider/add/", {**FORM, "jobcenter": str(jc_a.pk)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    provider = IdentityProvider.objects.get()
    assert provider_secret(provider) == "sehr-geheim-123"
    assert AuditEntry.objects.filter(
        object_type="identity_provider", action=AuditAction.CREATE, actor=operator
    ).exists()
    # allauth's own app table is not offered: providers are configured in one place.
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404

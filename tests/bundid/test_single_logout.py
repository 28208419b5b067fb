"""SAML Single Logout with the real pysaml2 IdP: the customer's logout continues to the
BundID (signed LogoutRequest, LogoutResponse back), and a LogoutRequest of the IdP ends
the platform's session only when it is signed by the configured IdP and names this
browser's BundID login."""

from __future__ import annotations

import json

import httpx
import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter
from tests.bundid.conftest import Idp, enable_bundid, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client: Client, jc_a: Jobcenter, saml_idp: Idp) -> CustomerProfile:
    enable_bundid(client, jc_a, saml_idp)
    saml_idp.scenario(level="STORK-QAA-Level-3", subject="pseudonym-slo")
    confirm = login(client, jc_a)["Location"]
    done = client.post(
        confirm, {"action": "create", "create-email": "erika@example.org", "create-terms": "on"}
    )
    assert done.status_code == 302
    assert client.get(f"/{jc_a.slug}/mein-bereich/").status_code == 200
    return CustomerProfile.objects.get(user__email="erika@example.org")


def _form_action(response: HttpResponseBase) -> list[str]:
    """The sources of the response's CSP ``form-action``."""
    policy = response.headers["Content-Security-Policy"]
    directive = next(d.strip() for d in policy.split(";") if d.strip().startswith("form-action"))
    return directive.split()[1:]


def _logged_in(client: Client, jc: Jobcenter) -> bool:
    return client.get(f"/{jc.slug}/mein-bereich/").status_code == 200


def _sp_entity(jc: Jobcenter) -> str:
    return settings.SITE_URL + f"/{jc.slug}/bundid/metadata/"


def _idp_request(idp: Idp, jc: Jobcenter, name_id: str, variant: str = "ok") -> str:
    return httpx.URL(idp.logout_request(_sp_entity(jc), name_id, variant)).raw_path.decode()


def test_logout_continues_to_the_bundid_and_back(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, logged_in: CustomerProfile
) -> None:
    # The logout page allows its form's answer to lead on to the IdP (browsers apply the
    # CSP's form-action to the redirects after the post).
    page = client.get("/konto/logout/")
    assert page.status_code == 200
    assert _form_action(page) == ["'self'", f"http://127.0.0.1:{saml_idp.port}"]
    out = client.post("/konto/logout/")
    assert out.status_code == 302
    assert out["Location"] == f"/{jc_a.slug}/bundid/abmelden/"
    assert not _logged_in(client, jc_a)
    to_idp = client.get(out["Location"])
    assert to_idp.status_code == 302
    assert to_idp["Location"].startswith(f"http://127.0.0.1:{saml_idp.port}/slo/redirect?")
    assert "Signature=" in to_idp["Location"]
    back = httpx.get(to_idp["Location"], timeout=30, follow_redirects=False)
    assert back.status_code == 302, back.text
    seen = json.loads((saml_idp.state / "last-logout.json").read_text())
    assert seen == {"name_id": "pseudonym-slo", "issuer": _sp_entity(jc_a)}
    done = client.get(httpx.URL(back.headers["Location"]).raw_path.decode())
    assert done.status_code == 302
    assert done["Location"].startswith("/konto/login/")
    # The SAML session is forgotten: a second logout has nothing to send.
    again = client.get(f"/{jc_a.slug}/bundid/abmelden/")
    assert again.status_code == 302 and again["Location"].startswith("/konto/login/")


def test_password_session_logs_out_locally(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, customer: CustomerProfile
) -> None:
    enable_bundid(client, jc_a, saml_idp)
    client.force_login(customer.user)
    assert _form_action(client.get("/konto/logout/")) == ["'self'"]
    out = client.post("/konto/logout/")
    assert out.status_code == 302
    assert "bundid" not in out["Location"]


def test_signed_logout_request_of_the_idp_ends_the_session(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, logged_in: CustomerProfile
) -> None:
    answer = client.get(_idp_request(saml_idp, jc_a, "pseudonym-slo"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"http://127.0.0.1:{saml_idp.port}/slo/redirect?")
    assert "SAMLResponse=" in answer["Location"] and "Signature=" in answer["Location"]
    assert not _logged_in(client, jc_a)
    assert AuditEntry.objects.filter(
        object_type="bundid_identity", action="logout", subject_id=logged_in.user_id
    ).exists()


@pytest.mark.parametrize("variant", ["unsigned", "rogue"])
def test_unsigned_or_foreign_logout_request_ends_nothing(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, logged_in: CustomerProfile, variant: str
) -> None:
    answer = client.get(_idp_request(saml_idp, jc_a, "pseudonym-slo", variant))
    assert answer.status_code == 400
    assert "Sie bleiben angemeldet." in answer.content.decode()
    assert _logged_in(client, jc_a)
    assert not AuditEntry.objects.filter(object_type="bundid_identity", action="logout").exists()


def test_logout_request_for_someone_else_ends_nothing(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, logged_in: CustomerProfile
) -> None:
    answer = client.get(_idp_request(saml_idp, jc_a, "pseudonym-other"))
    assert answer.status_code == 302  # "unknown principal" to the IdP
    assert _logged_in(client, jc_a)


def test_garbage_on_the_logout_endpoint_is_a_400(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, logged_in: CustomerProfile
) -> None:
    answer = client.get(f"/{jc_a.slug}/bundid/slo/", {"SAMLRequest": "kein-saml"})
    assert answer.status_code == 400
    assert _logged_in(client, jc_a)
    assert client.post(f"/{jc_a.slug}/bundid/slo/", {}).status_code == 400
    assert _logged_in(client, jc_a)


def test_logout_start_while_logged_in_ends_nothing(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, logged_in: CustomerProfile
) -> None:
    """A link to the start (say, from another site) does not log anyone out: the logout
    page asks first."""
    answer = client.get(f"/{jc_a.slug}/bundid/abmelden/")
    assert answer.status_code == 302 and answer["Location"] == "/konto/logout/"
    assert _logged_in(client, jc_a)

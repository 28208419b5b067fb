"""The database work of one SSO login (a returning person): counted, so that a change
that adds queries to every staff login shows up here."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openjobcenter.identity.models import IdentityProvider
from openjobcenter.tenants.models import Jobcenter
from tests.identity.idp import TestProvider, finish_login, provider_login, sso_login

# 51 before the providers were read once per request and the identity passed along
# (bench/sso.py counted 55 with its warm-up: savepoints of SQLite included).
SSO_LOGIN_QUERIES = 41


def test_queries_of_a_returning_persons_sso_login(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    client.logout()
    with CaptureQueriesContext(connection) as start:
        response = client.post("/konto/oidc/sso-test/login/")
    callback = provider_login(idp, str(response["Location"]), "klara")
    with CaptureQueriesContext(connection) as finish:
        response = finish_login(client, callback, follow=False)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    queries = [q["sql"] for q in [*start.captured_queries, *finish.captured_queries]]
    assert len(queries) <= SSO_LOGIN_QUERIES, "\n".join(queries)

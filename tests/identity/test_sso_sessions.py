"""After the login: roles re-confirmed after their lifetime, and the provider ending
sessions through back-channel logout."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import Client

from openjobcenter.accounts.models import StaffMembership, User
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.identity.models import IdentityProvider, SsoSession
from openjobcenter.messaging.models import Conversation
from openjobcenter.tenants.models import Jobcenter
from tests.identity.idp import TestProvider, sso_login
from tests.messaging.conftest import (  # noqa: F401  (fixtures for this module)
    WS,
    _fresh_channel_layer,
    _keep_test_connection,
    chat_jc,
    conversation,
    topic,
)

URL = "/konto/sso/sso-test/abmelden/"


def test_removed_from_the_group_loses_access_after_the_role_lifetime(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    staff_home = f"/{jc_a.slug}/staff/"
    assert client.get(staff_home).status_code == 200
    idp.set_user("klara", groups=["Kantine"], amr=["otp"])  # removed at the provider
    # Within the lifetime the session keeps its roles (no call to the provider).
    assert client.get(staff_home).status_code == 200
    with time_machine.travel(time.time() + sso_provider.role_lifetime_seconds + 5):
        response = client.get(staff_home)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="klara@kreis.example")
    assert not StaffMembership.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE, object_type="staff_membership", subject=user
    ).exists()


def test_roles_still_granted_are_confirmed_and_the_session_goes_on(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    idp.set_user("klara", groups=["JC-Leistung", "JC-Admins"], amr=["otp"])
    with time_machine.travel(time.time() + sso_provider.role_lifetime_seconds + 5):
        assert client.get(f"/{jc_a.slug}/staff/").status_code == 200
        # The new role is there at once: the admin's settings open.
        assert client.get(f"/{jc_a.slug}/staff/anmeldedienste/").status_code == 200


def test_backchannel_logout_ends_the_session(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    other = Client()
    response = other.post(URL, {"logout_token": idp.logout_token(sub="klara", sid="sid-klara")})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert client.get(f"/{jc_a.slug}/staff/")["Location"].startswith("/konto/login/")
    assert not SsoSession.objects.exists()
    entry = AuditEntry.objects.get(action=AuditAction.LOGOUT, detail="backchannel:sso-test")
    assert entry.subject == User.objects.get(email="klara@kreis.example")


def test_backchannel_logout_by_sub_ends_every_session_of_the_person(
    idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    first, second = Client(), Client()
    sso_login(first, idp, "sso-test", "klara")
    sso_login(second, idp, "sso-test", "klara")
    response = Client().post(URL, {"logout_token": idp.logout_token(sub="klara")})
    assert response.status_code == 200
    for browser in (first, second):
        assert browser.get(f"/{jc_a.slug}/staff/").status_code == 302


def test_bad_logout_tokens_are_refused_and_end_nothing(
    client: Client, idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad = {
        "signature": idp.logout_token(sub="klara", key=stranger_key),
        "issuer": idp.logout_token(sub="klara", iss="https://idp.invalid/o"),
        "audience": idp.logout_token(sub="klara", audience="another-client"),
        "old": idp.logout_token(sub="klara", iat=int(time.time()) - 3600),
        "expired": idp.logout_token(sub="klara", exp=int(time.time()) - 10),
        "no event": idp.logout_token(sub="klara", events={"other": {}}),
        "no subject": idp.logout_token(),
        "nonce": idp.logout_token(sub="klara", nonce="n"),
        "garbage": "kein.token.hier",
        "empty": "",
    }
    for name, token in bad.items():
        response = Client().post(URL, {"logout_token": token})
        assert response.status_code == 400, name
        assert client.get(f"/{jc_a.slug}/staff/").status_code == 200, name
    assert SsoSession.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == len(bad)


def test_a_replayed_logout_token_is_refused(
    idp: TestProvider, sso_provider: IdentityProvider
) -> None:
    token = idp.logout_token(sub="klara")
    assert Client().post(URL, {"logout_token": token}).status_code == 200
    assert Client().post(URL, {"logout_token": token}).status_code == 400


def test_logout_endpoint_of_an_unknown_provider_is_404(client: Client, db: None) -> None:
    assert client.post("/konto/sso/unbekannt/abmelden/", {"logout_token": "x"}).status_code == 404
    assert client.get(URL).status_code in (404, 405)


def test_a_replayed_logout_token_without_exp_is_refused(
    idp: TestProvider, sso_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    """allauth's jti check needs ``exp``; ours keeps the jti for a bounded time anyway."""
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    first = Client()
    sso_login(first, idp, "sso-test", "klara")
    token = idp.logout_token(sub="klara", exp=None)
    assert Client().post(URL, {"logout_token": token}).status_code == 200
    assert first.get(f"/{jc_a.slug}/staff/").status_code == 302
    # The person logs in again; the captured token must not end the new session.
    second = Client()
    sso_login(second, idp, "sso-test", "klara")
    response = Client().post(URL, {"logout_token": token})
    assert response.status_code == 400
    assert second.get(f"/{jc_a.slug}/staff/").status_code == 200
    assert SsoSession.objects.count() == 1
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert "already used" in failed.detail


# --- The role lifetime on open sockets --------------------------------------------------


def _socket_after_role_lifetime(session: str, conversation_id: int, wait: float) -> Any:
    """Open a chat socket of the session, subscribe, then wait past the role lifetime:
    the close frame when the socket was closed (the check may come before the
    subscription's answer), else a ping answered."""
    result: dict[str, Any] = {}

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation_id, "cursor": 0})
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not await ws.inner.receive_nothing(0.2):
                output = await ws.inner.receive_output(1)
                if output["type"] == "websocket.close":
                    result["closed"] = output
                    return
        await ws.send({"type": "ping"})
        result["pong"] = (await ws.receive_until("pong"))["type"]
        await ws.close()

    async_to_sync(scenario)()
    return result


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("still_in_group", [False, True])
def test_an_open_chat_socket_honours_the_role_lifetime(
    idp: TestProvider,
    sso_provider: IdentityProvider,
    chat_jc: Jobcenter,  # noqa: F811
    conversation: Conversation,  # noqa: F811
    still_in_group: bool,
) -> None:
    client = Client()
    idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    IdentityProvider.objects.filter(pk=sso_provider.pk).update(role_lifetime_seconds=1)
    if not still_in_group:
        idp.set_user("klara", groups=["Kantine"], amr=["otp"])  # removed at the provider
    result = _socket_after_role_lifetime(session, conversation.pk, wait=6.0)
    user = User.objects.get(email="klara@kreis.example")
    if still_in_group:
        # Confirmed with the provider from the socket: it stays open, the session too.
        assert "closed" not in result
        assert result["pong"] == "pong"
        assert StaffMembership.objects.filter(user=user).exists()
        assert client.get(f"/{chat_jc.slug}/staff/").status_code == 200
        return
    # Removed from the group: the socket closes with "the login session is over", the
    # roles are gone and the session with it.
    assert (result["closed"]["type"], result["closed"]["code"]) == ("websocket.close", 4401)
    assert not StaffMembership.objects.filter(user=user).exists()
    assert not SsoSession.objects.exists()
    assert client.get(f"/{chat_jc.slug}/staff/")["Location"].startswith("/konto/login/")
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGOUT, detail="role_lifetime:sso-test", subject=user
    ).exists()

"""Single logout of staff who logged in through a municipality's SAML IdP, against the
real test IdP (``tests/samlidp/``): our signed LogoutRequest when staff log out, and the
IdP's own LogoutRequest, which ends every session of the person it names (every browser
and their open chat sockets) only when it is signed by the configured IdP."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.test import Client

from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.identity.models import IdentityProvider, SsoSession
from openjobcenter.messaging.models import Conversation
from openjobcenter.tenants.models import Jobcenter
from tests.identity.saml_support import KEY, idp_answer, make_saml_provider, person
from tests.messaging.conftest import (  # noqa: F401  (fixtures for this module)
    WS,
    _fresh_channel_layer,
    _keep_test_connection,
    chat_jc,
    conversation,
    topic,
)
from tests.samlidp.harness import Idp, post_answer

SP_ENTITY = settings.SITE_URL + f"/konto/saml/{KEY}/metadata/"


def saml_login(client: Client) -> None:
    response = post_answer(client, idp_answer(client))
    assert response.status_code == 302, response.content[:500]
    assert "_auth_user_id" in client.session


def logged_in(client: Client, jc: Jobcenter) -> bool:
    return client.get(f"/{jc.slug}/staff/").status_code == 200


def local_path(url: str) -> str:
    return httpx.URL(url).raw_path.decode()


def test_staff_logout_sends_a_signed_logout_request_to_the_idp(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    saml_login(client)
    out = client.post("/konto/logout/")
    assert out.status_code == 302
    to_idp = out["Location"]
    assert to_idp.startswith(f"http://127.0.0.1:{saml_staff_idp.port}/slo/redirect?")
    assert "SAMLRequest=" in to_idp and "Signature=" in to_idp
    # The platform's session is over before the browser reaches the IdP.
    assert not logged_in(client, jc_a)
    # The IdP checks our signature, notes whom we named and answers with its response.
    back = httpx.get(to_idp, timeout=30, follow_redirects=False)
    assert back.status_code == 302, back.text
    assert saml_staff_idp.last_logout() == {"name_id": "kreis-4711", "issuer": SP_ENTITY}
    assert back.headers["Location"].startswith(
        settings.SITE_URL + f"/konto/saml/{KEY}/slo/?SAMLResponse="
    )
    done = client.get(local_path(back.headers["Location"]), follow=True)
    assert done.redirect_chain[0][0] == f"/konto/login/?jobcenter={jc_a.slug}"
    assert "Sie sind abgemeldet, auch bei Ihrer Verwaltung." in done.content.decode()


def test_an_idp_without_single_logout_service_means_a_local_logout(
    client: Client, saml_staff_idp: Idp, jc_a: Jobcenter
) -> None:
    saml_staff_idp.scenario(**person(["JC-Leistung"]))
    metadata = re.sub(r"<(?:\w+:)?SingleLogoutService[^>]*/>", "", saml_staff_idp.metadata_xml)
    assert "SingleLogoutService" not in metadata
    make_saml_provider(saml_staff_idp, jc_a, metadata=metadata)
    saml_login(client)
    out = client.post("/konto/logout/")
    assert out.status_code == 302
    assert not out["Location"].startswith("http://127.0.0.1:")
    assert not logged_in(client, jc_a)


def _socket_closed_by_idp_logout(
    session: str, conversation_id: int, idp_logout: Any
) -> dict[str, Any]:
    result: dict[str, Any] = {}

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation_id, "cursor": 0})
        assert (await ws.receive_until("subscribed"))["type"] == "subscribed"
        result["answer"] = await sync_to_async(idp_logout)()
        while True:  # events sent before the close (a conversation update) pass
            output = await ws.inner.receive_output(5)
            if output["type"] == "websocket.close":
                result["closed"] = output
                break

    async_to_sync(scenario)()
    return result


@pytest.mark.django_db(transaction=True)
def test_the_idps_logout_request_ends_every_session_of_the_person_and_their_sockets(
    saml_staff_idp: Idp,
    saml_provider: IdentityProvider,
    chat_jc: Jobcenter,  # noqa: F811
    conversation: Conversation,  # noqa: F811
) -> None:
    office, laptop = Client(), Client()
    saml_login(office)
    saml_login(laptop)
    assert SsoSession.objects.count() == 2
    session = office.cookies[settings.SESSION_COOKIE_NAME].value
    request = local_path(saml_staff_idp.logout_request(SP_ENTITY, "kreis-4711"))

    def idp_logout() -> Any:
        # Front channel: the IdP sends the laptop's browser with its LogoutRequest.
        return laptop.get(request)

    result = _socket_closed_by_idp_logout(session, conversation.pk, idp_logout)
    answer = result["answer"]
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"http://127.0.0.1:{saml_staff_idp.port}/slo/redirect?")
    assert "SAMLResponse=" in answer["Location"] and "Signature=" in answer["Location"]
    # The office's open chat socket closes with "the login session is over".
    assert (result["closed"]["type"], result["closed"]["code"]) == ("websocket.close", 4401)
    for browser in (office, laptop):
        assert not logged_in(browser, chat_jc)
    assert not SsoSession.objects.exists()
    assert (
        AuditEntry.objects.filter(action=AuditAction.LOGOUT, detail=f"saml-slo:{KEY}").count() == 2
    )


@pytest.mark.parametrize("variant", ["unsigned", "rogue", "other_issuer", "garbage"])
def test_an_unverified_logout_request_ends_nothing(
    client: Client,
    saml_staff_idp: Idp,
    saml_provider: IdentityProvider,
    jc_a: Jobcenter,
    variant: str,
) -> None:
    saml_login(client)
    if variant == "garbage":
        request = f"/konto/saml/{KEY}/slo/?SAMLRequest=kein-saml&SigAlg=x&Signature=y"
    else:
        request = local_path(saml_staff_idp.logout_request(SP_ENTITY, "kreis-4711", variant))
    answer = Client().get(request)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Die Abmeldung durch Ihre Verwaltung konnte nicht geprüft werden." in page
    assert "Es wurde niemand abgemeldet." in page
    assert logged_in(client, jc_a)
    assert SsoSession.objects.count() == 1
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail.startswith(f"sso:{KEY}:slo:")
    assert not AuditEntry.objects.filter(action=AuditAction.LOGOUT).exists()


def test_a_logout_request_for_someone_without_a_session_ends_nothing(
    client: Client, saml_staff_idp: Idp, saml_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    saml_login(client)
    answer = Client().get(local_path(saml_staff_idp.logout_request(SP_ENTITY, "kreis-0815")))
    assert answer.status_code == 302  # "unknown principal", signed, back to the IdP
    assert "SAMLResponse=" in answer["Location"]
    assert logged_in(client, jc_a)
    assert SsoSession.objects.count() == 1


def test_a_replayed_logout_request_is_refused(
    saml_staff_idp: Idp, saml_provider: IdentityProvider, jc_a: Jobcenter
) -> None:
    first = Client()
    saml_login(first)
    request = local_path(saml_staff_idp.logout_request(SP_ENTITY, "kreis-4711"))
    assert Client().get(request).status_code == 302
    assert not logged_in(first, jc_a)
    again = Client()
    saml_login(again)
    replayed = Client().get(request)
    assert replayed.status_code == 400
    assert logged_in(again, jc_a)

"""The provider's second factor on the staff paths beside the pages: the chat long poll,
the staff API (session) and the chat WebSocket ask for the same second factor as the
staff pages (``core.access.staff_second_factor_in_session``): the platform's, or the
provider's when its acr/amr counted for this SSO login. A login whose acr was too low,
without the platform's code, is refused there as on the pages; the operator's /admin/
wants the platform's own (``test_sso_mfa.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.test import Client

from openjobcenter.core.access import SSO_SESSION_KEY
from openjobcenter.identity.models import IdentityProvider
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


def _poll(jc: Jobcenter, chat: Conversation) -> str:
    return f"/{jc.slug}/staff/nachrichten/{chat.pk}/warten/?after=0&wait=0"


def _api_inbox(jc: Jobcenter) -> str:
    return f"/api/v1/messaging/{jc.slug}/staff/conversations"


def _weak_login(client: Client, idp: TestProvider, sso_provider: IdentityProvider) -> None:
    """The provider's acr below the job centre's minimum, no platform TOTP set up: the
    session is open (the staff pages then ask to set one up), without a second factor."""
    sso_provider.second_factor_acr = "urn:kreis:loa:hoch"
    sso_provider.second_factor_amr = ""
    sso_provider.save()
    idp.set_user("paul", groups=["JC-Leistung"], acr="urn:kreis:loa:niedrig", amr=["otp"])
    sso_login(client, idp, "sso-test", "paul")
    assert "_auth_user_id" in client.session
    assert client.session[SSO_SESSION_KEY]["second_factor"] is False


def test_the_providers_factor_opens_the_chat_poll_and_the_staff_api(
    client: Client,
    idp: TestProvider,
    sso_provider: IdentityProvider,
    chat_jc: Jobcenter,  # noqa: F811
    conversation: Conversation,  # noqa: F811
) -> None:
    idp.set_user("klara", groups=["JC-Leistung"], amr=["pwd", "otp"])
    sso_login(client, idp, "sso-test", "klara")
    assert client.session[SSO_SESSION_KEY]["second_factor"] is True
    poll = client.get(_poll(chat_jc, conversation))
    assert poll.status_code == 200
    assert [m["body"] for m in poll.json()["messages"]] == ["Hallo, ich habe eine Frage."]
    inbox = client.get(_api_inbox(chat_jc))
    assert inbox.status_code == 200
    assert [row["subject"] for row in inbox.json()] == ["Frage zum Bescheid"]


def test_a_weak_sso_login_is_refused_by_the_chat_poll_and_the_staff_api(
    client: Client,
    idp: TestProvider,
    sso_provider: IdentityProvider,
    chat_jc: Jobcenter,  # noqa: F811
    conversation: Conversation,  # noqa: F811
) -> None:
    _weak_login(client, idp, sso_provider)
    poll = client.get(_poll(chat_jc, conversation))
    assert poll.status_code == 404
    assert "Hallo, ich habe eine Frage." not in poll.content.decode()
    inbox = client.get(_api_inbox(chat_jc))
    assert inbox.status_code == 401
    assert "Frage zum Bescheid" not in inbox.content.decode()
    # The staff page asks to set up the platform's factor, as before.
    page = client.get(f"/{chat_jc.slug}/staff/")
    assert page.status_code == 302
    assert page["Location"].startswith("/konto/2fa/")


def test_the_providers_factor_does_not_open_admin_even_with_the_chat_open(
    client: Client,
    idp: TestProvider,
    sso_provider: IdentityProvider,
    chat_jc: Jobcenter,  # noqa: F811
    conversation: Conversation,  # noqa: F811
) -> None:
    from openjobcenter.accounts.models import User

    idp.set_user("klara", groups=["JC-Admins"], amr=["otp"])
    sso_login(client, idp, "sso-test", "klara")
    User.objects.filter(email="klara@kreis.example").update(is_staff=True, is_superuser=True)
    assert client.get(_api_inbox(chat_jc)).status_code == 200
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def _subscribe(session: str, conversation_id: int) -> dict[str, Any]:
    result: dict[str, Any] = {}

    async def scenario() -> None:
        ws = WS(session)
        assert await ws.connect()
        await ws.send({"type": "subscribe", "conversation": conversation_id, "cursor": 0})
        result.update(await ws.receive())
        await ws.close()

    async_to_sync(scenario)()
    return result


@pytest.mark.django_db(transaction=True)
def test_the_chat_socket_takes_the_providers_factor_and_refuses_a_weak_login(
    idp: TestProvider,
    sso_provider: IdentityProvider,
    chat_jc: Jobcenter,  # noqa: F811
    conversation: Conversation,  # noqa: F811
) -> None:
    strong = Client()
    idp.set_user("klara", groups=["JC-Leistung"], amr=["pwd", "otp"])
    sso_login(strong, idp, "sso-test", "klara")
    event = _subscribe(strong.cookies[django_settings.SESSION_COOKIE_NAME].value, conversation.pk)
    assert event["type"] == "subscribed"
    assert [m["body"] for m in event["messages"]] == ["Hallo, ich habe eine Frage."]

    weak = Client()
    _weak_login(weak, idp, sso_provider)
    event = _subscribe(weak.cookies[django_settings.SESSION_COOKIE_NAME].value, conversation.pk)
    assert event["type"] == "error"
    assert event["code"] == "not_found"
    assert "Hallo, ich habe eine Frage." not in str(event)

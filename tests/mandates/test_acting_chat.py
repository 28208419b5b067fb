"""A representative in the chat (issue 25): the page, the long polling and the WebSocket
act for the customer within the mandate's scope ("chat" to write, "read" to read), the
messages name the representative on both sides, every read and write is audited with
``acting_for``; without a scope that covers the chat: 404, nothing stored."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import channels.db
import pytest
from channels.layers import channel_layers
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.mandates import services as mandate_services
from openjobcenter.mandates.models import Mandate
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation, Message, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa
from tests.mandates.conftest import acting_client, grant
from tests.messaging.conftest import WS, session_of

pytestmark = pytest.mark.django_db


def _mandate(
    jobcenter: Jobcenter, customer: CustomerProfile, rep: User, scopes: list[str]
) -> Mandate:
    _m, code = grant(customer, scopes)
    return mandate_services.mandate_accept(request=None, user=rep, jobcenter=jobcenter, code=code)


def _conversation(customer: CustomerProfile) -> Conversation:
    services.topics_ensure_defaults(jobcenter=customer.jobcenter)
    topic = Topic.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    return services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Frage", body="Hallo, ich habe eine Frage.", topic=topic
        ),
    )


def _url(name: str, conversation: Conversation) -> str:
    return reverse(f"customer:{name}", kwargs={"jc": "fulda", "pk": conversation.pk})


def test_representative_with_chat_scope_writes_in_the_customers_name(
    mandates_on: Jobcenter,
    customer: CustomerProfile,
    rep_user: User,
    staff_a: dict[Role, User],
) -> None:
    mandate = _mandate(mandates_on, customer, rep_user, ["chat"])
    conversation = _conversation(customer)
    client = acting_client(rep_user, mandate)
    page = client.get(_url("conversation", conversation))
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-acting-banner" in html
    assert f'data-acting-for="{customer.pk}"' in html  # chat.js sends X-Acting-For
    response = client.post(
        _url("conversation", conversation),
        {"body": "Ich schreibe für Herrn Kunde.", "client_id": "r1"},
    )
    assert response.status_code == 302
    message = conversation.messages.get(body="Ich schreibe für Herrn Kunde.")
    assert message.author == customer.user and message.side == "customer"
    assert message.representative == rep_user
    entry = AuditEntry.objects.get(object_type="chat_message", object_id=str(message.pk))
    assert entry.actor == rep_user and entry.acting_for == customer.user
    # The customer sees who wrote in their name ...
    own = Client()
    own.force_login(customer.user)
    mine = own.get(_url("conversation", conversation)).content.decode()
    assert "geschrieben von <bdi>Vera Vertreterin</bdi> (Vertretung)" in mine
    assert "data-acting-banner" not in mine
    # ... and so do staff.
    caseworker = Client()
    login_with_mfa(caseworker, staff_a[Role.CASEWORKER])
    staff_page = caseworker.get(
        reverse("staff:conversation", kwargs={"jc": "fulda", "pk": conversation.pk})
    ).content.decode()
    assert "geschrieben von <bdi>Vera Vertreterin</bdi> (Vertretung)" in staff_page
    # The long polling works for the representative and names them.
    poll = client.get(_url("conversation_poll", conversation) + "?after=0&wait=0")
    assert poll.status_code == 200
    rows = poll.json()["messages"]
    assert [m["representative"] for m in rows] == ["", "Vera Vertreterin"]
    read = AuditEntry.objects.filter(
        object_type="conversation", action=AuditAction.READ, detail="poll"
    ).get()
    assert read.actor == rep_user and read.acting_for == customer.user


def test_read_only_representative_polls_but_cannot_write(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User
) -> None:
    mandate = _mandate(mandates_on, customer, rep_user, ["read"])
    conversation = _conversation(customer)
    client = acting_client(rep_user, mandate)
    page = client.get(_url("conversation", conversation)).content.decode()
    assert "data-chat-read-only" in page
    assert client.get(_url("conversation_poll", conversation) + "?wait=0").status_code == 200
    before = Message.objects.count()
    refused = client.post(_url("conversation", conversation), {"body": "Nein", "client_id": "r2"})
    assert refused.status_code == 404
    assert client.post(_url("conversation_poll", conversation) + "?wait=0").status_code == 404
    assert Message.objects.count() == before


def test_without_a_scope_for_the_chat_the_poll_is_404(
    mandates_on: Jobcenter, customer: CustomerProfile, customer2: CustomerProfile, rep_user: User
) -> None:
    mandate = _mandate(mandates_on, customer, rep_user, ["documents"])
    conversation = _conversation(customer)
    client = acting_client(rep_user, mandate)
    assert client.get(_url("conversation", conversation)).status_code == 404
    assert client.get(_url("conversation_poll", conversation) + "?wait=0").status_code == 404
    # Another customer's conversation, even with the chat scope: 404.
    chat = _mandate(mandates_on, customer, rep_user, ["chat"])
    other = _conversation(customer2)
    client = acting_client(rep_user, chat)
    assert client.get(_url("conversation_poll", other) + "?wait=0").status_code == 404
    # A revoked mandate: the poll stops at once.
    mandate_services.mandate_revoke(request=None, mandate=chat, actor=customer.user)
    assert client.get(_url("conversation_poll", conversation) + "?wait=0").status_code == 404
    assert not AuditEntry.objects.filter(detail="poll").exists()


@pytest.fixture
def _socket_ready(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_socket_ready")
def test_representative_on_the_websocket(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User
) -> None:
    """Subscribe (read), send with the chat scope (in the customer's name, audited
    acting for them); after the revocation the next send is refused."""
    mandate = _mandate(mandates_on, customer, rep_user, ["chat"])
    conversation = _conversation(customer)
    rep_session = acting_client(rep_user, mandate).cookies["sessionid"].value
    customer_session = session_of(customer.user)

    async def scenario() -> None:
        rep, kunde = WS(rep_session), WS(customer_session)
        assert await rep.connect() and await kunde.connect()
        await rep.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
        first = await rep.receive_until("subscribed")
        assert [m["body"] for m in first["messages"]] == ["Hallo, ich habe eine Frage."]
        await kunde.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
        await kunde.receive_until("subscribed")
        await rep.send(
            {"type": "send", "conversation": conversation.pk, "client_id": "w1", "body": "Von Vera"}
        )
        await rep.receive_until("ack")
        got = await kunde.receive_until("message")
        assert got["message"]["representative"] == "Vera Vertreterin"
        assert got["message"]["side"] == "customer"
        await asyncio.to_thread(_revoke, mandate, customer.user)
        await rep.send(
            {"type": "send", "conversation": conversation.pk, "client_id": "w2", "body": "Zu spät"}
        )
        error = await rep.receive_until("error")
        assert error["code"] == "not_found"
        await rep.close()
        await kunde.close()

    asyncio.run(scenario())
    sent = Message.objects.get(body="Von Vera")
    assert sent.representative_id == rep_user.pk and sent.author_id == customer.user_id
    assert not Message.objects.filter(body="Zu spät").exists()
    assert AuditEntry.objects.filter(
        object_type="conversation", detail="websocket", actor=rep_user, acting_for=customer.user
    ).exists()
    assert AuditEntry.objects.filter(
        object_type="chat_message", object_id=str(sent.pk), actor=rep_user, acting_for=customer.user
    ).exists()


def _revoke(mandate: Mandate, actor: User) -> None:
    mandate_services.mandate_revoke(request=None, mandate=mandate, actor=actor)


def test_a_session_without_a_mandate_is_not_admitted_to_the_customers_chat(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User
) -> None:
    from openjobcenter.messaging.chat_access import admit

    mandate = _mandate(mandates_on, customer, rep_user, ["documents"])
    conversation = _conversation(customer)
    assert admit(rep_user, {}, conversation.pk) is None
    assert admit(rep_user, {"acting_for": mandate.pk}, conversation.pk) is None
    chat = _mandate(mandates_on, customer, rep_user, ["read"])
    access = admit(rep_user, {"acting_for": chat.pk}, conversation.pk)
    assert access is not None and access.side == "customer" and access.representative == rep_user

"""Need-to-know on the chat WebSocket (issue 18.5): an attachment of a stricter category
than its conversation reaches a staff socket whose person may not read that category in
its protected form, in the ``subscribed`` history and in live ``message`` events (which
go to the whole conversation group); the customer and staff who may read it get its
name. The page, the download and the history API: ``tests/test_need_to_know_attachments.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import transaction
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.messaging import realtime, services
from openjobcenter.messaging.models import AuthorSide, Conversation, Message, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.messaging.conftest import WS, session_of

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Attest-Geheimname.pdf"
PROTECTED = {"name": "", "size": 0, "url": "", "protected": True}


@pytest.fixture
def general(chat_jc: Jobcenter, customer: CustomerProfile) -> Conversation:
    """A team conversation in a general topic: job advisors and caseworkers both read it;
    job advisors do not read health documents, caseworkers do (``core.need_to_know``)."""
    topic = Topic.objects.get(jobcenter=chat_jc, name="Allgemeines")
    return services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(subject="Krankmeldung", body="Guten Tag.", topic=topic),
    )


def attach_sick_note(conversation: Conversation, body: str) -> Message:
    """The customer's message with a sick note attached (a document of its own kind)."""
    document = Document.objects.create(
        jobcenter=conversation.jobcenter,
        customer=conversation.customer,
        kind="sick_note",
        state=DocumentState.RECEIVED,
        original_names=NAME,
        page_count=1,
        submitted_at=timezone.now(),
    )
    message = Message.objects.create(
        conversation=conversation,
        author=conversation.customer.user,
        side=AuthorSide.CUSTOMER,
        body=body,
        attachment_name=NAME,
        attachment_size=1234,
        document_id=document.pk,
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_id=message.pk)
    return message


def send_live(conversation: Conversation, body: str) -> int:
    """As ``services_send._deliver``: the message, then its group event after commit."""
    with transaction.atomic():
        prev = Conversation.objects.get(pk=conversation.pk).last_message_id
        message = attach_sick_note(conversation, body)
        realtime.push_after_commit(
            [realtime.conversation_group(conversation.pk)],
            realtime.message_event(message, prev),
        )
    return message.pk


def attachment_of(messages: list[dict[str, Any]], message_id: int) -> Any:
    (found,) = [m for m in messages if m["id"] == message_id]
    return found["attachment"]


def test_sockets_show_a_health_attachment_only_to_those_who_may_read_it(
    general: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    earlier = attach_sick_note(general, "Anbei die Krankmeldung.")
    sessions = {
        "customer": session_of(customer.user),
        "caseworker": session_of(staff_a[Role.CASEWORKER], mfa=True),
        "job_advisor": session_of(staff_a[Role.JOB_ADVISOR], mfa=True),
    }
    history: dict[str, Any] = {}
    live: dict[str, Any] = {}
    frames: dict[str, str] = {}

    async def scenario() -> None:
        sockets = {who: WS(session) for who, session in sessions.items()}
        for who, ws in sockets.items():
            assert await ws.connect(), who
            await ws.send({"type": "subscribe", "conversation": general.pk, "cursor": 0})
            event = await ws.receive_until("subscribed")
            history[who] = attachment_of(event["messages"], earlier.pk)
            frames[who] = str(event)
        later = await database_sync_to_async(send_live)(general, "Und die Folgebescheinigung.")
        for who, ws in sockets.items():
            event = await ws.receive_until("message")
            assert event["message"]["id"] == later
            assert event["message"]["body"] == "Und die Folgebescheinigung."
            assert "attachment_categories" not in event  # stays on the server
            live[who] = event["message"]["attachment"]
            frames[who] += str(event)
            await ws.close()

    async_to_sync(scenario)()
    for who in ("customer", "caseworker"):
        assert history[who]["name"] == NAME, who
        assert live[who]["name"] == NAME, who
        assert not history[who].get("protected") and not live[who].get("protected"), who
    # Reads the general chat but not health documents: that the attachment exists.
    assert history["job_advisor"] == PROTECTED
    assert live["job_advisor"] == PROTECTED
    assert NAME not in frames["job_advisor"]
    assert "health" not in frames["job_advisor"]


def test_the_long_poll_shows_staff_the_same_protected_form(
    general: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    """Without WebSockets the page's script long-polls: the same answer as the socket."""
    from tests.conftest import login_with_mfa

    message = attach_sick_note(general, "Anbei die Krankmeldung.")
    url = f"/fulda/staff/nachrichten/{general.pk}/warten/?after=0&wait=0"
    advisor = login_with_mfa(Client(), staff_a[Role.JOB_ADVISOR])
    caseworker = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    seen = advisor.get(url)
    assert seen.status_code == 200
    assert attachment_of(seen.json()["messages"], message.pk) == PROTECTED
    assert NAME not in seen.content.decode()
    read = caseworker.get(url).json()["messages"]
    assert attachment_of(read, message.pk)["name"] == NAME

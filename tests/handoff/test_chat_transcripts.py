"""Chat transcripts to the back office, on the job centre's choice: switched off (the
default) nothing is handed over; switched on, closing a conversation hands its transcript
over once, with its metadata, and a retry sends the same item with the same key."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import HandoffConfig
from openjobcenter.core.models import AuditEntry, OutboxItem
from openjobcenter.handoff import items
from openjobcenter.handoff.chat import transcripts_on
from openjobcenter.handoff.models import HandoffSettings, ItemDelivery, ItemDeliveryStatus
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import Conversation, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import enable_module
from tests.applications.test_handoff import SECRET, Receiver
from tests.conftest import login_with_mfa
from tests.messaging.conftest import enable

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver() -> Any:
    with Receiver() as r:
        yield r


@pytest.fixture
def talk(jc_a: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]) -> Conversation:
    enable(jc_a)
    chat.topics_ensure_defaults(jobcenter=jc_a)
    topic = Topic.objects.filter(jobcenter=jc_a).order_by("position").first()
    conversation = chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(
            subject="Frage zum Bescheid", body="Wann kommt das Geld?", topic=topic
        ),
    )
    chat.message_send(
        conversation=conversation, author=staff_a[Role.CASEWORKER], body="Am Monatsende."
    )
    return conversation


def _push(jc: Jobcenter, url: str) -> None:
    HandoffConfig.objects.create(
        jobcenter=jc, backend="json_push", config={"url": url, "secret": SECRET}
    )


def _close(conversation: Conversation, actor: User, capture: Any) -> None:
    with capture(execute=True):
        chat.conversation_set_status(conversation=conversation, actor=actor, status="closed")


def test_switched_off_nothing_is_handed_over(
    talk: Conversation,
    staff_a: dict[Role, User],
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _push(talk.jobcenter, receiver.url)
    assert not transcripts_on(talk.jobcenter_id)  # the default
    _close(talk, staff_a[Role.CASEWORKER], django_capture_on_commit_callbacks)
    assert not ItemDelivery.objects.exists()
    assert not OutboxItem.objects.filter(topic=items.TOPIC).exists()
    assert receiver.requests == []


def test_closing_hands_the_transcript_over_once_and_a_retry_keeps_the_key(
    talk: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer.customer_number = "123D456789"
    customer.save(update_fields=["customer_number"])
    _push(talk.jobcenter, receiver.url)
    HandoffSettings.objects.create(jobcenter=talk.jobcenter, chat_transcripts=True)
    receiver.answers = [503]  # the first try fails, the retry succeeds
    caseworker = staff_a[Role.CASEWORKER]
    _close(talk, caseworker, django_capture_on_commit_callbacks)
    delivery = ItemDelivery.objects.get(subject="chat_transcript", subject_id=talk.pk)
    assert delivery.status == ItemDeliveryStatus.RETRYING
    ItemDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    items.run_for_item("chat_transcript", talk.pk)
    delivery.refresh_from_db()
    assert delivery.status == ItemDeliveryStatus.DELIVERED
    first, second = receiver.requests
    assert first["idempotency_key"] == second["idempotency_key"] == delivery.idempotency_key
    assert first["body"] == second["body"]
    body = json.loads(second["body"])
    assert body["subject"] == "chat_transcript"
    assert body["metadata"]["customer_number"] == "123D456789"
    assert body["metadata"]["document_kind"] == "chat_transcript"
    assert body["metadata"]["messages"] == 2
    assert [m["body"] for m in body["data"]["messages"]] == [
        "Wann kommt das Geld?",
        "Am Monatsende.",
    ]
    assert [m["from_customer"] for m in body["data"]["messages"]] == [True, False]

    # Reopened and closed again: no second delivery, nothing sent again.
    chat.conversation_set_status(conversation=talk, actor=caseworker, status="open")
    _close(talk, caseworker, django_capture_on_commit_callbacks)
    assert ItemDelivery.objects.filter(subject="chat_transcript").count() == 1
    items.run_for_item("chat_transcript", talk.pk)
    assert len(receiver.requests) == 2


def test_admin_switches_it_on_in_the_settings_and_it_is_audited(
    client: Client, jc_a: Jobcenter, staff_a: dict[Role, User]
) -> None:
    enable_module(jc_a)
    login_with_mfa(client, staff_a[Role.ADMIN])
    url = f"/{jc_a.slug}/staff/antraege/einstellungen/"
    page = client.get(url)
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "Chatverläufe übergeben, wenn das Jobcenter ein Gespräch abschließt" in text
    done = client.post(url, {"section": "chat", "chat_transcripts": "on"})
    assert done.status_code == 302
    assert transcripts_on(jc_a.pk)
    assert AuditEntry.objects.filter(
        object_type="handoff_settings", detail="chat_transcripts=True"
    ).exists()
    client.post(url, {"section": "chat"})
    assert not transcripts_on(jc_a.pk)


def test_a_caseworker_cannot_switch_it(
    client: Client, jc_a: Jobcenter, staff_a: dict[Role, User]
) -> None:
    enable_module(jc_a)
    login_with_mfa(client, staff_a[Role.CASEWORKER])
    response = client.post(
        f"/{jc_a.slug}/staff/antraege/einstellungen/", {"section": "chat", "chat_transcripts": "on"}
    )
    assert response.status_code in (403, 404)
    assert not HandoffSettings.objects.exists()

"""Chat transcripts through FIT-Connect, end to end (issue 24: "every backend receives
them"): the job centre switches transcripts on and FIT-Connect as its backend, a customer
and a caseworker write to each other through the messaging services, staff close the
conversation, the outbox worker runs the hand-off; at the stand-in the test opens the
submission with the destination's private key, checks the requests against FITKO's
official Submission API file and the metadata against the official schema (shipped in
``handoff/fitconnect/spec``), and reads the transcript. Closing again, and reopening and
closing, sends nothing new; the audit trail has the try, without the customer's name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core import outbox
from openjobcenter.core.models import AuditEntry, OutboxItem
from openjobcenter.handoff import chat as handoff_chat
from openjobcenter.handoff import items
from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import Conversation, ConversationStatus, Topic
from tests.handoff.fitconnect_support import LEIKA, StandIn, configure
from tests.handoff.test_fitconnect_applications import _opened
from tests.messaging.conftest import enable as enable_messaging

pytestmark = pytest.mark.django_db

NUMBER = "123D456789"


@pytest.fixture(autouse=True)
def _fast_polls(fast_polls: None) -> None:
    pass


def _set_status(conversation: Conversation, actor: User, status: str, capture: Any) -> None:
    """Staff set the status; whatever the commit would start (the outbox nudge) runs."""
    with capture(execute=True):
        chat.conversation_set_status(conversation=conversation, actor=actor, status=status)


def test_closed_conversation_arrives_encrypted_as_transcript_once(
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    standin: Callable[..., StandIn],
    keys: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    jc = customer.jobcenter
    customer.customer_number = NUMBER
    customer.save(update_fields=["customer_number"])
    caseworker = staff_a[Role.CASEWORKER]
    server = standin()
    configure(jc, server.url, trust_anchor=keys["ca_pem"])
    enable_messaging(jc)
    # Switched on as an admin does it (audited), not by writing the row.
    handoff_chat.settings_save(
        request=None, actor=staff_a[Role.ADMIN], jobcenter=jc, chat_transcripts=True
    )
    assert handoff_chat.transcripts_on(jc.pk)

    chat.topics_ensure_defaults(jobcenter=jc)
    topic = Topic.objects.filter(jobcenter=jc).order_by("position").first()
    conversation = chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(
            subject="Frage zum Bescheid", body="Wann kommt das Geld?", topic=topic
        ),
    )
    chat.message_send(conversation=conversation, author=caseworker, body="Am Monatsende.")
    chat.message_send(conversation=conversation, author=customer.user, body="Danke für die Info!")
    assert not ItemDelivery.objects.exists()  # nothing is handed over while it is open

    # Staff close it: the delivery and its outbox row are written with the status change;
    # the outbox worker (the row's nudge after the commit is not run here) hands it over.
    chat.conversation_set_status(conversation=conversation, actor=caseworker, status="closed")
    delivery = ItemDelivery.objects.get(subject="chat_transcript", subject_id=conversation.pk)
    assert (delivery.backend, delivery.status) == ("fitconnect", ItemDeliveryStatus.PENDING)
    assert server.created() == []
    row = OutboxItem.objects.get(topic=items.TOPIC, key=f"chat_transcript:{conversation.pk}")
    assert outbox.deliver(row.pk) == "delivered"

    delivery.refresh_from_db()
    assert delivery.status == ItemDeliveryStatus.DELIVERED, delivery.last_error
    assert delivery.attempts == 1
    assert server.problems() == ""  # the stand-in found nothing wrong either
    [sid] = server.created()
    assert delivery.external_ref.split()[0] == sid

    # What the destination opens: requests per the official API, metadata per the official
    # schema, both JWE under the destination's key, the data's hash in the metadata.
    got = _opened(server, keys, delivery)
    service = {"name": "Bürgergeld: Chatverlauf", "identifier": LEIKA}
    assert got["create"]["serviceType"] == service
    assert got["create"]["announcedAttachments"] == []
    metadata, data = got["metadata"], got["data"]
    assert metadata["publicServiceType"] == service
    assert metadata["contentStructure"]["attachments"] == []
    today = timezone.localdate().isoformat()
    assert metadata["additionalReferenceInfo"] == {
        "senderReference": delivery.idempotency_key,
        "applicationDate": today,
    }
    assert delivery.idempotency_key == items.idempotency_key(
        jc.pk, "chat_transcript", conversation.pk
    )
    assert got["files"] == {}  # the transcript is the JSON data; no file goes with it
    assert (data["subject"], data["kind"], data["reference"]) == (
        "chat_transcript",
        "chat_transcript",
        f"C-{conversation.pk}",
    )
    assert data["idempotency_key"] == delivery.idempotency_key
    assert data["metadata"] == {
        "customer_number": NUMBER,
        "customer_id": customer.pk,
        "document_kind": "chat_transcript",
        "date": today,
        "request_id": None,
        "application_id": None,
        "messages": 3,
    }
    transcript = data["data"]
    assert transcript["subject"] == "Frage zum Bescheid"
    assert [(m["body"], m["from_customer"]) for m in transcript["messages"]] == [
        ("Wann kommt das Geld?", True),
        ("Am Monatsende.", False),
        ("Danke für die Info!", True),
    ]
    stored = list(conversation.messages.order_by("pk").values_list("created_at", flat=True))
    assert [m["at"] for m in transcript["messages"]] == [t.isoformat() for t in stored]
    # The transcript carries no names: the customer is their number and id.
    opened_text = str(got["data"]) + str(metadata)
    for personal in ("Karl", "Kunde", customer.user.email, caseworker.email):
        assert personal not in opened_text

    # The audit trail: one entry for the one try, under the conversation, no names.
    [entry] = AuditEntry.objects.filter(
        object_type="handoff_chat_transcript", object_id=str(conversation.pk)
    )
    assert entry.action == "export"
    assert entry.detail == f"fitconnect - try 1: delivered; delivery item:{delivery.pk}"
    assert entry.jobcenter_id == jc.pk
    assert entry.subject_id is None and entry.subject_label == ""
    written = str(model_to_dict(entry))
    for personal in ("Karl", "Kunde", customer.user.email, NUMBER):
        assert personal not in written

    # Closed again (already closed), then reopened and closed: no new delivery, no new
    # outbox work, nothing more at the destination, no further hand-off entry.
    _set_status(conversation, caseworker, "closed", django_capture_on_commit_callbacks)
    _set_status(conversation, caseworker, "open", django_capture_on_commit_callbacks)
    chat.message_send(conversation=conversation, author=customer.user, body="Noch eine Frage.")
    _set_status(conversation, caseworker, "closed", django_capture_on_commit_callbacks)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED
    assert list(ItemDelivery.objects.values_list("pk", "status")) == [
        (delivery.pk, ItemDeliveryStatus.DELIVERED)
    ]
    assert OutboxItem.objects.filter(topic=items.TOPIC).count() == 1
    assert outbox.deliver(row.pk) is None  # done already
    assert items.retry_due() == 0
    assert items.run_for_item("chat_transcript", conversation.pk) == {}
    assert server.created() == [sid]
    assert AuditEntry.objects.filter(object_type="handoff_chat_transcript").count() == 1


def test_a_late_try_sends_the_conversation_as_it_was_closed(
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    standin: Callable[..., StandIn],
) -> None:
    """Closed yesterday, the hand-off not run yet (the worker behind, the destination
    down), reopened today with a new message and closed again: the one transcript is the
    conversation of yesterday's close, dated yesterday, not what was written since."""
    jc = customer.jobcenter
    caseworker = staff_a[Role.CASEWORKER]
    server = standin()
    configure(jc, server.url)
    enable_messaging(jc)
    handoff_chat.settings_save(
        request=None, actor=staff_a[Role.ADMIN], jobcenter=jc, chat_transcripts=True
    )
    chat.topics_ensure_defaults(jobcenter=jc)
    topic = Topic.objects.filter(jobcenter=jc).order_by("position").first()
    yesterday = timezone.now() - timedelta(days=1)
    with time_machine.travel(yesterday, tick=True):
        conversation = chat.conversation_start(
            customer=customer,
            author=customer.user,
            data=chat.StartRequest(subject="Umzug", body="Ich ziehe um.", topic=topic),
        )
        chat.message_send(conversation=conversation, author=caseworker, body="Bitte Mietvertrag.")
        chat.conversation_set_status(conversation=conversation, actor=caseworker, status="closed")
    chat.conversation_set_status(conversation=conversation, actor=caseworker, status="open")
    chat.message_send(conversation=conversation, author=customer.user, body="Nach dem Abschluss.")
    chat.conversation_set_status(conversation=conversation, actor=caseworker, status="closed")

    assert outbox.sweep() >= 1  # the worker's periodic sweep
    delivery = ItemDelivery.objects.get(subject="chat_transcript", subject_id=conversation.pk)
    assert delivery.status == ItemDeliveryStatus.DELIVERED, delivery.last_error
    [sid] = server.created()
    got = server.submission(sid)
    assert [m["body"] for m in got["data"]["data"]["messages"]] == [
        "Ich ziehe um.",
        "Bitte Mietvertrag.",
    ]
    closed_day = timezone.localdate(yesterday).isoformat()
    assert got["data"]["metadata"]["messages"] == 2
    assert got["data"]["metadata"]["date"] == closed_day
    assert got["metadata"]["additionalReferenceInfo"]["applicationDate"] == closed_day

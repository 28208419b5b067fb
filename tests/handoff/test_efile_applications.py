"""E-file export, end to end, for what the document/objection tests leave out: a real
submitted application (its filing and its submission) and a closed conversation's chat
transcript land in the customer's record; every JSON file written is validated against
``docs/efile-export.schema.json`` and the folders follow the layout docs/handoff.md
describes."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import DeliveryStatus, HandoffConfig, HandoffDelivery
from openjobcenter.core import sealed
from openjobcenter.core.models import AuditEntry
from openjobcenter.handoff.models import HandoffSettings, ItemDelivery, ItemDeliveryStatus
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import Topic
from openjobcenter.tenants.models import Jobcenter
from tests.handoff.submitted import submit
from tests.handoff.test_efile import _load
from tests.messaging.conftest import enable as enable_messaging

pytestmark = pytest.mark.django_db

ROOT = "eakte/import/kunde-123D456789"


@pytest.fixture
def numbered(customer: CustomerProfile) -> CustomerProfile:
    customer.customer_number = "123D456789"
    customer.save(update_fields=["customer_number"])
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="efile", config={"prefix": "eakte/import"}
    )
    return customer


def _tree(folder: str) -> set[str]:
    dirs, files = default_storage.listdir(folder)
    found = {f"{folder}/{f}" for f in files}
    for d in dirs:
        found |= _tree(f"{folder}/{d}")
    return found


@pytest.mark.parametrize("kind", ["initial", "change_notice"])
def test_submitted_application_lands_as_one_process_with_filing_and_submission(
    customer_client: Client, numbered: CustomerProfile, kind: str
) -> None:
    app = submit(customer_client, numbered, kind)
    subject = "application" if kind == "initial" else "change_notice"
    statuses = set(
        HandoffDelivery.objects.filter(application=app, backend="efile").values_list(
            "phase", "status"
        )
    )
    assert statuses == {
        ("filing", DeliveryStatus.DELIVERED),
        ("submission", DeliveryStatus.DELIVERED),
    }
    ref = app.reference
    vorgang = f"{ROOT}/antrag-{ref}"
    assert _tree(ROOT) == {
        f"{ROOT}/akte.json",
        f"{vorgang}/vorgang.json",
        f"{vorgang}/{subject}-filing-{ref}/dokument.json",
        f"{vorgang}/{subject}-submission-{ref}/dokument.json",
        f"{vorgang}/{subject}-submission-{ref}/{ref}.pdf",
    }
    akte = _load(f"{ROOT}/akte.json")
    assert (akte["type"], akte["customer_number"]) == ("akte", "123D456789")
    process = _load(f"{vorgang}/vorgang.json")
    assert (process["type"], process["kind"], process["application_id"]) == (
        "vorgang",
        subject,
        app.pk,
    )

    filing = _load(f"{vorgang}/{subject}-filing-{ref}/dokument.json")
    assert (filing["subject"], filing["phase"], filing["files"]) == (subject, "filing", [])
    assert set(filing["data"]["answers"]) == {"filing"}

    dokument = _load(f"{vorgang}/{subject}-submission-{ref}/dokument.json")
    assert (dokument["subject"], dokument["phase"], dokument["kind"]) == (
        subject,
        "submission",
        kind,
    )
    assert dokument["reference"] == ref
    assert dokument["metadata"]["application_id"] == app.pk
    assert dokument["metadata"]["customer_number"] == "123D456789"
    assert dokument["data"]["answers"]["filing"]["last_name"] == "Kunde"
    pdf = sealed.read(app.jobcenter, app.pdf_name)
    assert pdf is not None
    assert dokument["files"] == [
        {
            "name": f"{ref}.pdf",
            "role": "hauptdokument",
            "mime_type": "application/pdf",
            "size": len(pdf),
            "sha256": hashlib.sha256(pdf).hexdigest(),
        }
    ]
    with default_storage.open(f"{vorgang}/{subject}-submission-{ref}/{ref}.pdf") as fh:
        assert fh.read() == pdf
    assert AuditEntry.objects.filter(
        object_type=f"handoff_{subject}",
        object_id=str(app.pk),
        action="export",
        detail__startswith="efile submission try 1: delivered",
    ).exists()


def test_closed_conversation_lands_as_chat_transcript(
    jc_a: Jobcenter,
    numbered: CustomerProfile,
    staff_a: dict[Role, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    enable_messaging(jc_a)
    chat.topics_ensure_defaults(jobcenter=jc_a)
    HandoffSettings.objects.create(jobcenter=jc_a, chat_transcripts=True)
    topic = Topic.objects.filter(jobcenter=jc_a).order_by("position").first()
    conversation = chat.conversation_start(
        customer=numbered,
        author=numbered.user,
        data=chat.StartRequest(
            subject="Frage zum Bescheid", body="Wann kommt das Geld?", topic=topic
        ),
    )
    caseworker = staff_a[Role.CASEWORKER]
    chat.message_send(conversation=conversation, author=caseworker, body="Am Monatsende.")
    with django_capture_on_commit_callbacks(execute=True):
        chat.conversation_set_status(conversation=conversation, actor=caseworker, status="closed")
    delivery = ItemDelivery.objects.get(subject="chat_transcript", subject_id=conversation.pk)
    assert delivery.status == ItemDeliveryStatus.DELIVERED, delivery.last_error

    ref = f"C-{conversation.pk}"
    assert _tree(ROOT) == {
        f"{ROOT}/akte.json",
        f"{ROOT}/chat/vorgang.json",
        f"{ROOT}/chat/chat_transcript-{ref}/dokument.json",
    }
    assert _load(f"{ROOT}/akte.json")["customer_number"] == "123D456789"
    process = _load(f"{ROOT}/chat/vorgang.json")
    assert (process["kind"], process["application_id"]) == ("chat", None)
    dokument = _load(f"{ROOT}/chat/chat_transcript-{ref}/dokument.json")
    assert (dokument["subject"], dokument["phase"], dokument["reference"]) == (
        "chat_transcript",
        None,
        ref,
    )
    assert dokument["metadata"]["document_kind"] == "chat_transcript"
    assert dokument["metadata"]["messages"] == 2
    assert dokument["idempotency_key"] == delivery.idempotency_key
    assert [m["body"] for m in dokument["data"]["messages"]] == [
        "Wann kommt das Geld?",
        "Am Monatsende.",
    ]
    assert dokument["files"] == []
    [entry] = AuditEntry.objects.filter(
        object_type="handoff_chat_transcript", object_id=str(conversation.pk)
    )
    assert entry.detail == f"efile - try 1: delivered; delivery item:{delivery.pk}"
    assert entry.action == "export" and entry.subject_id is None

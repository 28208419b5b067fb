"""FIT-Connect backend against a real stand-in submission service in its own process
(``fitconnect_standin.py``): what arrives is decrypted there with the destination's
private key and checked against the shipped specification; the tests read it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from openjobcenter.handoff import items
from openjobcenter.handoff.fitconnect import FitConnectBackend, spec
from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus
from tests.handoff.conftest import PDF, accept, filed_objection, received_document
from tests.handoff.fitconnect_support import LEIKA, StandIn, configure


@pytest.fixture(autouse=True)
def _fast_polls(fast_polls: None) -> None:
    pass


def _delivery(subject: str, pk: int) -> ItemDelivery:
    return ItemDelivery.objects.get(subject=subject, subject_id=pk, backend="fitconnect")


def test_accepted_document_arrives_encrypted_with_metadata_per_the_schema(
    customer: Any,
    staff_a: Any,
    standin: Callable[..., StandIn],
    keys: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer.customer_number = "123D456789"
    customer.save(update_fields=["customer_number"])
    server = standin()
    configure(customer.jobcenter, server.url, trust_anchor=keys["ca_pem"])
    doc = received_document(customer)
    with django_capture_on_commit_callbacks(execute=True):
        accept(doc, staff_a)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.DELIVERED, delivery.last_error
    assert server.problems() == ""
    [sid] = server.created()
    assert delivery.external_ref.split()[0] == sid  # "<submission> <case>"
    got = server.submission(sid)
    spec.check_metadata(got["metadata"])  # once more here, with the shipped schema
    assert got["metadata"]["additionalReferenceInfo"]["senderReference"] == delivery.idempotency_key
    assert got["metadata"]["publicServiceType"]["identifier"] == LEIKA
    assert got["create"]["serviceType"]["identifier"] == LEIKA
    assert got["data"]["subject"] == "document"
    assert got["data"]["metadata"]["customer_number"] == "123D456789"
    assert got["data"]["metadata"]["document_kind"] == "payslip"
    assert list(got["attachments"].values()) == [PDF]
    [described] = got["metadata"]["contentStructure"]["attachments"]
    assert described["purpose"] == "attachment"
    assert described["mimeType"] == "application/pdf"


def test_objection_arrives_with_its_receipt(
    customer: Any,
    staff_a: Any,
    standin: Callable[..., StandIn],
    django_capture_on_commit_callbacks: Any,
) -> None:
    server = standin()
    configure(customer.jobcenter, server.url)
    with django_capture_on_commit_callbacks(execute=True):
        objection = filed_objection(customer, staff_a)
    assert _delivery("objection", objection.pk).status == ItemDeliveryStatus.DELIVERED
    [sid] = server.created()
    got = server.submission(sid)
    assert got["data"]["data"]["reasons"] == "Die Miete fehlt im Bescheid."
    [receipt] = got["attachments"].values()
    assert receipt.startswith(b"%PDF")
    assert got["metadata"]["contentStructure"]["attachments"][0]["purpose"] == "report"


def test_a_key_outside_the_trust_anchor_is_refused_before_anything_is_sent(
    customer: Any, staff_a: Any, standin: Callable[..., StandIn], keys: dict[str, Any]
) -> None:
    server = standin()
    configure(customer.jobcenter, server.url, trust_anchor=keys["other_ca_pem"])
    doc = received_document(customer)
    accept(doc, staff_a)
    items.run_for_item("document", doc.pk)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.FAILED  # another try would not help
    assert delivery.last_error == "certificate: not issued under the trust anchor"
    assert server.created() == []


def test_a_refused_token_fails_at_once(
    customer: Any, staff_a: Any, standin: Callable[..., StandIn]
) -> None:
    server = standin(refuse_token=True)
    configure(customer.jobcenter, server.url)
    doc = received_document(customer)
    accept(doc, staff_a)
    items.run_for_item("document", doc.pk)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.FAILED
    assert delivery.last_error == "token refused: HTTP 401"
    assert server.created() == []


def test_a_rejected_submission_is_a_dead_letter_with_the_problem_type(
    customer: Any, staff_a: Any, standin: Callable[..., StandIn]
) -> None:
    server = standin(reject=True)
    configure(customer.jobcenter, server.url)
    doc = received_document(customer)
    accept(doc, staff_a)
    items.run_for_item("document", doc.pk)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.FAILED
    assert delivery.last_error == "rejected: missing-authentication"


def test_waiting_for_acceptance_reads_the_log_again_without_sending_twice(
    customer: Any, staff_a: Any, standin: Callable[..., StandIn]
) -> None:
    server = standin(decide_after_polls=4)  # the first try polls three times
    configure(customer.jobcenter, server.url)
    doc = received_document(customer)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        accept(doc, staff_a)
        items.run_for_item("document", doc.pk)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.RETRYING
    assert delivery.last_error == "submitted, awaiting acceptance"
    [sid] = server.created()
    assert delivery.external_ref.split()[0] == sid  # "<submission> <case>"
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert items.retry_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == ItemDeliveryStatus.DELIVERED
    assert server.created() == [sid]  # followed, not sent again


def test_server_down_retries_then_dead_letter(
    customer: Any, staff_a: Any, standin: Callable[..., StandIn], settings: Any
) -> None:
    settings.APPLICATIONS_HANDOFF = {**settings.APPLICATIONS_HANDOFF, "max_attempts": 2}
    server = standin()
    configure(customer.jobcenter, server.url)
    server.stop()
    doc = received_document(customer)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        accept(doc, staff_a)
        items.run_for_item("document", doc.pk)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.RETRYING
    assert delivery.last_error.startswith("URLError")
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        items.retry_due()
    delivery.refresh_from_db()
    assert delivery.status == ItemDeliveryStatus.FAILED
    assert delivery.attempts == 2


def test_configuration_is_checked() -> None:
    errors = FitConnectBackend().validate_config(
        {
            "token_url": "ftp://x",
            "api_url": "https://zustelldienst.example/",
            "client_id": "",
            "client_secret": "",
            "destination_id": "nicht-uuid",
            "leika": "99050012104000",
            "trust_anchor": "kein Zertifikat",
        }
    )
    assert set(errors) == {
        "token_url",
        "client_id",
        "client_secret",
        "destination_id",
        "leika",
        "trust_anchor",
    }
    assert "urn:de:fim:leika" in errors["leika"]

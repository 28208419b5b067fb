"""Applications and change notices through FIT-Connect, end to end: a real application
(filled through the customer's pages, submitted through the service, its outbox rows
run) goes to the stand-in Submission API in its own process; the test opens what arrived
with the destination's private key, as the receiving authority would, and checks the
requests against FITKO's official Submission API file and the metadata against the
official metadata schema, both shipped in ``handoff/fitconnect/spec``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application, DeliveryStatus, HandoffDelivery
from openjobcenter.core import sealed
from openjobcenter.core.models import AuditEntry
from openjobcenter.handoff.fitconnect import crypto, spec
from openjobcenter.handoff.models import ItemDelivery
from tests.handoff.fitconnect_support import LEIKA, StandIn, configure, decrypt
from tests.handoff.submitted import submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_polls(fast_polls: None) -> None:
    pass


def _opened(
    server: StandIn, keys: dict[str, Any], delivery: HandoffDelivery | ItemDelivery
) -> dict[str, Any]:
    """The submission of ``delivery`` as the destination receives it: the requests checked
    against the official API, metadata and data decrypted and checked, the attachments
    decrypted and matched with the metadata's hashes."""
    sid, case_id = delivery.external_ref.split()
    assert sid in server.created()
    raw = server.raw(sid)
    spec.check_component("CreateSubmission", raw["create"])
    spec.check_component("SubmitSubmission", raw["submit"])
    header, plain = decrypt(raw["submit"]["encryptedMetadata"], keys)
    assert (header["alg"], header["enc"]) == (crypto.ALG, crypto.ENC) == ("RSA-OAEP-256", "A256GCM")
    assert header["kid"] == keys["destination_public"]["kid"]
    metadata = json.loads(plain)
    spec.check_metadata(metadata)
    _, data_bytes = decrypt(raw["submit"]["encryptedData"], keys)
    content = metadata["contentStructure"]
    assert content["data"]["hash"] == {
        "type": "sha512",
        "content": hashlib.sha512(data_bytes).hexdigest(),
    }
    assert content["data"]["submissionSchema"]["mimeType"] == "application/json"
    described = {a["attachmentId"]: a for a in content["attachments"]}
    assert set(described) == set(raw["create"]["announcedAttachments"]) == set(raw["attachments"])
    files: dict[str, bytes] = {}
    for aid, jose in raw["attachments"].items():
        header, blob = decrypt(jose, keys)
        assert header["alg"] == "RSA-OAEP-256" and header["enc"] == "A256GCM"
        assert described[aid]["hash"]["content"] == hashlib.sha512(blob).hexdigest()
        files[described[aid]["purpose"]] = blob
    return {
        "case_id": case_id,
        "create": raw["create"],
        "metadata": metadata,
        "data": json.loads(data_bytes),
        "files": files,
    }


def _delivery(app: Application, phase: str) -> HandoffDelivery:
    return HandoffDelivery.objects.get(application=app, backend="fitconnect", phase=phase)


@pytest.mark.parametrize(
    ("kind", "subject", "service"),
    [
        ("initial", "application", "Bürgergeld: Antrag"),
        ("change_notice", "change_notice", "Bürgergeld: Veränderungsmitteilung"),
    ],
)
def test_submitted_application_and_change_notice_arrive_encrypted_per_the_official_spec(
    customer_client: Client,
    customer: CustomerProfile,
    standin: Callable[..., StandIn],
    keys: dict[str, Any],
    kind: str,
    subject: str,
    service: str,
) -> None:
    customer.customer_number = "123D456789"
    customer.save(update_fields=["customer_number"])
    server = standin()
    configure(customer.jobcenter, server.url, trust_anchor=keys["ca_pem"])
    app = submit(customer_client, customer, kind)

    filing, submission = _delivery(app, "filing"), _delivery(app, "submission")
    assert (filing.status, submission.status) == (DeliveryStatus.DELIVERED,) * 2, (
        filing.last_error,
        submission.last_error,
    )
    assert server.problems() == ""
    assert len(server.created()) == 2  # the filing, then the complete application

    got = _opened(server, keys, submission)
    metadata, data = got["metadata"], got["data"]
    assert got["create"]["destinationId"] == server_destination(server)
    assert got["create"]["serviceType"] == {"name": service, "identifier": LEIKA}
    assert metadata["publicServiceType"] == {"name": service, "identifier": LEIKA}
    assert metadata["additionalReferenceInfo"] == {
        "senderReference": submission.idempotency_key,
        "applicationDate": data["metadata"]["date"],
    }
    assert data["subject"] == subject
    assert data["phase"] == "submission"
    assert data["reference"] == app.reference
    assert data["sha256"] == app.submission_sha256
    assert data["data"] == json.loads(json.dumps(app.submitted_data))
    assert data["metadata"] == {
        "customer_number": "123D456789",
        "customer_id": customer.pk,
        "document_kind": kind,
        "date": data["metadata"]["date"],
        "application_id": app.pk,
        "request_id": None,
    }
    # The summary PDF is the form, byte for byte what the platform stored (sealed).
    assert got["files"]["form"] == sealed.read(app.jobcenter, app.pdf_name)
    assert got["files"]["form"].startswith(b"%PDF")
    if kind == "change_notice":
        assert data["data"]["answers"]["changes"]["what"] == ["job"]
        assert data["data"]["answers"]["job"]["employer"] == "Stadtwerke Fulda"

    # The filing went first, with the filing step only and no file.
    early = _opened(server, keys, filing)
    assert early["data"]["phase"] == "filing"
    assert early["data"]["subject"] == subject
    assert set(early["data"]["data"]["answers"]) == {"filing"}
    assert early["files"] == {}
    assert early["case_id"] != got["case_id"]

    # Every try is in the audit log, under the application's id, with no personal data.
    entries = AuditEntry.objects.filter(object_type=f"handoff_{subject}", object_id=str(app.pk))
    details = set(entries.values_list("detail", flat=True))
    assert f"fitconnect filing try 1: delivered; delivery application:{filing.pk}" in details
    assert f"fitconnect submission try 1: delivered; delivery application:{submission.pk}" in (
        details
    )
    for entry in entries:
        assert entry.action == "export"
        assert entry.subject_id is None and entry.subject_label == ""
        assert entry.jobcenter_id == customer.jobcenter_id
        for personal in ("Karl", "Kunde", "kunde@example.org", "123D456789"):
            assert personal not in entry.detail


def server_destination(server: StandIn) -> str:
    config: dict[str, Any] = json.loads((server.state / "config.json").read_text())
    return str(config["destination_id"])


def test_the_official_spec_refuses_what_the_old_subset_let_through() -> None:
    """Differences the official file brought (docs/handoff.md): a destination key without
    its certificate chain or under 4096 bits, a destination without regions, a service
    type without a name."""
    key = {
        "kty": "RSA",
        "kid": "enc-key-1",
        "alg": "RSA-OAEP-256",
        "key_ops": ["wrapKey"],
        "n": "x" * 683,
        "e": "AQAB",
    }
    with pytest.raises(spec.SpecError):
        spec.check_component("JWK", key)  # no x5c
    spec.check_component("JWK", {**key, "x5c": ["MIIB"]})
    with pytest.raises(spec.SpecError):
        spec.check_component("JWK", {**key, "x5c": ["MIIB"], "n": "x" * 342})  # 2048 bits
    with pytest.raises(spec.SpecError):
        spec.check_component(
            "CreateSubmission",
            {
                "destinationId": "3b7c4e6a-1f2d-4c3b-9a8e-5d6f7a8b9c0d",
                "announcedAttachments": [],
                "serviceType": {"identifier": LEIKA},
            },
        )
    assert spec.operation("GET", "/v1/cases/3b7c4e6a-1f2d-4c3b-9a8e-5d6f7a8b9c0d/events")
    assert spec.operation("GET", "/v1/submissions/3b7c4e6a-1f2d-4c3b-9a8e-5d6f7a8b9c0d/events") is (
        None
    )


def test_the_shipped_json_is_the_official_yaml() -> None:
    yaml = pytest.importorskip("yaml")
    assert spec.api() == yaml.safe_load((spec.SPEC_DIR / "submission-api.v1.1.3.yaml").read_text())
    assert spec.api()["info"]["version"] == "1.1.3"


def test_a_submission_kept_without_its_case_is_left_to_staff() -> None:
    """A delivery from before the case id was kept: its case's log cannot be read, and
    sending it on its own could make a second submission, so it fails at once (a dead
    letter staff can retry) without a request."""
    from openjobcenter.handoff.base import HandoffInput
    from openjobcenter.handoff.fitconnect import FitConnectBackend

    item = HandoffInput(
        application_id=1,
        reference="A-1",
        kind="initial",
        jobcenter_slug="x",
        form_key="initial",
        form_version=2,
        submitted_at="",
        submission_sha256="",
        submitted_data={},
        idempotency_key="k",
        staff_url="",
        config={
            "token_url": "https://127.0.0.1:9/token",  # nothing listens: no request is made
            "api_url": "https://127.0.0.1:9",
            "client_id": "c",
            "client_secret": "s",
            "destination_id": "3b7c4e6a-1f2d-4c3b-9a8e-5d6f7a8b9c0d",
            "leika": LEIKA,
        },
        external_ref="54c46d87-ca9e-4101-a4e8-4052a4bc9102",
    )
    result = FitConnectBackend().deliver(item)
    assert (result.ok, result.retry, result.error) == (False, False, "submitted, case unknown")

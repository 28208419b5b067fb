"""FIT-Connect backend against a real stand-in submission service in its own process
(``fitconnect_standin.py``): what arrives is decrypted there with the destination's
private key and checked against the shipped specification; the tests read it back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.utils import timezone
from joserfc.jwk import RSAKey

from openjobcenter.applications.models import HandoffConfig
from openjobcenter.handoff import items
from openjobcenter.handoff.fitconnect import FitConnectBackend, spec
from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus
from tests.handoff.conftest import PDF, accept, filed_objection, received_document

ROOT = Path(__file__).resolve().parents[2]
LEIKA = "urn:de:fim:leika:leistung:99050012104000"
DESTINATION = str(uuid.UUID("3b7c4e6a-1f2d-4c3b-9a8e-5d6f7a8b9c0d"))


def _cert(
    subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool, days: int = 365
) -> x509.Certificate:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _b64der(cert: x509.Certificate) -> str:
    import base64

    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="session")
def keys() -> dict[str, Any]:
    """The destination's 4096-bit key with a certificate under a test CA (made once: a
    4096-bit key takes seconds), another CA, and the service's event signing key."""
    destination = RSAKey.generate_key(4096, private=True, parameters={"kid": "enc-1"})
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test-Wurzel-CA", ca_key, "Test-Wurzel-CA", ca_key, ca=True)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _cert("Fremde CA", other_key, "Fremde CA", other_key, ca=True)
    rsa_public = destination.public_key
    assert isinstance(rsa_public, rsa.RSAPublicKey)

    class _Pub:
        def public_key(self) -> Any:
            return rsa_public

    leaf = _cert("Zustellpunkt Jobcenter", _Pub(), "Test-Wurzel-CA", ca_key, ca=False)
    public = {
        **destination.as_dict(private=False),
        "kid": "enc-1",
        "alg": "RSA-OAEP-256",
        "key_ops": ["wrapKey"],
        "x5c": [_b64der(leaf)],
    }
    event_key = RSAKey.generate_key(2048, private=True, parameters={"kid": "sig-1"})
    return {
        "destination_private": destination.as_dict(private=True),
        "destination_public": public,
        "ca_pem": _pem(ca),
        "other_ca_pem": _pem(other_ca),
        "event_key": {**event_key.as_dict(private=True), "kid": "sig-1"},
    }


class StandIn:
    def __init__(self, state: Path, keys: dict[str, Any], **behaviour: Any) -> None:
        self.state = state
        config = {
            "client_id": "ojc-test",
            "client_secret": "geheim-genug",
            "destination_id": DESTINATION,
            "leika": LEIKA,
            **{k: keys[k] for k in ("destination_private", "destination_public", "event_key")},
            **behaviour,
        }
        (state / "config.json").write_text(json.dumps(config))
        env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.handoff.fitconnect_standin", str(state)],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while not (state / "port").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                msg = "stand-in FIT-Connect did not start"
                raise RuntimeError(msg)
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{(state / 'port').read_text()}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def created(self) -> list[str]:
        path = self.state / "created"
        return path.read_text().split() if path.exists() else []

    def problems(self) -> str:
        path = self.state / "problems.log"
        return path.read_text() if path.exists() else ""

    def submission(self, sid: str) -> dict[str, Any]:
        folder = self.state / "submissions" / sid
        return {
            "metadata": json.loads((folder / "metadata.json").read_text()),
            "data": json.loads((folder / "data.json").read_text()),
            "create": json.loads((folder / "create.json").read_text()),
            "attachments": {p.name: p.read_bytes() for p in (folder / "attachments").iterdir()},
        }


@pytest.fixture
def standin(tmp_path: Path, keys: dict[str, Any]) -> Iterator[Callable[..., StandIn]]:
    started: list[StandIn] = []

    def start(**behaviour: Any) -> StandIn:
        folder = tmp_path / f"fc{len(started)}"
        folder.mkdir()
        s = StandIn(folder, keys, **behaviour)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture(autouse=True)
def _fast_polls(settings: Any) -> None:
    settings.APPLICATIONS_HANDOFF = {
        **settings.APPLICATIONS_HANDOFF,
        "fitconnect_poll_tries": 3,
        "fitconnect_poll_interval_s": 0.05,
    }


def _configure(jc: Any, url: str, **extra: str) -> None:
    HandoffConfig.objects.create(
        jobcenter=jc,
        backend="fitconnect",
        config={
            "token_url": f"{url}/token",
            "api_url": url,
            "client_id": "ojc-test",
            "client_secret": "geheim-genug",
            "destination_id": DESTINATION,
            "leika": LEIKA,
            **extra,
        },
    )


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
    _configure(customer.jobcenter, server.url, trust_anchor=keys["ca_pem"])
    doc = received_document(customer)
    with django_capture_on_commit_callbacks(execute=True):
        accept(doc, staff_a)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.DELIVERED, delivery.last_error
    assert server.problems() == ""
    [sid] = server.created()
    assert delivery.external_ref == sid
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
    _configure(customer.jobcenter, server.url)
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
    _configure(customer.jobcenter, server.url, trust_anchor=keys["other_ca_pem"])
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
    _configure(customer.jobcenter, server.url)
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
    _configure(customer.jobcenter, server.url)
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
    _configure(customer.jobcenter, server.url)
    doc = received_document(customer)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        accept(doc, staff_a)
        items.run_for_item("document", doc.pk)
    delivery = _delivery("document", doc.pk)
    assert delivery.status == ItemDeliveryStatus.RETRYING
    assert delivery.last_error == "submitted, awaiting acceptance"
    [sid] = server.created()
    assert delivery.external_ref == sid
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
    _configure(customer.jobcenter, server.url)
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

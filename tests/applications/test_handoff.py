"""Hand-off: registry, signed JSON push against a real local HTTP server, retries with
frozen time, file drop, functional mailbox without personal data."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from openjobcenter import handoff
from openjobcenter.applications.models import (
    ApplicationEvent,
    DeliveryStatus,
    EventKind,
    HandoffConfig,
    HandoffDelivery,
)
from openjobcenter.handoff.backends import SIGNATURE_HEADER, verify
from tests.applications.staff_data import make_application

SECRET = "ein-langes-geheimnis-123"


class Receiver:
    """A tiny HTTPS-less receiver on 127.0.0.1 that checks the signature."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {
                        "body": body,
                        "signature_ok": verify(SECRET, body, self.headers[SIGNATURE_HEADER]),
                        "idempotency_key": self.headers["Idempotency-Key"],
                        "content_type": self.headers["Content-Type"],
                    }
                )
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/antraege"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def _push_config(jc: Any, url: str) -> None:
    HandoffConfig.objects.create(
        jobcenter=jc, backend="json_push", config={"url": url, "secret": SECRET}
    )


def test_registry_has_the_four_backends() -> None:
    keys = {b.key for b in handoff.all_backends()}
    assert {"inbox", "json_push", "file_drop", "mailbox"} <= keys
    assert handoff.get_backend("inbox").always_on


def test_schedule_creates_inbox_delivery_and_marks_it_delivered(
    customer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_application(customer)
    with django_capture_on_commit_callbacks(execute=True):
        handoff.schedule_handoffs(app.pk)
    delivery = HandoffDelivery.objects.get(application=app)
    assert delivery.backend == "inbox"
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    # Idempotent: a second call creates nothing new and does not deliver twice.
    with django_capture_on_commit_callbacks(execute=True):
        handoff.schedule_handoffs(app.pk)
    assert HandoffDelivery.objects.filter(application=app).count() == 1
    assert HandoffDelivery.objects.get(application=app).attempts == 1


def test_drafts_are_never_handed_over(customer: Any) -> None:
    draft = make_application(customer, status="draft")
    handoff.schedule_handoffs(draft.pk)
    assert not HandoffDelivery.objects.filter(application=draft).exists()


def test_json_push_is_signed_and_carries_the_idempotency_key(
    customer: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_application(customer)
    _push_config(customer.jobcenter, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        handoff.schedule_handoffs(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    assert delivery.status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    assert request["signature_ok"]
    assert request["idempotency_key"] == delivery.idempotency_key
    assert request["content_type"].startswith("application/json")
    body = json.loads(request["body"])
    assert body["reference"] == app.reference
    assert body["sha256"] == app.submission_sha256
    assert body["data"]["answers"]["housing"]["cold_rent"] == "500.00"
    event = ApplicationEvent.objects.get(
        application=app, kind=EventKind.HANDOFF, data__backend="json_push"
    )
    assert event.internal


def test_json_push_failure_retries_with_backoff_then_delivers(
    customer: Any, receiver: Receiver, settings: Any
) -> None:
    settings.APPLICATIONS_HANDOFF = {**settings.APPLICATIONS_HANDOFF, "backoff_base_s": 60}
    app = make_application(customer)
    _push_config(customer.jobcenter, receiver.url)
    receiver.answers = [503, 500, 200]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        handoff.schedule_handoffs(app.pk)
        handoff.run_for_application(app.pk)
        delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
        assert delivery.status == DeliveryStatus.RETRYING
        assert delivery.attempts == 1
        assert delivery.last_error == "HTTP 503"
        assert delivery.next_attempt_at == start + timedelta(seconds=60)
        # Not due yet: the periodic job leaves it alone.
        handoff.retry_due()
        assert len(receiver.requests) == 1
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert handoff.retry_due() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.RETRYING
        # Second failure waits twice as long.
        assert delivery.next_attempt_at == start + timedelta(seconds=61 + 120)
    with time_machine.travel(start + timedelta(seconds=61 + 121), tick=False):
        handoff.retry_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    # Every try carried the same idempotency key.
    assert {r["idempotency_key"] for r in receiver.requests} == {delivery.idempotency_key}


def test_json_push_gives_up_after_max_attempts(
    customer: Any, receiver: Receiver, settings: Any
) -> None:
    settings.APPLICATIONS_HANDOFF = {**settings.APPLICATIONS_HANDOFF, "max_attempts": 2}
    app = make_application(customer)
    _push_config(customer.jobcenter, receiver.url)
    receiver.answers = [500, 500, 500]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        handoff.schedule_handoffs(app.pk)
        handoff.run_for_application(app.pk)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        handoff.retry_due()
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 2
    assert delivery.next_attempt_at is None
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert handoff.retry_due() == 0


def test_json_push_client_error_fails_at_once(customer: Any, receiver: Receiver) -> None:
    app = make_application(customer)
    _push_config(customer.jobcenter, receiver.url)
    receiver.answers = [400]
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "HTTP 400"


def test_json_push_unreachable_receiver_is_retried(customer: Any) -> None:
    app = make_application(customer)
    _push_config(customer.jobcenter, "http://127.0.0.1:9/nobody")
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://fachverfahren.example.org/in", True),
        ("http://fachverfahren.example.org/in", False),
        ("ftp://example.org/x", False),
        ("https://user:pw@example.org/in", False),
        ("http://localhost:8080/in", True),
        ("not a url", False),
    ],
)
def test_json_push_refuses_non_https_urls(url: str, ok: bool) -> None:
    errors = handoff.get_backend("json_push").validate_config({"url": url, "secret": SECRET})
    assert ("url" not in errors) is ok


def test_json_push_refuses_plain_http_to_localhost_outside_tests(settings: Any) -> None:
    settings.APPLICATIONS_HANDOFF = {
        **settings.APPLICATIONS_HANDOFF,
        "allow_http_localhost": False,
    }
    errors = handoff.get_backend("json_push").validate_config(
        {"url": "http://127.0.0.1:8080/in", "secret": SECRET}
    )
    assert "url" in errors


def test_file_drop_waits_for_the_pdf_then_writes_pdf_and_json(
    customer: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    app = make_application(customer)
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="file_drop", config={"prefix": "eakte/eingang"}
    )
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="file_drop")
    assert delivery.status == DeliveryStatus.RETRYING
    assert "PDF" in delivery.last_error
    name = default_storage.save(f"antraege/{app.reference}.pdf", ContentFile(b"%PDF-1.7 test"))
    app.pdf_name = name
    app.save(update_fields=["pdf_name"])
    HandoffDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    handoff.run_for_application(app.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    folder = f"eakte/eingang/{app.reference}"
    with default_storage.open(f"{folder}/antrag.pdf") as fh:
        assert fh.read() == b"%PDF-1.7 test"
    with default_storage.open(f"{folder}/antrag.json") as fh:
        assert json.loads(fh.read())["reference"] == app.reference


@pytest.mark.parametrize("prefix", ["../etc", "/abs", "a/../../b", "", "x" * 300, "a b"])
def test_file_drop_refuses_bad_prefixes(prefix: str) -> None:
    assert handoff.get_backend("file_drop").validate_config({"prefix": prefix})


def test_mailbox_gets_reference_and_link_but_no_personal_data(
    customer: Any, outbox: list[Any]
) -> None:
    from openjobcenter.applications.models import ApplicationSettings

    ApplicationSettings.objects.create(
        jobcenter=customer.jobcenter, notify_mailbox="antraege@jobcenter.example.org"
    )
    HandoffConfig.objects.create(jobcenter=customer.jobcenter, backend="mailbox", config={})
    app = make_application(customer)
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    assert HandoffDelivery.objects.get(application=app, backend="mailbox").status == (
        DeliveryStatus.DELIVERED
    )
    [mail] = outbox
    assert mail.to == ["antraege@jobcenter.example.org"]
    text = mail.subject + mail.body
    assert app.reference in text
    assert f"/staff/antraege/{app.pk}/" in text
    for personal in ("Karl", "Kunde", "Eva", "Mia", "A-1001", "500", "Bäckerei", "kunde@"):
        assert personal not in text


def test_a_broken_backend_does_not_stop_the_others(customer: Any, monkeypatch: Any) -> None:
    from openjobcenter.handoff.backends import JsonPushBackend

    def boom(self: Any, item: Any) -> Any:
        raise RuntimeError("bug with Karl Kunde inside")

    monkeypatch.setattr(JsonPushBackend, "deliver", boom)
    _push_config(customer.jobcenter, "https://example.org/in")
    app = make_application(customer)
    handoff.schedule_handoffs(app.pk)
    result = handoff.run_for_application(app.pk)
    assert result == {"inbox": "delivered", "json_push": "retrying"}
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    # The exception text (which may hold personal data) is not stored.
    assert delivery.last_error == "RuntimeError"


def test_periodic_job_is_registered() -> None:
    from openjobcenter.core import scheduler

    assert "applications.handoffs" in {job.name for job in scheduler.registered()}


def test_backoff_doubles_and_is_capped() -> None:
    assert handoff.backoff(1) == timedelta(seconds=60)
    assert handoff.backoff(2) == timedelta(seconds=120)
    assert handoff.backoff(30) == timedelta(hours=6)


def test_a_claimed_try_is_not_run_twice(customer: Any) -> None:
    """The claim is a conditional UPDATE: while one worker holds the lease, a second
    worker (or the periodic job) finds nothing due."""
    app = make_application(customer)
    delivery = HandoffDelivery.objects.create(
        application=app,
        backend="inbox",
        idempotency_key="k",
        status=DeliveryStatus.RETRYING,
        next_attempt_at=timezone.now() + handoff.lease(),
        attempts=1,
    )
    assert handoff.run_delivery(delivery.pk) is None
    assert handoff.retry_due() == 0
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_file_drop_carries_the_proofs_sent_for_this_application(
    customer: Any, customer2: Any, tmp_path: Any, settings: Any
) -> None:
    from openjobcenter.documents import storage
    from openjobcenter.documents.models import Document, DocumentState

    settings.MEDIA_ROOT = str(tmp_path)
    app = make_application(customer)
    assert app.submitted_data is not None and app.filed_at is not None
    filed_at = app.filed_at
    app.submitted_data = {
        **app.submitted_data,
        "proofs": [{"kind": "tenancy_agreement", "person_id": "p1"}],
    }
    app.pdf_name = default_storage.save(f"antraege/{app.reference}.pdf", ContentFile(b"%PDF-1"))
    app.save(update_fields=["submitted_data", "pdf_name"])

    def document(owner: Any, kind: str, state: str, content: bytes, sent: Any) -> Document:
        key, key_id = storage.put(owner.jobcenter, "documents", ".pdf", content)
        return Document.objects.create(
            jobcenter=owner.jobcenter,
            customer=owner,
            kind=kind,
            state=state,
            file_key=key,
            key_id=key_id,
            submitted_at=sent,
        )

    later = filed_at + timedelta(hours=1)
    lease = document(customer, "tenancy_agreement", DocumentState.RECEIVED, b"%PDF lease", later)
    # Not attached: another kind, an older copy, a refused file, another customer's file.
    document(customer, "payslip", DocumentState.RECEIVED, b"%PDF pay", later)
    document(
        customer,
        "tenancy_agreement",
        DocumentState.ACCEPTED,
        b"%PDF old",
        filed_at - timedelta(days=400),
    )
    document(customer, "tenancy_agreement", DocumentState.REFUSED, b"%PDF bad", later)
    document(customer2, "tenancy_agreement", DocumentState.RECEIVED, b"%PDF other", later)
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="file_drop", config={"prefix": "eakte"}
    )
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    assert HandoffDelivery.objects.get(application=app, backend="file_drop").status == (
        DeliveryStatus.DELIVERED
    )
    folder = f"eakte/{app.reference}/anlagen"
    _dirs, files = default_storage.listdir(folder)
    assert files == [f"{lease.pk}-tenancy_agreement.pdf"]
    # Handed over decrypted: the e-file gets the PDF, not the encrypted blob.
    with default_storage.open(f"{folder}/{files[0]}") as fh:
        assert fh.read() == b"%PDF lease"


@pytest.mark.parametrize(
    "url", ["https://10.1.2.3/hook", "https://192.168.0.10/hook", "https://[fd00::1]/hook"]
)
def test_json_push_refuses_internal_addresses_unless_the_operator_opens_them(
    url: str, settings: Any
) -> None:
    from django.utils import translation

    backend = handoff.get_backend("json_push")
    config = {"url": url, "secret": "s" * 20}
    # The admin's form shows it in their language; outside a request German is asked for.
    with translation.override("de"):
        assert "Interne Adressen" in backend.validate_config(config)["url"]
    with translation.override("en"):
        assert "Internal addresses" in backend.validate_config(config)["url"]
    host = url.split("//")[1].split("/", maxsplit=1)[0].strip("[]")
    settings.APPLICATIONS_HANDOFF = {
        **settings.APPLICATIONS_HANDOFF,
        "private_hosts": [host],
    }
    assert backend.validate_config(config) == {}


def test_json_push_checks_where_a_name_points_when_sending(
    customer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    # A public-looking name that resolves to an internal address (DNS rebinding).
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))],
    )
    app = make_application(customer)
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter,
        backend="json_push",
        config={"url": "https://adapter.example.org/hook", "secret": "s" * 20},
    )
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    assert delivery.status == DeliveryStatus.FAILED
    assert "not public" in delivery.last_error

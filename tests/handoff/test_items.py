"""Documents and objections through the hand-off registry: written with the event in its
transaction, delivered with their metadata and file, idempotently, retried with backoff,
and shown to team leads as dead letters after the last try."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from openjobcenter.accounts.models import Role
from openjobcenter.applications.models import HandoffConfig
from openjobcenter.core.models import AuditEntry, OutboxItem
from openjobcenter.handoff import items
from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus
from tests.applications.test_handoff import SECRET, Receiver
from tests.handoff.conftest import PDF, accept, filed_objection, received_document


@pytest.fixture
def receiver() -> Any:
    with Receiver() as r:
        yield r


def _push(jc: Any, url: str) -> None:
    HandoffConfig.objects.create(
        jobcenter=jc, backend="json_push", config={"url": url, "secret": SECRET}
    )


def test_accepted_document_is_pushed_with_its_metadata_and_file(
    customer: Any, staff_a: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    customer.customer_number = "123D456789"
    customer.save(update_fields=["customer_number"])
    _push(customer.jobcenter, receiver.url)
    doc = received_document(customer)
    with django_capture_on_commit_callbacks(execute=True):
        accept(doc, staff_a)
    delivery = ItemDelivery.objects.get(subject="document", subject_id=doc.pk)
    assert delivery.status == ItemDeliveryStatus.DELIVERED
    [request] = receiver.requests
    assert request["signature_ok"]
    assert request["idempotency_key"] == delivery.idempotency_key
    body = json.loads(request["body"])
    assert body["subject"] == "document"
    assert body["metadata"]["customer_number"] == "123D456789"
    assert body["metadata"]["document_kind"] == "payslip"
    assert body["metadata"]["date"] == timezone.localdate().isoformat()
    assert body["metadata"]["request_id"] is None
    [attachment] = body["attachments"]
    assert base64.b64decode(attachment["content_base64"]) == PDF
    # The outbox row was written with the decision; it is delivered now.
    assert OutboxItem.objects.get(topic=items.TOPIC).delivered_at is not None
    assert AuditEntry.objects.filter(object_type="handoff_document", object_id=str(doc.pk)).exists()


def test_idempotency_key_is_stable_per_item(
    customer: Any, staff_a: Any, receiver: Receiver
) -> None:
    _push(customer.jobcenter, receiver.url)
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="file_drop", config={"prefix": "eakte"}
    )
    doc = received_document(customer)
    accept(doc, staff_a)
    keys = set(
        ItemDelivery.objects.filter(subject_id=doc.pk).values_list("idempotency_key", flat=True)
    )
    assert keys == {items.idempotency_key(customer.jobcenter_id, "document", doc.pk)}
    # Recording again (a second acceptance) creates nothing new.
    with transaction.atomic():
        items.record(subject="document", subject_id=doc.pk, jobcenter_id=customer.jobcenter_id)
    assert ItemDelivery.objects.filter(subject_id=doc.pk).count() == 2


def test_without_a_backend_for_documents_nothing_is_written(customer: Any, staff_a: Any) -> None:
    # Only the built-in inbox is on: documents are in the back office already.
    accept(received_document(customer), staff_a)
    assert not ItemDelivery.objects.exists()
    assert not OutboxItem.objects.filter(topic=items.TOPIC).exists()


def test_a_rolled_back_event_leaves_no_handoff(
    customer: Any, staff_a: Any, receiver: Receiver
) -> None:
    _push(customer.jobcenter, receiver.url)
    doc = received_document(customer)

    def accept_then_fail() -> None:
        with transaction.atomic():
            accept(doc, staff_a)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        accept_then_fail()
    assert not ItemDelivery.objects.exists()
    assert not OutboxItem.objects.filter(topic=items.TOPIC).exists()
    assert receiver.requests == []


def test_objection_is_dropped_with_its_receipt(
    customer: Any, staff_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="file_drop", config={"prefix": "eakte"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        objection = filed_objection(customer, staff_a)
    delivery = ItemDelivery.objects.get(subject="objection", subject_id=objection.pk)
    assert delivery.status == ItemDeliveryStatus.DELIVERED
    folder = f"eakte/objection/{objection.reference}"
    with default_storage.open(f"{folder}/objection.json") as fh:
        body = json.loads(fh.read())
    assert body["data"]["reasons"] == "Die Miete fehlt im Bescheid."
    assert body["metadata"]["notice"]["kind"] == "grant"
    with default_storage.open(f"{folder}/anlagen/{objection.reference}-eingang.pdf") as fh:
        assert fh.read().startswith(b"%PDF")


def _fail_until_dead(
    customer: Any, staff_a: Any, receiver: Receiver, settings: Any
) -> ItemDelivery:
    settings.APPLICATIONS_HANDOFF = {**settings.APPLICATIONS_HANDOFF, "max_attempts": 2}
    _push(customer.jobcenter, receiver.url)
    receiver.answers = [503, 500]
    doc = received_document(customer)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        accept(doc, staff_a)
        items.run_for_item("document", doc.pk)
        delivery = ItemDelivery.objects.get(subject_id=doc.pk)
        assert delivery.status == ItemDeliveryStatus.RETRYING
        assert delivery.last_error == "HTTP 503"
        assert items.retry_due() == 0  # backoff: not due yet
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert items.retry_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == ItemDeliveryStatus.FAILED
    assert delivery.attempts == 2
    return delivery


def test_dead_letter_view_lists_and_retries(
    customer: Any,
    staff_a: Any,
    staff_client: Any,
    receiver: Receiver,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer.user.first_name = "Zoraida"
    customer.user.save(update_fields=["first_name"])
    delivery = _fail_until_dead(customer, staff_a, receiver, settings)
    client = staff_client(staff_a[Role.TEAM_LEAD])
    url = f"/{customer.jobcenter.slug}/staff/uebergaben/fehlgeschlagen/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fehlgeschlagene Übergaben" in html
    assert f"D-{delivery.subject_id}" in html
    assert "HTTP 500" in html
    assert "Zoraida" not in html  # no personal data in the list
    assert AuditEntry.objects.filter(object_type="handoff_dead_letters", action="read").exists()
    receiver.answers = [200]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "erneut/", {"source": "item", "pk": delivery.pk})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == ItemDeliveryStatus.DELIVERED
    assert AuditEntry.objects.filter(
        object_type="handoff_document", detail__startswith="dead letter retry"
    ).exists()
    assert "Keine fehlgeschlagenen Übergaben." in client.get(url).content.decode()


def test_dead_letters_are_for_team_leads_of_the_job_centre_only(
    customer: Any,
    staff_a: Any,
    staff_b: Any,
    jc_b: Any,
    staff_client: Any,
    receiver: Receiver,
    settings: Any,
) -> None:
    delivery = _fail_until_dead(customer, staff_a, receiver, settings)
    url = f"/{customer.jobcenter.slug}/staff/uebergaben/fehlgeschlagen/"
    assert staff_client(staff_a[Role.CASEWORKER]).get(url).status_code == 403
    assert (
        staff_client(staff_a[Role.CASEWORKER])
        .post(url + "erneut/", {"source": "item", "pk": delivery.pk})
        .status_code
        == 403
    )
    other_url = f"/{jc_b.slug}/staff/uebergaben/fehlgeschlagen/"
    other = staff_client(staff_b[Role.TEAM_LEAD])
    assert (
        other.post(other_url + "erneut/", {"source": "item", "pk": delivery.pk}).status_code == 404
    )
    assert other.post(other_url + "erneut/", {"source": "item", "pk": "x"}).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == ItemDeliveryStatus.FAILED  # nothing changed


def test_failed_application_handoffs_are_dead_letters_too(
    customer: Any,
    staff_a: Any,
    staff_client: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from openjobcenter import handoff
    from openjobcenter.applications.models import DeliveryStatus, HandoffDelivery
    from tests.applications.staff_data import make_application

    app = make_application(customer)
    _push(customer.jobcenter, receiver.url)
    receiver.answers = [400]  # refused: fails at once
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    assert delivery.status == DeliveryStatus.FAILED
    client = staff_client(staff_a[Role.ADMIN])
    url = f"/{customer.jobcenter.slug}/staff/uebergaben/fehlgeschlagen/"
    html = client.get(url).content.decode()
    assert app.reference in html
    assert "HTTP 400" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "erneut/", {"source": "application", "pk": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1  # a fresh round of tries


def test_the_item_sweeper_is_scheduled() -> None:
    from openjobcenter.core import scheduler

    assert "handoff.items" in {job.name for job in scheduler.registered()}


@pytest.mark.usefixtures("after_commit_at_once")
def test_dead_letters_wait_on_the_team_leads_work_queue(
    customer: Any,
    staff_a: Any,
    staff_client: Any,
    receiver: Receiver,
    settings: Any,
) -> None:
    from django.urls import reverse

    from tests.home.test_staff_queue import _items

    jc = customer.jobcenter
    start = reverse("staff:dashboard", kwargs={"jc": jc.slug})
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    # Computed (and cached) before anything failed: the failure must replace it.
    assert _items(lead.get(start).content.decode())["handoff.dead_letters"]["count"] == 0
    delivery = _fail_until_dead(customer, staff_a, receiver, settings)
    item = _items(lead.get(start).content.decode())["handoff.dead_letters"]
    assert item["count"] == 1
    assert item["url"] == f"/{jc.slug}/staff/uebergaben/fehlgeschlagen/"
    assert "Fehlgeschlagene Übergaben an das Fachverfahren" in item["body"]
    caseworker = staff_client(staff_a[Role.CASEWORKER])
    assert "handoff.dead_letters" not in _items(caseworker.get(start).content.decode())
    receiver.answers = [200]
    lead.post(
        f"/{jc.slug}/staff/uebergaben/fehlgeschlagen/erneut/",
        {"source": "item", "pk": delivery.pk},
    )
    after = _items(lead.get(start).content.decode()).get("handoff.dead_letters")
    assert after is None or after["count"] == 0


# --- A notice's first retrieval (issue 25: the back office learns the Bekanntgabe) ------------


def _retrieval_setup(customer: Any, staff_a: Any) -> Any:
    from tests.handoff.conftest import deposited_notice

    jc = customer.jobcenter
    jc.enabled_modules = sorted({*jc.enabled_modules, "postbox"})
    jc.save(update_fields=["enabled_modules"])
    return deposited_notice(customer, staff_a)


def test_first_retrieval_is_handed_off_with_its_dates(
    customer: Any, staff_a: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import Client

    from openjobcenter.postbox.models import Notice

    customer.customer_number = "123D456789"
    customer.save(update_fields=["customer_number"])
    _push(customer.jobcenter, receiver.url)
    # Told on Monday 30.03.2026; the fourth day (§ 37 Abs. 2a SGB X since 2025) is Good
    # Friday, 03.04.2026 (a fiction, not moved); one month later is Sunday 03.05.2026, so
    # the deadline ends on Monday 04.05.2026. Retrieved on 31.03.2026: where the message
    # is disputed, that day counts and the deadline ends on Thursday 30.04.2026.
    with time_machine.travel("2026-03-30 10:00 +0200", tick=False):
        notice = _retrieval_setup(customer, staff_a)
    client = Client()
    client.force_login(customer.user)
    url = f"/{customer.jobcenter.slug}/mein-bereich/postfach/{notice.pk}/schreiben.pdf"
    with (
        time_machine.travel("2026-03-31 09:00 +0200", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert client.get(url).status_code == 200
    delivery = ItemDelivery.objects.get(subject="notice_retrieval", subject_id=notice.pk)
    assert delivery.status == ItemDeliveryStatus.DELIVERED
    assert delivery.idempotency_key == items.idempotency_key(
        customer.jobcenter_id, "notice_retrieval", notice.pk
    )
    [request] = receiver.requests
    assert request["signature_ok"]
    assert request["idempotency_key"] == delivery.idempotency_key
    body = json.loads(request["body"])
    assert body["subject"] == "notice_retrieval"
    assert body["reference"] == f"B-{notice.pk}"
    assert body["metadata"]["customer_number"] == "123D456789"
    assert body["metadata"]["date"] == "2026-03-31"
    assert body["metadata"]["notice"]["kind"] == "grant"
    data = body["data"]
    assert data["notice"]["sha256"] == Notice.objects.get(pk=notice.pk).sha256
    assert data["bekanntgabe"] == "2026-04-03"
    assert "BGBl. 2024 I Nr. 236" in data["bekanntgabe_rule"]
    assert data["objection_deadline"] == "2026-05-04"
    assert data["bekanntgabe_if_disputed"] == "2026-03-31"
    assert data["objection_deadline_if_disputed"] == "2026-04-30"
    assert "attachments" in body and body["attachments"] == []
    assert "Kunde" not in request["body"].decode()  # no names
    # Opening it again is audited but hands nothing off a second time.
    with (
        time_machine.travel("2026-03-31 09:05 +0200", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert client.get(url).status_code == 200
    assert ItemDelivery.objects.filter(subject="notice_retrieval").count() == 1
    assert OutboxItem.objects.filter(topic=items.TOPIC).count() == 1
    assert len(receiver.requests) == 1


def test_a_copy_of_a_posted_notice_is_no_retrieval_and_not_handed_off(
    customer: Any, staff_a: Any, receiver: Receiver
) -> None:
    from openjobcenter.postbox import services as postbox_services

    _push(customer.jobcenter, receiver.url)
    notice = _retrieval_setup(customer, staff_a)
    postbox_services.notice_mark_posted(request=None, actor=staff_a[Role.CASEWORKER], notice=notice)
    data = postbox_services.notice_retrieve(request=None, customer=customer, notice=notice)
    assert data.startswith(b"%PDF")
    assert not ItemDelivery.objects.filter(subject="notice_retrieval").exists()
    assert not OutboxItem.objects.filter(topic=items.TOPIC).exists()


def test_a_failed_retrieval_leaves_no_handoff(
    customer: Any, staff_a: Any, receiver: Receiver
) -> None:
    from openjobcenter.postbox import services as postbox_services
    from openjobcenter.postbox.models import Notice

    _push(customer.jobcenter, receiver.url)
    notice = _retrieval_setup(customer, staff_a)
    notice.file_name = "missing/file.pdf"  # the sealed file cannot be read: rolled back
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever storage raises
        postbox_services.notice_retrieve(request=None, customer=customer, notice=notice)
    assert Notice.objects.get(pk=notice.pk).retrieved_at is None
    assert not ItemDelivery.objects.exists()
    assert not OutboxItem.objects.filter(topic=items.TOPIC).exists()


def test_retrieval_lands_in_the_efile_beside_the_notice(
    customer: Any, staff_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.handoff.test_efile import _load

    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="efile", config={"prefix": "eakte"}
    )
    from openjobcenter.postbox import services as postbox_services

    notice = _retrieval_setup(customer, staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        postbox_services.notice_retrieve(request=None, customer=customer, notice=notice)
    root = f"eakte/kunde-{customer.customer_number}/bescheid-{notice.pk}"
    assert _load(f"{root}/vorgang.json")["kind"] == "notice"
    dokument = _load(f"{root}/notice_retrieval-B-{notice.pk}/dokument.json")
    assert dokument["files"] == []
    assert dokument["metadata"]["document_kind"] == "notice_retrieval"

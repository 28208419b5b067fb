"""The audit trail of hand-offs (``handoff/trail.py``): every try of every delivery, of
applications and of items alike, is one ``export`` entry under ``handoff_<subject>`` and
the subject's id, with its outcome; every retry staff start is an ``update`` entry under
the same name; no entry carries personal data beyond ids."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from openjobcenter import handoff
from openjobcenter.accounts.models import Role
from openjobcenter.applications.models import DeliveryStatus, HandoffConfig, HandoffDelivery
from openjobcenter.applications.services_staff import handoff_retry
from openjobcenter.core.models import AuditEntry
from openjobcenter.handoff import items
from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus
from tests.applications.staff_data import make_application
from tests.applications.test_handoff import SECRET, Receiver
from tests.handoff.conftest import accept, received_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver() -> Any:
    with Receiver() as r:
        yield r


@pytest.fixture
def named(customer: Any) -> Any:
    customer.user.first_name, customer.user.last_name = "Zoraida", "Quast"
    customer.user.save(update_fields=["first_name", "last_name"])
    customer.customer_number = "987X654321"
    customer.save(update_fields=["customer_number"])
    return customer


def _push(jc: Any, url: str) -> None:
    HandoffConfig.objects.create(
        jobcenter=jc, backend="json_push", config={"url": url, "secret": SECRET}
    )


def _trail(object_type: str, object_id: int) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("pk")
    )


def _no_personal_data(entries: list[AuditEntry], customer: Any) -> None:
    for entry in entries:
        assert entry.subject_id is None and entry.subject_label == ""
        for personal in ("Zoraida", "Quast", customer.user.email, "987X654321"):
            assert personal not in entry.detail, entry.detail


def test_every_try_of_an_item_is_audited_with_its_outcome(
    named: Any, staff_a: Any, receiver: Receiver
) -> None:
    _push(named.jobcenter, receiver.url)
    doc = received_document(named)
    accept(doc, staff_a)
    receiver.answers = [503]
    items.run_for_item("document", doc.pk)
    delivery = ItemDelivery.objects.get(subject="document", subject_id=doc.pk)
    assert delivery.status == ItemDeliveryStatus.RETRYING
    ItemDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    items.run_for_item("document", doc.pk)
    first, second = _trail("handoff_document", doc.pk)
    assert first.action == second.action == "export"
    assert first.detail == f"json_push - try 1: retrying; delivery item:{delivery.pk}; HTTP 503"
    assert second.detail == f"json_push - try 2: delivered; delivery item:{delivery.pk}"
    assert first.jobcenter_id == named.jobcenter_id and first.actor_id is None
    _no_personal_data([first, second], named)


def test_application_tries_and_both_kinds_of_staff_retry_are_audited_alike(
    named: Any, staff_a: Any, staff_client: Any, receiver: Receiver
) -> None:
    app = make_application(named)
    _push(named.jobcenter, receiver.url)
    receiver.answers = [400]  # refused: failed at once
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="json_push")
    assert delivery.status == DeliveryStatus.FAILED

    # "Erneut versuchen" in the dead letters, then the try it starts.
    client = staff_client(staff_a[Role.TEAM_LEAD])
    url = f"/{named.jobcenter.slug}/staff/uebergaben/fehlgeschlagen/erneut/"
    assert client.post(url, {"source": "application", "pk": delivery.pk}).status_code == 302
    handoff.run_for_application(app.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED

    # "Jetzt erneut versuchen" on the application (a delivered one is refused: no entry).
    receiver.answers = [503]
    HandoffDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    delivery.refresh_from_db()
    request = RequestFactory().post("/")
    request.user = staff_a[Role.CASEWORKER]
    handoff_retry(
        request=request, actor=staff_a[Role.CASEWORKER], application=app, delivery=delivery
    )

    entries = [
        e for e in _trail("handoff_application", app.pk) if "json_push" in e.detail
    ]  # the always-on inbox has its own entries
    ref = f"delivery application:{delivery.pk}"
    assert [(e.action, e.detail) for e in entries] == [
        ("export", f"json_push submission try 1: failed; {ref}; HTTP 400"),
        ("update", f"dead letter retry json_push; {ref}"),
        ("export", f"json_push submission try 1: delivered; {ref}"),
        ("update", f"retry now json_push; {ref}"),
    ]
    assert entries[1].actor_id == staff_a[Role.TEAM_LEAD].pk
    assert entries[3].actor_id == staff_a[Role.CASEWORKER].pk
    inbox = [e for e in _trail("handoff_application", app.pk) if e.detail.startswith("inbox")]
    inbox_pk = HandoffDelivery.objects.get(application=app, backend="inbox").pk
    assert [e.detail for e in inbox] == [
        f"inbox submission try 1: delivered; delivery application:{inbox_pk}"
    ]
    _no_personal_data(entries + inbox, named)

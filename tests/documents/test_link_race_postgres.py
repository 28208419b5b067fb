"""Two taps at once (PostgreSQL only: SQLite has no row locks). Linking locks the
document and the request item: two documents racing for one item link one and are told
the other is stale; the same document linked twice at once is linked and audited once."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import proof_targets, services
from openjobcenter.documents.models import Document, DocumentState, RequestItem
from openjobcenter.documents.services import RequestItemInput
from openjobcenter.documents.services_links import LinkStale, document_link_proof

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
    pytest.mark.usefixtures("docs_on"),
]


def received(customer: CustomerProfile) -> Document:
    return Document.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        source="chat",
        state=DocumentState.RECEIVED,
        submitted_at=timezone.now(),
        processed_at=timezone.now(),
    )


def open_item(customer: CustomerProfile) -> RequestItem:
    doc_request = services.document_request_create(
        request=None,
        jobcenter=customer.jobcenter,
        customer=customer,
        items=[RequestItemInput(kind="payslip")],
        deadline=timezone.localdate() + timedelta(days=7),
        explanation="",
    )
    return doc_request.items.get()


def at_once(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except LinkStale as exc:
            results[i] = exc.reason
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_documents_racing_for_one_item(customer: CustomerProfile) -> None:
    item = open_item(customer)
    first, second = received(customer), received(customer)
    target = proof_targets.find(customer, f"item:{item.pk}")
    results = at_once(
        lambda: document_link_proof(request=None, document=first, target=target),
        lambda: document_link_proof(request=None, document=second, target=target),
    )
    assert sorted(map(str, results)) == ["True", "target_done"]
    linked = Document.objects.filter(request_item=item).count()
    assert linked == 1
    item.refresh_from_db()
    assert item.fulfilled_at is not None


def test_the_same_document_linked_twice_at_once(customer: CustomerProfile) -> None:
    item = open_item(customer)
    doc = received(customer)
    target = proof_targets.find(customer, f"item:{item.pk}")
    results = at_once(
        lambda: document_link_proof(request=None, document=doc, target=target),
        lambda: document_link_proof(request=None, document=doc, target=target),
    )
    assert sorted(map(str, results)) == ["False", "True"]
    assert (
        AuditEntry.objects.filter(
            object_type="document", object_id=str(doc.pk), detail__startswith="linked"
        ).count()
        == 1
    )

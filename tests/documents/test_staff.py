"""Staff: review with a reason the customer sees, search (kind, date, OCR text), requests
with their status, reminders, retention, and the audit trail of every access."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import services, storage
from openjobcenter.documents.models import Document, DocumentRequest, DocumentState
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")


@pytest.fixture
def doc(customer: CustomerProfile) -> Document:
    return services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )


@pytest.fixture
def caseworker(client: Client, staff_a: dict[Role, User]) -> Client:
    return login_with_mfa(client, staff_a[Role.CASEWORKER])


def test_view_and_download_are_audited(caseworker: Client, doc: Document, jc_a: Jobcenter) -> None:
    page = caseworker.get(reverse("staff:document", kwargs={"jc": jc_a.slug, "pk": doc.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lohn- oder Gehaltsabrechnung" in html
    assert "data-zoom-in" in html and "data-rotate" in html
    image_url = reverse(
        "staff:document_page_image",
        kwargs={"jc": jc_a.slug, "document": doc.pk, "pk": doc.pages.get().pk},
    )
    assert caseworker.get(image_url)["Content-Type"] == "image/png"
    pdf = caseworker.get(reverse("staff:document_file", kwargs={"jc": jc_a.slug, "pk": doc.pk}))
    assert pdf.content == storage.get(jc_a, doc.file_key)
    types = set(AuditEntry.objects.filter(jobcenter=jc_a).values_list("object_type", "action"))
    assert ("document", "read") in types
    assert ("document_page", "read") in types
    assert ("document", "export") in types


def test_new_copy_needed_reason_reaches_customer(
    caseworker: Client, doc: Document, jc_a: Jobcenter, customer: CustomerProfile, outbox: list[Any]
) -> None:
    u = reverse("staff:document", kwargs={"jc": jc_a.slug, "pk": doc.pk})
    missing = caseworker.post(u, {"state": "new_copy_needed", "reason": "", "version": 0})
    assert missing.status_code == 422
    assert "warum eine neue Kopie" in missing.content.decode()
    caseworker.post(u, {"state": "new_copy_needed", "reason": "Seite 2 fehlt.", "version": 0})
    doc.refresh_from_db()
    assert doc.state == DocumentState.NEW_COPY_NEEDED
    assert len(outbox) == 1
    assert "Seite 2 fehlt" not in outbox[0].body
    client = Client()
    client.force_login(customer.user)
    listing = client.get(reverse("customer:documents", kwargs={"jc": jc_a.slug})).content.decode()
    assert "Seite 2 fehlt." in listing
    assert "Neue Kopie nötig" in listing
    caseworker.post(u, {"state": "accepted", "version": 1})
    doc.refresh_from_db()
    assert doc.state == DocumentState.ACCEPTED
    assert doc.reason == ""


def test_search_by_kind_date_and_text(caseworker: Client, doc: Document, jc_a: Jobcenter) -> None:
    doc.ocr_text = "Verdienstabrechnung Oktober Nachtarbeit"
    doc.save(update_fields=["ocr_text"])  # keeps the blind index in step
    u = reverse("staff:customer_documents", kwargs={"jc": jc_a.slug, "customer": doc.customer_id})
    found = caseworker.get(u, {"text": "nachtarbeit"}).content.decode()
    assert f"#{doc.pk}" in found
    assert f"#{doc.pk}" not in caseworker.get(u, {"text": "Mietvertrag"}).content.decode()
    assert f"#{doc.pk}" not in caseworker.get(u, {"kind": "bank_statement"}).content.decode()
    today = timezone.localdate()
    assert f"#{doc.pk}" in caseworker.get(u, {"since": today.isoformat()}).content.decode()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert f"#{doc.pk}" not in caseworker.get(u, {"since": tomorrow}).content.decode()
    overall = caseworker.get(
        reverse("staff:documents", kwargs={"jc": jc_a.slug}), {"kind": "payslip"}
    )
    assert f"#{doc.pk}" in overall.content.decode()


def test_request_documents_and_status(
    caseworker: Client, jc_a: Jobcenter, customer: CustomerProfile, outbox: list[Any]
) -> None:
    u = reverse("staff:document_request_new", kwargs={"jc": jc_a.slug, "customer": customer.pk})
    assert caseworker.get(u).status_code == 200
    past = caseworker.post(u, {"kinds": ["payslip"], "deadline": "2000-01-01"})
    assert past.status_code == 422
    deadline = (timezone.localdate() + timedelta(days=14)).isoformat()
    r = caseworker.post(
        u,
        {
            "kinds": ["payslip", "bank_statement"],
            "free_text": "Kontoauszüge der letzten 3 Monate",
            "reason": "Prüfung Einkommen",
            "deadline": deadline,
            "explanation": "Für Ihren Weiterbewilligungsantrag.",
        },
    )
    assert r.status_code == 302
    req = DocumentRequest.objects.get()
    assert req.items.count() == 3
    assert len(outbox) == 1
    assert "Einkommen" not in outbox[0].body and "Kontoauszüge" not in outbox[0].body
    # The customer answers one item.
    item = req.items.get(kind="payslip")
    client = Client()
    client.force_login(customer.user)
    client.post(
        reverse("customer:document_upload", kwargs={"jc": jc_a.slug}),
        {"kind": "payslip", "item": item.pk, "uploads": [upload(photo(1))]},
    )
    status = caseworker.get(
        reverse("staff:document_request", kwargs={"jc": jc_a.slug, "pk": req.pk})
    )
    html = status.content.decode()
    # Issue 17: the answered item says when it arrived and links the document.
    assert html.count("erhalten am") == 1
    assert html.count("fehlt noch") == 2


def test_reminder_once_before_deadline(
    customer: CustomerProfile, jc_a: Jobcenter, outbox: list[Any]
) -> None:
    services.document_request_create(
        request=None,
        jobcenter=jc_a,
        customer=customer,
        items=[services.RequestItemInput(kind="payslip")],
        deadline=timezone.localdate() + timedelta(days=2),
        explanation="",
    )
    outbox.clear()
    assert services.document_requests_remind_due() == 1
    assert services.document_requests_remind_due() == 0
    assert len(outbox) == 1
    assert "Erinnerung" in outbox[0].subject


def test_retention_deletes_files_and_reports(
    doc: Document, jc_a: Jobcenter, client: Client, staff_a: dict[Role, User]
) -> None:
    key = doc.file_key
    assert storage.exists(key)
    login_with_mfa(client, staff_a[Role.ADMIN])
    report = client.get(reverse("staff:document_settings", kwargs={"jc": jc_a.slug}))
    assert "Lohn- oder Gehaltsabrechnung" in report.content.decode()
    assert doc.delete_after is not None
    result = services.documents_retention_run(today=doc.delete_after + timedelta(days=1))
    assert result["deleted"] == 1
    assert not Document.objects.exists()
    assert not storage.exists(key)
    assert AuditEntry.objects.filter(object_type="document", action="delete").exists()


def test_settings_keep_originals(
    client: Client, staff_a: dict[Role, User], jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    login_with_mfa(client, staff_a[Role.ADMIN])
    u = reverse("staff:document_settings", kwargs={"jc": jc_a.slug})
    assert client.post(u, {"keep_originals": "on", "retention_years": "6"}).status_code == 302
    d = services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )
    page = d.pages.get()
    assert page.original_key and storage.exists(page.original_key)
    assert d.delete_after is not None
    assert d.delete_after.year == timezone.localdate().year + 6

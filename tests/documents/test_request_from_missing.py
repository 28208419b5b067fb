"""Requests from what is missing (issue 18.4): from an application, "Fehlende Unterlagen
anfordern" prefills the request with its open proofs per person and kind; the request
carries a deadline (the job centre's default, editable, never in the past) and the
duty-to-cooperate notice the job centre configures; the items are ticked when a matching
proof arrives from any path; a second tap creates nothing twice."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.applications.models import Application
from openjobcenter.applications.proof_status import proof_ref, ref_prefix
from openjobcenter.documents import proof_links, services
from openjobcenter.documents.models import DocumentRequest, DocumentSettings, RequestItem
from openjobcenter.documents.notice import default_notice
from tests.applications.staff_data import enable_module, make_application
from tests.conftest import login_with_mfa
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable_module(customer.jobcenter)
    return make_application(customer)


@pytest.fixture
def staff(staff_a: Any) -> Client:
    return login_with_mfa(Client(), staff_a[Role.CASEWORKER])


def new_url(app: Application) -> str:
    url = reverse(
        "staff:document_request_new",
        kwargs={"jc": app.jobcenter.slug, "customer": app.customer_id},
    )
    return f"{url}?nachweise={ref_prefix(app)}"


def form_data(page: str) -> dict[str, Any]:
    """What the browser would post: the ticked proofs, the proposed deadline, the key."""
    proofs = re.findall(r'name="proofs" value="([^"]+)"[^>]*checked', page)
    deadline = re.search(r'name="deadline" value="([^"]+)"', page)
    key = re.search(r'name="submit_key" value="([^"]+)"', page)
    assert deadline and key
    return {"proofs": proofs, "deadline": deadline.group(1), "submit_key": key.group(1)}


def proposed(days: int) -> str:
    """The proposed deadline as the date field carries it (ISO, as browsers need)."""
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_application_page_offers_the_prefilled_request(staff: Client, app: Application) -> None:
    body = staff.get(
        reverse("staff:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    ).content.decode()
    assert "Fehlende Unterlagen anfordern" in body
    assert new_url(app).replace("&", "&amp;").split("?")[0] in body


def test_request_is_prefilled_with_open_proofs_and_carries_deadline_and_notice(
    staff: Client, app: Application, customer_client: Client
) -> None:
    DocumentSettings.objects.create(jobcenter=app.jobcenter, request_deadline_days=10)
    page = staff.get(new_url(app)).content.decode()
    data = form_data(page)
    payslip = "ref:" + proof_ref(app, "payslip", "p1")
    assert (
        payslip in data["proofs"]
        and "ref:" + proof_ref(app, "bank_statement", None) in (data["proofs"])
    )
    assert "Lohn- oder Gehaltsabrechnung (Karl Kunde)" in page  # per person and kind
    assert data["deadline"] == proposed(10)
    assert "§ 60" in page  # the notice as the customer will read it

    response = staff.post(new_url(app), data)
    assert response.status_code == 302
    doc_request = DocumentRequest.objects.get()
    items = list(doc_request.items.all())
    assert len(items) == len(data["proofs"])
    pay = next(i for i in items if i.kind == "payslip")
    assert pay.proof_ref == proof_ref(app, "payslip", "p1") and "Karl Kunde" in pay.label
    # A second tap (same form) creates nothing twice.
    assert staff.post(new_url(app), data).status_code == 302
    assert DocumentRequest.objects.count() == 1

    body = customer_client.get(
        reverse("customer:documents", kwargs={"jc": app.jobcenter.slug})
    ).content.decode()
    assert "Ihre Mitwirkung" in body and "§ 66 SGB I" in body
    assert (timezone.localdate() + timedelta(days=10)).strftime("%Y") in body


def test_deadline_in_the_past_is_refused_nothing_stored(staff: Client, app: Application) -> None:
    data = form_data(staff.get(new_url(app)).content.decode())
    data["deadline"] = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = staff.post(new_url(app), data)
    assert response.status_code == 422
    assert "Die Frist darf nicht in der Vergangenheit liegen." in response.content.decode()
    assert not DocumentRequest.objects.exists()


def test_the_job_centres_own_notice_and_deadline_from_the_settings(
    staff_a: Any, app: Application, customer_client: Client
) -> None:
    admin = login_with_mfa(Client(), staff_a[Role.ADMIN])
    url = reverse("staff:document_settings", kwargs={"jc": app.jobcenter.slug})
    page = admin.get(url).content.decode()
    assert "Hinweis zur Mitwirkungspflicht" in page and "§ 60" in page
    response = admin.post(
        url,
        {
            "retention_years": "10",
            "request_deadline_days": "21",
            "cooperation_notice": "Bitte helfen Sie mit: ohne Unterlagen keine Entscheidung.",
        },
    )
    assert response.status_code == 302
    conf = DocumentSettings.objects.get(jobcenter=app.jobcenter)
    assert conf.request_deadline_days == 21
    caseworker = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    data = form_data(caseworker.get(new_url(app)).content.decode())
    assert data["deadline"] == proposed(21)
    caseworker.post(new_url(app), data)
    assert DocumentRequest.objects.get().notice_text.startswith("Bitte helfen Sie mit")
    body = customer_client.get(
        reverse("customer:documents", kwargs={"jc": app.jobcenter.slug})
    ).content.decode()
    assert "ohne Unterlagen keine Entscheidung" in body
    bad = admin.post(url, {"retention_years": "10", "request_deadline_days": "0"})
    assert bad.status_code == 422
    assert DocumentSettings.objects.get(jobcenter=app.jobcenter).request_deadline_days == 21


def test_default_notice_is_translated() -> None:
    from django.utils import translation

    with translation.override("en"):
        english = default_notice()
    assert "§ 60" in english and english != default_notice()


def _request_from(app: Application, kind: str, person: str | None) -> RequestItem:
    doc_request = services.document_request_create(
        request=None,
        jobcenter=app.jobcenter,
        customer=app.customer,
        items=[services.RequestItemInput(kind=kind, proof_ref=proof_ref(app, kind, person))],
        deadline=timezone.localdate() + timedelta(days=14),
        explanation="",
    )
    return doc_request.items.get()


def test_item_ticked_when_the_proof_arrives_from_the_application_list(
    customer_client: Client, app: Application
) -> None:
    item = _request_from(app, "tenancy_agreement", None)
    token = proof_links.sign(app.customer, proof_ref(app, "tenancy_agreement", None))
    customer_client.post(
        reverse("customer:document_upload", kwargs={"jc": app.jobcenter.slug}),
        {"kind": "tenancy_agreement", "proof": token, "uploads": [upload(photo(1))]},
    )
    item.refresh_from_db()
    assert item.fulfilled_at is not None


def test_upload_from_the_request_also_shows_on_the_application_list(
    customer_client: Client, app: Application
) -> None:
    item = _request_from(app, "payslip", "p1")
    customer_client.post(
        reverse("customer:document_upload", kwargs={"jc": app.jobcenter.slug}),
        {"kind": "payslip", "item": str(item.pk), "uploads": [upload(photo(2))]},
    )
    item.refresh_from_db()
    assert item.fulfilled_at is not None
    docs = proof_links.latest_by_ref(app.customer, ref_prefix(app))
    assert proof_links.is_received(docs.get(proof_ref(app, "payslip", "p1")))


def test_item_ticked_when_a_chat_document_is_linked_to_the_proof(
    customer_client: Client, app: Application
) -> None:
    item = _request_from(app, "bank_statement", None)
    request = RequestFactory().post("/")
    request.user = app.customer.user
    doc = services.document_store_attachment(
        request=request, customer=app.customer, uploaded_file=upload(photo(3))
    )
    # The open item asks for the application's proof again: the choice names the item once.
    from openjobcenter.documents import proof_targets

    values = [t.value for t in proof_targets.open_targets(app.customer)]
    assert f"item:{item.pk}" in values
    assert "ref:" + proof_ref(app, "bank_statement", None) not in values
    response = customer_client.post(
        reverse("customer:document_link", kwargs={"jc": app.jobcenter.slug, "pk": doc.pk}),
        {"target": f"item:{item.pk}"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    doc.refresh_from_db()
    assert item.fulfilled_at is not None
    assert doc.proof_for == proof_ref(app, "bank_statement", None)

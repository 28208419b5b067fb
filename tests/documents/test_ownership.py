"""The ownership matrix: another customer and another job centre's staff get 404 on every
documents URL; staff without the permission get 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.documents import services
from openjobcenter.documents.models import Document
from openjobcenter.documents.models import RequestItem as DocumentRequestItem
from openjobcenter.documents.services import RequestItemInput
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")


@pytest.fixture
def doc(customer: CustomerProfile) -> Document:
    d = services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )
    assert d.state == "received"
    return d


def customer_urls(jc: Jobcenter, d: Document) -> list[tuple[str, str]]:
    page = d.pages.get()
    k = {"jc": jc.slug}
    return [
        ("get", reverse("customer:document", kwargs={**k, "pk": d.pk})),
        ("get", reverse("customer:document_file", kwargs={**k, "pk": d.pk})),
        ("get", reverse("customer:document_receipt", kwargs={**k, "pk": d.pk})),
        ("post", reverse("customer:document_retry", kwargs={**k, "pk": d.pk})),
        ("get", reverse("customer:document_page", kwargs={**k, "document": d.pk, "pk": page.pk})),
        ("post", reverse("customer:document_page", kwargs={**k, "document": d.pk, "pk": page.pk})),
        (
            "get",
            reverse(
                "customer:document_page_preview", kwargs={**k, "document": d.pk, "pk": page.pk}
            ),
        ),
    ]


def staff_urls(jc: Jobcenter, d: Document, request_pk: int) -> list[tuple[str, str]]:
    page = d.pages.get()
    k = {"jc": jc.slug}
    return [
        ("get", reverse("staff:document", kwargs={**k, "pk": d.pk})),
        ("post", reverse("staff:document", kwargs={**k, "pk": d.pk})),
        ("get", reverse("staff:document_file", kwargs={**k, "pk": d.pk})),
        (
            "get",
            reverse("staff:document_page_image", kwargs={**k, "document": d.pk, "pk": page.pk}),
        ),
        ("get", reverse("staff:customer_documents", kwargs={**k, "customer": d.customer_id})),
        ("get", reverse("staff:document_request_new", kwargs={**k, "customer": d.customer_id})),
        ("post", reverse("staff:document_request_new", kwargs={**k, "customer": d.customer_id})),
        ("get", reverse("staff:document_request", kwargs={**k, "pk": request_pk})),
    ]


def test_other_customer_gets_404(
    client: Client, doc: Document, customer2: CustomerProfile, jc_a: Jobcenter
) -> None:
    client.force_login(customer2.user)
    for method, u in customer_urls(jc_a, doc):
        assert getattr(client, method)(u).status_code == 404, u
    # Answering someone else's request item or draft: 404 too.
    upload_url = reverse("customer:document_page_upload", kwargs={"jc": jc_a.slug})
    r = client.post(upload_url, {"file": upload(photo(1)), "draft": doc.pk})
    assert r.status_code == 404


def test_customer_of_other_jobcenter_gets_404(
    client: Client, doc: Document, customer_b: CustomerProfile, jc_a: Jobcenter, jc_b: Jobcenter
) -> None:
    client.force_login(customer_b.user)
    for method, u in customer_urls(jc_a, doc):
        assert getattr(client, method)(u).status_code == 404, u
    for method, u in customer_urls(jc_b, doc):  # own job centre's slug, foreign object
        assert getattr(client, method)(u).status_code == 404, u


def _request(jc: Jobcenter, customer: CustomerProfile) -> int:
    return services.document_request_create(
        request=None,
        jobcenter=jc,
        customer=customer,
        items=[RequestItemInput(kind="payslip")],
        deadline=timezone.localdate() + timedelta(days=7),
        explanation="",
    ).pk


def test_staff_of_other_jobcenter_gets_404(
    client: Client,
    doc: Document,
    customer: CustomerProfile,
    staff_b: dict[Role, User],
    jc_a: Jobcenter,
    jc_b: Jobcenter,
) -> None:
    req = _request(jc_a, customer)
    login_with_mfa(client, staff_b[Role.CASEWORKER])
    for method, u in staff_urls(jc_a, doc, req):  # not staff there
        assert getattr(client, method)(u).status_code == 404, u
    for method, u in staff_urls(jc_b, doc, req):  # own job centre, foreign objects
        assert getattr(client, method)(u).status_code == 404, u


def test_staff_without_permission_gets_403(
    client: Client,
    doc: Document,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    jc_a: Jobcenter,
) -> None:
    req = _request(jc_a, customer)
    login_with_mfa(client, staff_a[Role.RECEPTION])
    for method, u in staff_urls(jc_a, doc, req):
        assert getattr(client, method)(u).status_code == 403, u


def test_staff_of_own_jobcenter_reaches_everything(
    client: Client,
    doc: Document,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    jc_a: Jobcenter,
) -> None:
    req = _request(jc_a, customer)
    login_with_mfa(client, staff_a[Role.CASEWORKER])
    for method, u in staff_urls(jc_a, doc, req):
        if method == "get":
            assert client.get(u).status_code == 200, u


def test_module_switched_off_is_404(customer_client: Client, jc_a: Jobcenter) -> None:
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "documents"]
    jc_a.save()
    assert (
        customer_client.get(reverse("customer:documents", kwargs={"jc": jc_a.slug})).status_code
        == 404
    )


def test_api_scoped_to_own_documents(
    client: Client,
    doc: Document,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    jc_a: Jobcenter,
) -> None:
    client.force_login(customer.user)
    mine = client.get(f"/api/v1/documents/{jc_a.slug}/documents")
    assert mine.status_code == 200
    assert [d["id"] for d in mine.json()] == [doc.pk]
    one = client.get(f"/api/v1/documents/{jc_a.slug}/documents/{doc.pk}").json()
    assert one["kind"] == "payslip"
    assert one["sha256"] == doc.sha256
    assert client.get(one["file_url"]).status_code == 200
    client.force_login(customer2.user)
    assert client.get(f"/api/v1/documents/{jc_a.slug}/documents").json() == []
    assert client.get(f"/api/v1/documents/{jc_a.slug}/documents/{doc.pk}").status_code == 404
    client.force_login(customer_b.user)
    assert client.get(f"/api/v1/documents/{jc_a.slug}/documents").status_code == 404
    assert client.get(f"/api/v1/documents/{jc_a.slug}/requests").status_code == 404
    assert client.get(f"/api/v1/documents/{jc_a.slug}/documents/{doc.pk}").status_code == 404


def test_api_upload_and_answer_request(
    client: Client, customer: CustomerProfile, customer2: CustomerProfile, jc_a: Jobcenter
) -> None:
    req = _request(jc_a, customer)
    item = DocumentRequestItem.objects.get(request_id=req)
    client.force_login(customer2.user)
    stolen = client.post(
        f"/api/v1/documents/{jc_a.slug}/upload",
        {"file": upload(photo(1)), "kind": "payslip", "item": item.pk},
    )
    assert stolen.status_code == 404  # someone else's request item
    client.force_login(customer.user)
    bad = client.post(f"/api/v1/documents/{jc_a.slug}/upload", {"file": upload(b"MZ\x90")})
    assert bad.status_code == 422
    assert "nicht annehmen" in bad.json()["detail"]
    ok = client.post(
        f"/api/v1/documents/{jc_a.slug}/upload",
        {"file": upload(photo(1)), "kind": "payslip", "item": item.pk},
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "received"
    items = client.get(f"/api/v1/documents/{jc_a.slug}/requests").json()[0]["items"]
    assert items[0]["fulfilled"] is True

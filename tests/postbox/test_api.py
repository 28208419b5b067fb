"""The postbox API: consent, notices, retrieval, objection (customer); list and deposit
(staff, same permissions as the pages); 404 for what is not one's own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.postbox.models import Channel, Notice, NoticeConsent, Objection
from tests.conftest import login_with_mfa
from tests.postbox.conftest import deposit, make_pdf

pytestmark = pytest.mark.usefixtures("postbox_on", "after_commit_at_once")


def _client(customer: CustomerProfile) -> Client:
    client = Client()
    client.force_login(customer.user)
    return client


def test_consent_read_and_update(customer: CustomerProfile) -> None:
    client = _client(customer)
    url = f"/api/v1/postbox/{customer.jobcenter.slug}/consent"
    data = client.get(url).json()
    assert data["electronic_notices"] is False
    assert data["alerts_email"] is True
    answer = client.put(
        url, json.dumps({"electronic_notices": True}), content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["electronic_notices"] is True
    assert NoticeConsent.objects.get(customer=customer).electronic
    bad = client.put(
        url, json.dumps({"electronic_notices": "vielleicht"}), content_type="application/json"
    )
    assert bad.status_code == 422
    assert NoticeConsent.objects.get(customer=customer).electronic


def test_notices_detail_file_and_objection(
    customer: CustomerProfile, customer2: CustomerProfile, caseworker: User
) -> None:
    notice = deposit(customer, caseworker, electronic=True)
    base = f"/api/v1/postbox/{customer.jobcenter.slug}/notices"
    client = _client(customer)
    listing = client.get(base).json()
    assert [n["id"] for n in listing] == [notice.pk]
    assert listing[0]["kind_label"] == "Bewilligung"
    assert listing[0]["bekanntgabe"] is not None
    assert listing[0]["objection_deadline"] is not None
    assert client.get(f"{base}/{notice.pk}/file").content.startswith(b"%PDF")
    notice.refresh_from_db()
    assert notice.retrieved_at is not None
    answer = client.post(
        f"{base}/{notice.pk}/objection",
        json.dumps({"reasons": "Falsch berechnet."}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert answer.json()["reference"].startswith("W-")

    other = _client(customer2)
    assert other.get(base).json() == []
    for url in (f"{base}/{notice.pk}", f"{base}/{notice.pk}/file"):
        assert other.get(url).status_code == 404
    refused = other.post(
        f"{base}/{notice.pk}/objection",
        json.dumps({"reasons": "x"}),
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert Objection.objects.count() == 1


def _deposit(client: Client, jc: str, customer_id: int, data: bytes) -> Any:
    return client.post(
        f"/api/v1/postbox/{jc}/staff/customers/{customer_id}/notices",
        {
            "kind": "refusal",
            "dated": "2026-03-02",
            "file": SimpleUploadedFile("b.pdf", data, content_type="application/pdf"),
        },
    )


def test_staff_deposit_and_list(customer: CustomerProfile, caseworker: User) -> None:
    staff = login_with_mfa(Client(), caseworker)
    jc = customer.jobcenter.slug
    answer = _deposit(staff, jc, customer.pk, make_pdf(pages=2))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["channel"] == Channel.POST
    assert body["pdfa"] == ""
    listing = staff.get(f"/api/v1/postbox/{jc}/staff/customers/{customer.pk}/notices").json()
    assert [n["id"] for n in listing] == [body["id"]]
    refused = _deposit(staff, jc, customer.pk, make_pdf(js=True))
    assert refused.status_code == 422
    assert "aktive Inhalte" in refused.json()["detail"]
    assert Notice.objects.count() == 1


def test_staff_operations_refuse_outsiders(
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    customer_b: CustomerProfile,
) -> None:
    jc = customer.jobcenter.slug
    advisor = login_with_mfa(Client(), staff_a[Role.JOB_ADVISOR])
    assert _deposit(advisor, jc, customer.pk, make_pdf()).status_code == 403
    other_jc = login_with_mfa(Client(), staff_b[Role.CASEWORKER])
    assert _deposit(other_jc, jc, customer.pk, make_pdf()).status_code == 404
    assert _deposit(other_jc, customer_b.jobcenter.slug, customer.pk, make_pdf()).status_code == 404
    as_customer = _client(customer)
    assert _deposit(as_customer, jc, customer.pk, make_pdf()).status_code == 404
    assert not Notice.objects.exists()

"""The mandates API: the same permissions as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.mandates.models import Mandate
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import make_application
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/mandates/fulda"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_grant_accept_list_revoke(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User
) -> None:
    owner = _client(customer.user)
    until = (timezone.localdate() + timedelta(days=90)).isoformat()
    granted = owner.post(
        f"{BASE}/mandates",
        {"scopes": ["read"], "valid_until": until},
        content_type="application/json",
    )
    assert granted.status_code == 201, granted.content
    code = granted.json()["code"]
    rep = _client(rep_user)
    accepted = rep.post(f"{BASE}/accept", {"code": code}, content_type="application/json")
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "active"
    assert [m["customer"] for m in rep.get(f"{BASE}/held").json()] == ["Karl Kunde"]
    listed = owner.get(f"{BASE}/mandates").json()
    assert listed[0]["representative"] == "Vera Vertreterin"
    # The representative cannot revoke or list the customer's mandates (not a customer).
    mandate_id = listed[0]["id"]
    assert rep.post(f"{BASE}/mandates/{mandate_id}/revoke").status_code == 404
    assert owner.post(f"{BASE}/mandates/{mandate_id}/revoke").json()["state"] == "revoked"
    assert rep.get(f"{BASE}/held").json() == []


def test_bad_input_is_422_and_nothing_changes(
    mandates_on: Jobcenter, customer: CustomerProfile
) -> None:
    owner = _client(customer.user)
    too_long = (timezone.localdate() + timedelta(days=500)).isoformat()
    response = owner.post(
        f"{BASE}/mandates",
        {"scopes": ["read"], "valid_until": too_long},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "zwölf Monate" in response.json()["detail"][0]["msg"]
    assert (
        owner.post(
            f"{BASE}/accept", {"code": "AAAA-BBBB-CCCC"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert not Mandate.objects.exists()


def test_other_customer_and_other_jobcenter_get_404(
    mandates_on: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
) -> None:
    owner = _client(customer.user)
    until = (timezone.localdate() + timedelta(days=90)).isoformat()
    mandate_id = owner.post(
        f"{BASE}/mandates",
        {"scopes": ["read"], "valid_until": until},
        content_type="application/json",
    ).json()["mandate"]["id"]
    for user in (customer2.user, customer_b.user):
        assert _client(user).post(f"{BASE}/mandates/{mandate_id}/revoke").status_code == 404
    assert _client(customer_b.user).get(f"{BASE}/mandates").status_code == 404
    assert Mandate.objects.get().revoked_at is None


def test_cosign_over_the_api(mandates_on: Jobcenter, customer: CustomerProfile) -> None:
    from openjobcenter.mandates import services_cosign
    from openjobcenter.mandates.models import Cosignature

    application = make_application(customer)
    owner = _client(customer.user)
    states = owner.get(f"{BASE}/applications/{application.pk}/cosign").json()
    assert [s["person_id"] for s in states] == ["p2"]
    code = services_cosign.cosign_invite(
        request=None, actor=customer.user, cosignature=Cosignature.objects.get()
    )
    eva = _client(make_user("eva@example.org", "Eva", "Kunde"))
    claimed = eva.post(
        f"{BASE}/cosign/claim", {"code": code}, content_type="application/json"
    ).json()
    refused = eva.post(
        f"{BASE}/cosign/{claimed['id']}/confirm",
        {"decision": "confirmed"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    done = eva.post(
        f"{BASE}/cosign/{claimed['id']}/confirm",
        {"decision": "represented"},
        content_type="application/json",
    )
    assert done.json()["state"] == "represented"
    assert (
        owner.post(
            f"{BASE}/cosign/{claimed['id']}/confirm",
            {"decision": "objected", "correction": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )

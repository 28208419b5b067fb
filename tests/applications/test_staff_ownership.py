"""Ownership matrix of the staff pages: other job centre's staff 404, customers 404,
roles without the permission 403, strangers to the login, drafts never visible."""

from __future__ import annotations

from typing import Any

import pytest

from openjobcenter.accounts.models import Role
from openjobcenter.applications.models import HandoffDelivery
from tests.applications.staff_data import enable_module, make_application

pytestmark = pytest.mark.django_db

SUFFIXES = ["", "antrag.pdf", "antrag.json"]


@pytest.fixture
def app(jc_a: Any, jc_b: Any, customer: Any) -> Any:
    enable_module(jc_a)
    enable_module(jc_b)
    return make_application(customer)


def _url(app: Any, suffix: str = "", jc: str | None = None) -> str:
    return f"/{jc or app.jobcenter.slug}/staff/antraege/{app.pk}/{suffix}"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_other_jobcentres_staff_get_404(
    app: Any, staff_b: Any, staff_client: Any, suffix: str
) -> None:
    client = staff_client(staff_b[Role.ADMIN])
    # Through their own job centre's URL and through A's URL alike.
    assert client.get(_url(app, suffix, jc="wiesbaden")).status_code == 404
    assert client.get(_url(app, suffix)).status_code == 404


def test_other_jobcentres_staff_cannot_post(app: Any, staff_b: Any, staff_client: Any) -> None:
    client = staff_client(staff_b[Role.ADMIN])
    response = client.post(
        _url(app, jc="wiesbaden"), {"action": "status", "status": "decided", "reason": "x"}
    )
    assert response.status_code == 404
    app.refresh_from_db()
    assert app.status == "received"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_customers_get_404_on_staff_pages(
    app: Any, customer: Any, client: Any, suffix: str
) -> None:
    client.force_login(customer.user)
    assert client.get(_url(app, suffix)).status_code == 404
    assert client.get(f"/{app.jobcenter.slug}/staff/antraege/").status_code == 404


def test_strangers_are_sent_to_login(app: Any, client: Any) -> None:
    response = client.get(_url(app))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.JOB_ADVISOR])
def test_roles_without_permission_get_403(
    app: Any, staff_a: Any, staff_client: Any, role: Role
) -> None:
    client = staff_client(staff_a[role])
    assert client.get(_url(app)).status_code == 403
    assert client.get(f"/{app.jobcenter.slug}/staff/antraege/").status_code == 403


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMIN])
def test_processing_roles_may_open(app: Any, staff_a: Any, staff_client: Any, role: Role) -> None:
    assert staff_client(staff_a[role]).get(_url(app)).status_code == 200


def test_staff_without_second_factor_in_session_are_asked_for_it(
    app: Any, staff_a: Any, client: Any
) -> None:
    client.force_login(staff_a[Role.CASEWORKER])
    response = client.get(_url(app))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"] or "mfa" in response["Location"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_drafts_are_404_for_staff(
    jc_a: Any, customer: Any, staff_a: Any, staff_client: Any, suffix: str
) -> None:
    enable_module(jc_a)
    draft = make_application(customer, status="draft")
    assert staff_client(staff_a[Role.ADMIN]).get(_url(draft, suffix)).status_code == 404


def test_retry_of_another_applications_delivery_is_404(
    app: Any, customer: Any, staff_a: Any, staff_client: Any
) -> None:
    other = make_application(customer)
    delivery = HandoffDelivery.objects.create(
        application=other, backend="inbox", idempotency_key="k", status="failed"
    )
    response = staff_client(staff_a[Role.CASEWORKER]).post(
        _url(app), {"action": "retry", "delivery": delivery.pk}
    )
    assert response.status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_unknown_ids_are_404(jc_a: Any, staff_a: Any, staff_client: Any) -> None:
    enable_module(jc_a)
    client = staff_client(staff_a[Role.ADMIN])
    assert client.get(f"/{jc_a.slug}/staff/antraege/999999/").status_code == 404

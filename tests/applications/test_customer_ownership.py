"""Ownership matrix of the customer pages: only the owner sees an application (A1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application, ApplicationEvent, EventKind
from openjobcenter.applications.services import application_start
from tests.applications.customer_data import COUPLE, enable, fill_all

pytestmark = pytest.mark.django_db

PAGES = [
    ("application", "get"),
    ("application_receipt", "get"),
    ("application_proofs", "get"),
    ("application_submit", "get"),
    ("application_submit", "post"),
    ("application_summary_pdf", "get"),
    ("application_receipt_pdf", "get"),
]


@pytest.fixture
def app(customer: CustomerProfile, customer_client: Client) -> Application:
    enable(customer.jobcenter)
    application = application_start(request=None, customer=customer, kind="initial")
    fill_all(customer_client, application, {"filing": COUPLE["filing"]})
    customer_client.logout()
    return application


def urls(app: Application, jc: str | None = None) -> list[tuple[str, str]]:
    slug = jc or app.jobcenter.slug
    out = [
        (reverse(f"customer:{name}", kwargs={"jc": slug, "pk": app.pk}), method)
        for name, method in PAGES
    ]
    out.append(
        (
            reverse(
                "customer:application_step",
                kwargs={"jc": slug, "pk": app.pk, "step_key": "filing"},
            ),
            "get",
        )
    )
    event = ApplicationEvent.objects.create(application=app, kind=EventKind.QUESTION, message="?")
    out.append(
        (
            reverse(
                "customer:application_answer",
                kwargs={"jc": slug, "pk": app.pk, "question_id": event.pk},
            ),
            "post",
        )
    )
    return out


def test_owner_sees_own_pages(client: Client, app: Application, customer: CustomerProfile) -> None:
    client.force_login(customer.user)
    for url, method in urls(app):
        if method == "get":
            assert client.get(url).status_code in (200, 302), url


def test_other_customer_of_same_jobcenter_gets_404(
    client: Client, app: Application, customer2: CustomerProfile
) -> None:
    client.force_login(customer2.user)
    for url, method in urls(app):
        response = client.get(url) if method == "get" else client.post(url, {"message": "x"})
        assert response.status_code == 404, url


def test_customer_of_other_jobcenter_gets_404(
    client: Client, app: Application, customer_b: CustomerProfile
) -> None:
    enable(customer_b.jobcenter)
    client.force_login(customer_b.user)
    for url, method in urls(app, jc=customer_b.jobcenter.slug) + urls(app):
        response = client.get(url) if method == "get" else client.post(url, {"message": "x"})
        assert response.status_code == 404, url


def test_staff_cannot_use_customer_pages(
    staff_client: Callable[[User], Client], app: Application, staff_a: dict[Role, User]
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    for url, method in urls(app):
        response = client.get(url) if method == "get" else client.post(url, {"message": "x"})
        assert response.status_code == 404, url


def test_anonymous_is_sent_to_login(client: Client, app: Application) -> None:
    for url, method in urls(app):
        response = client.get(url) if method == "get" else client.post(url, {"message": "x"})
        assert response.status_code == 302
        assert "login" in response["Location"] or "anmelden" in response["Location"]


def test_module_switched_off_is_404(
    client: Client, app: Application, customer: CustomerProfile
) -> None:
    jc = customer.jobcenter
    jc.enabled_modules = [m for m in jc.enabled_modules if m != "applications"]
    jc.save()
    client.force_login(customer.user)
    for url, method in urls(app):
        response = client.get(url) if method == "get" else client.post(url, {"message": "x"})
        assert response.status_code == 404, url

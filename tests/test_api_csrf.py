"""Writes through the API with Django's CSRF checks ON (the test client turns them off).

Bearer-token clients (apps) write without a CSRF token; the browser session writes only
with one; a refused write changes nothing. Before, session auth with its CSRF check was
tried first and stopped the chain, so every token write answered 403 "CSRF check Failed".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.accounts.services import api_token_create
from openjobcenter.applications.models import ApplicationEvent
from openjobcenter.notifications.models import PushSubscription
from tests.applications.staff_data import enable_module, make_application
from tests.conftest import login_with_mfa

pytestmark = pytest.mark.django_db

SUBSCRIPTION = {
    "endpoint": "https://push.example.org/send/abc",
    "p256dh": "B" * 40,
    "auth": "a" * 16,
}


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def _csrf_token(client: Client) -> str:
    """The token the way a page hands it to its script: from a rendered form."""
    page = client.get("/")  # every page has the language switch, a POST form
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert found, "the login page carries a CSRF token"
    return found.group(1).decode()


def _city(customer: CustomerProfile) -> str:
    customer.refresh_from_db()
    return customer.city


def test_bearer_token_writes_without_csrf(customer: CustomerProfile) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    app = _csrf_client()
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = app.patch("/api/v1/me", {"city": "Hünfeld"}, content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["customer"]["city"] == "Hünfeld"
    assert _city(customer) == "Hünfeld"
    response = app.post(
        "/api/v1/notifications/push-subscriptions",
        SUBSCRIPTION,
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    assert PushSubscription.objects.filter(user=customer.user).count() == 1


def test_session_write_without_csrf_token_is_refused(customer: CustomerProfile) -> None:
    before = _city(customer)
    browser = _csrf_client()
    browser.force_login(customer.user)
    # Reads need no token.
    assert browser.get("/api/v1/me").status_code == 200
    response = browser.patch("/api/v1/me", {"city": "Hünfeld"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}
    response = browser.post(
        "/api/v1/notifications/push-subscriptions", SUBSCRIPTION, content_type="application/json"
    )
    assert response.status_code == 403
    assert _city(customer) == before
    assert not PushSubscription.objects.exists()


def test_session_write_with_csrf_token(customer: CustomerProfile) -> None:
    browser = _csrf_client()
    browser.force_login(customer.user)
    token = _csrf_token(browser)
    response = browser.patch(
        "/api/v1/me",
        {"city": "Hünfeld"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    assert _city(customer) == "Hünfeld"
    # A wrong token is refused like a missing one.
    response = browser.patch(
        "/api/v1/me",
        {"city": "Fulda"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="x" * 32,
    )
    assert response.status_code == 403
    assert _city(customer) == "Hünfeld"


def test_no_credentials_is_401_not_a_csrf_failure(customer: CustomerProfile) -> None:
    before = _city(customer)
    response = _csrf_client().patch(
        "/api/v1/me", {"city": "Hünfeld"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert _city(customer) == before


def test_token_wins_over_a_session_cookie_and_writes_as_its_owner(
    customer: CustomerProfile, customer2: CustomerProfile
) -> None:
    """A valid bearer token authenticates as its owner even when a session is also sent."""
    _token, key = api_token_create(user=customer2.user, name="App")
    browser = _csrf_client()
    browser.force_login(customer.user)
    before = _city(customer)
    response = browser.patch(
        "/api/v1/me",
        {"city": "Hünfeld"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["email"] == customer2.user.email
    assert _city(customer2) == "Hünfeld"
    assert _city(customer) == before


def test_invalid_token_falls_back_to_session_which_needs_csrf(customer: CustomerProfile) -> None:
    browser = _csrf_client()
    browser.force_login(customer.user)
    before = _city(customer)
    response = browser.patch(
        "/api/v1/me",
        {"city": "Hünfeld"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ojc_revoked-or-made-up",
    )
    assert response.status_code == 403
    assert _city(customer) == before


def _staff_status(client: Client, app_pk: int, **headers: Any) -> Any:
    return client.post(
        f"/api/v1/applications/staff/fulda/{app_pk}/status",
        {"status": "in_progress", "reason": "Wir bearbeiten Ihren Antrag."},
        content_type="application/json",
        **headers,
    )


def test_staff_session_writes_need_csrf_and_tokens_do_not_reach_staff_operations(
    jc_a: Any, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    enable_module(jc_a)
    application = make_application(customer)
    worker = staff_a[Role.CASEWORKER]
    browser = login_with_mfa(_csrf_client(), worker)

    response = _staff_status(browser, application.pk)
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "received"
    assert not ApplicationEvent.objects.filter(application=application).exists()

    # Staff operations take only a session in which the second factor was used.
    _token, key = api_token_create(user=worker, name="Script")
    response = _staff_status(_csrf_client(), application.pk, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    application.refresh_from_db()
    assert application.status == "received"

    response = _staff_status(browser, application.pk, HTTP_X_CSRFTOKEN=_csrf_token(browser))
    assert response.status_code == 200, response.content
    application.refresh_from_db()
    assert application.status == "in_progress"

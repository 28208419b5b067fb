from __future__ import annotations

import time_machine
from django.test import Client

from openjobcenter.accounts.models import Role

from .conftest import login_with_mfa


def test_security_headers_on_pages(client: Client, jc_a) -> None:
    response = client.get("/fulda/")
    csp = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "'unsafe-inline'" not in csp
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_cookies_are_httponly_and_samesite(client: Client, customer) -> None:
    from .conftest import PASSWORD

    response = client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.get("/konto/login/").cookies.get("csrftoken")
    if csrf is not None:
        assert csrf["samesite"] == "Lax"


def test_session_rotates_on_login(client: Client, customer) -> None:
    from .conftest import PASSWORD

    client.get("/konto/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert client.session.session_key != before


def test_customer_session_ends_after_idle_time(client: Client, customer) -> None:
    with time_machine.travel("2026-11-25 10:00 +0000", tick=False) as traveller:
        client.force_login(customer.user)
        assert client.get("/fulda/mein-bereich/").status_code == 200
        traveller.shift(29 * 60)
        assert client.get("/fulda/mein-bereich/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/fulda/mein-bereich/")
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/")


def test_staff_session_has_absolute_limit(client: Client, staff_a) -> None:
    with time_machine.travel("2026-11-25 07:00 +0000", tick=False) as traveller:
        login_with_mfa(client, staff_a[Role.CASEWORKER])
        for _ in range(35):  # active all day, every 18 minutes
            traveller.shift(18 * 60)
            if client.get("/fulda/staff/").status_code != 200:
                break
        # 35 * 18 min = 10.5 h > the 10 h absolute limit for staff.
        assert client.get("/fulda/staff/").status_code == 302


def test_staff_idle_limit_is_shorter_than_customers(client: Client, staff_a) -> None:
    with time_machine.travel("2026-11-25 07:00 +0000", tick=False) as traveller:
        login_with_mfa(client, staff_a[Role.CASEWORKER])
        assert client.get("/fulda/staff/").status_code == 200
        traveller.shift(25 * 60)
        assert client.get("/fulda/staff/").status_code == 302


def test_csrf_is_enforced_on_forms(jc_a, customer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    response = client.post("/fulda/mein-bereich/profil/", {"first_name": "X"})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()

"""A database that cannot be reached gives a calm 503, not a 500 (issue 16, item 5).

The fault is injected at the database boundary: every statement of the request fails as
a dropped connection does (``OperationalError``), so any part of the answer that still
needed the database would fail too. The same checks run end to end against a real cut
PostgreSQL connection in ``test_db_fault.py``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.unavailable import is_database_outage
from openjobcenter.tenants.models import Jobcenter

Wrapper = Callable[..., Any]


@contextmanager
def database_down(error: Exception | None = None) -> Iterator[list[str]]:
    """Every statement fails as if the server had gone; yields the statements tried."""
    tried: list[str] = []

    def refuse(execute: Wrapper, sql: str, params: Any, many: bool, context: Any) -> Any:
        tried.append(sql)
        raise error or OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield tried


@pytest.fixture
def anon() -> Client:
    # Exceptions raised in middleware go through Django's 500 handler, which also sends
    # the signal the test client re-raises by default; a browser sees only the answer.
    return Client(raise_request_exception=False)


def assert_calm_page(response: Any) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    html: str = response.content.decode()
    assert "<h1>Gleich wieder da</h1>" in html
    assert "/static/web/site.css" in html  # the platform's own layout and style
    assert "Traceback" not in html and "OperationalError" not in html
    return html


def test_page_whose_view_needs_the_database(
    anon: Client, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, "openjobcenter.unavailable"), database_down() as tried:
        response = anon.get("/")
    assert tried, "the landing page reads the job centres"
    assert_calm_page(response)
    logged = [r for r in caplog.records if r.name == "openjobcenter.unavailable"]
    assert len(logged) == 1
    assert "OperationalError" in logged[0].getMessage()


def test_tenant_lookup_in_middleware(anon: Client, jc_a: Jobcenter) -> None:
    with database_down() as tried:
        response = anon.get(f"/{jc_a.slug}/")
    assert tried
    assert_calm_page(response)


def test_session_read_of_a_logged_in_customer(customer: CustomerProfile, jc_a: Jobcenter) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(customer.user)
    with database_down():
        response = client.get(f"/{jc_a.slug}/mein-bereich/")
    assert_calm_page(response)


def test_a_form_sent_while_down_says_how_to_get_the_input_back(
    anon: Client, jc_a: Jobcenter
) -> None:
    with database_down():
        response = anon.post(f"/{jc_a.slug}/", {"x": "1"})
    assert "einen Schritt zurück" in assert_calm_page(response)


def test_page_in_the_readers_language(anon: Client, db: None) -> None:
    with database_down():
        response = anon.get("/", headers={"accept-language": "ar"})
    assert response.status_code == 503
    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert "Gleich wieder da" not in html


def test_api_answers_json(anon: Client, db: None) -> None:
    with database_down():
        response = anon.get("/api/v1/jobcenters")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert body["retry_after"] == 30
    assert "gleich noch einmal" in body["detail"]


def test_api_answers_json_when_the_session_cannot_be_read(
    customer: CustomerProfile, jc_a: Jobcenter
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(customer.user)
    with database_down():
        response = client.get("/api/v1/me")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_readyz_names_the_database(anon: Client, db: None) -> None:
    with database_down():
        response = anon.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_a_bug_in_sql_stays_a_500(anon: Client, db: None) -> None:
    """Only an unreachable database is a 503; a wrong statement is a bug and says so."""
    with database_down(ProgrammingError('relation "tenants_jobcenter" does not exist')):
        assert anon.get("/").status_code == 500
        api = anon.get("/api/v1/jobcenters")
    assert api.status_code == 500
    assert api.json() == {"detail": "Internal server error"}


def sqlite_error(message: str) -> OperationalError:
    """As Django raises it: its OperationalError caused by the driver's."""
    error = OperationalError(message)
    error.__cause__ = sqlite3.OperationalError(message)
    return error


def test_which_sqlite_errors_are_outages() -> None:
    # SQLite reports its own mistakes as OperationalError too.
    assert not is_database_outage(sqlite_error("no such table: tenants_jobcenter"))
    assert not is_database_outage(sqlite_error('near "SELEC": syntax error'))
    assert is_database_outage(sqlite_error("database is locked"))
    assert is_database_outage(sqlite_error("unable to open database file"))
    assert is_database_outage(InterfaceError("connection already closed"))
    assert not is_database_outage(None)
    assert not is_database_outage(ValueError("x"))


def test_sqlite_locked_is_an_outage(anon: Client, db: None) -> None:
    with database_down(sqlite_error("database is locked")):
        assert_calm_page(anon.get("/"))

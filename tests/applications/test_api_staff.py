"""Staff API: inbox, one application, status change, assign; session with second factor
only; other job centre's staff 404; roles without permission 403; bad input 422."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openjobcenter.accounts.models import Role
from openjobcenter.accounts.services import api_token_create
from openjobcenter.applications.models import Application, ApplicationEvent, EventKind
from openjobcenter.applications.selectors_staff import PAGE_SIZE
from openjobcenter.core.models import AuditEntry
from tests.applications.staff_data import enable_module, make_application
from tests.conftest import login_with_mfa

pytestmark = pytest.mark.django_db
API = "/api/v1/applications/staff"


@pytest.fixture
def setup(jc_a: Any, jc_b: Any, customer: Any, customer_b: Any) -> dict[str, Any]:
    enable_module(jc_a)
    enable_module(jc_b)
    return {
        "a": make_application(customer),
        "draft": make_application(customer, status="draft"),
        "b": make_application(customer_b),
    }


def _staff(user: Any) -> Client:
    return login_with_mfa(Client(), user)


def test_inbox_lists_own_submitted_only(setup: dict[str, Any], staff_a: Any) -> None:
    client = _staff(staff_a[Role.CASEWORKER])
    response = client.get(f"{API}/fulda/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["reference"] for r in body["results"]] == [setup["a"].reference]
    assert (body["has_more"], body["next_after"], body["next"]) == (False, None, None)
    assert "count" not in body
    assert body["results"][0]["customer_number"] == "A-1001"
    assert len(client.get(f"{API}/fulda/?q=A-1001").json()["results"]) == 1
    assert client.get(f"{API}/fulda/?q=B-2001").json()["results"] == []
    assert client.get(f"{API}/fulda/?assignee=mine").json()["results"] == []
    assert client.get(f"{API}/fulda/?status=decided").json()["results"] == []


def _letters(i: int) -> str:
    return chr(ord("a") + i // 26) + chr(ord("a") + i % 26)


def _more_applications(template: Application, n: int) -> list[Application]:
    """``n`` further submitted applications like ``template``, one minute apart, older."""
    rows = []
    assert template.submitted_at is not None
    for i in range(n):
        row = Application.objects.get(pk=template.pk)
        row.pk = None
        row.reference = f"EA-2026-P{i:06d}"
        row.submitted_at = template.submitted_at - timedelta(minutes=i + 1)
        row.customer_name = f"Person{_letters(i)} Beispiel"
        rows.append(row)
    return Application.objects.bulk_create(rows)


def test_inbox_pages_by_keyset_without_counting(setup: dict[str, Any], staff_a: Any) -> None:
    newest = setup["a"]
    _more_applications(newest, PAGE_SIZE + 4)
    client = _staff(staff_a[Role.CASEWORKER])
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(f"{API}/fulda/?kind=initial").json()
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    # Not a query per row (a deferred column read row by row cost 50 more).
    app_queries = [q for q in ctx.captured_queries if "applications_application" in q["sql"]]
    assert len(app_queries) <= 2, [q["sql"] for q in app_queries]
    assert len(first["results"]) == PAGE_SIZE
    assert first["results"][0]["reference"] == newest.reference
    assert first["has_more"] is True
    assert first["next_after"] == first["results"][-1]["id"]
    assert first["next"] == f"{API}/fulda/?kind=initial&nach={first['next_after']}"
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert (second["has_more"], second["next"]) == (False, None)
    seen = [r["id"] for r in first["results"] + second["results"]]
    expected = list(
        Application.objects.filter(jobcenter=newest.jobcenter, submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected


def test_inbox_cursor_of_another_job_centre_is_422(setup: dict[str, Any], staff_a: Any) -> None:
    response = _staff(staff_a[Role.CASEWORKER]).get(f"{API}/fulda/?nach={setup['b'].pk}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "nach"]
    assert setup["b"].reference not in response.content.decode()


def test_inbox_name_search_is_ranked_and_limited(setup: dict[str, Any], staff_a: Any) -> None:
    _more_applications(setup["a"], PAGE_SIZE + 4)
    body = _staff(staff_a[Role.CASEWORKER]).get(f"{API}/fulda/?q=Personah").json()
    names = [r["customer_name"] for r in body["results"]]
    assert names[0] == "Personah Beispiel"
    assert (body["ranked"], body["next"]) == (True, None)
    common = _staff(staff_a[Role.CASEWORKER]).get(f"{API}/fulda/?q=Beispiel").json()
    assert len(common["results"]) == PAGE_SIZE
    assert common["has_more"] is True


@pytest.mark.parametrize(
    "query",
    ["status=draft", "kind=x", "assignee=alle", "von=morgen", "nach=0", "nach=x", "q=" + "x" * 101],
)
def test_inbox_bad_filters_are_422(setup: dict[str, Any], staff_a: Any, query: str) -> None:
    response = _staff(staff_a[Role.CASEWORKER]).get(f"{API}/fulda/?{query}")
    assert response.status_code == 422


def test_application_detail_and_audit(setup: dict[str, Any], staff_a: Any) -> None:
    app = setup["a"]
    response = _staff(staff_a[Role.CASEWORKER]).get(f"{API}/fulda/{app.pk}")
    assert response.status_code == 200
    assert response.json()["submitted_data"]["answers"]["housing"]["cold_rent"] == "500.00"
    assert AuditEntry.objects.filter(object_type="application", object_id=str(app.pk)).exists()


def test_status_change_and_assign(setup: dict[str, Any], staff_a: Any) -> None:
    app = setup["a"]
    worker = staff_a[Role.CASEWORKER]
    client = _staff(worker)
    response = client.post(
        f"{API}/fulda/{app.pk}/status",
        {"status": "in_progress", "reason": "Wir bearbeiten Ihren Antrag."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    event = ApplicationEvent.objects.get(application=app, kind=EventKind.STATUS_CHANGED)
    assert event.message == "Wir bearbeiten Ihren Antrag."
    response = client.post(
        f"{API}/fulda/{app.pk}/assign", {"assignee_id": worker.pk}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["assignee_id"] == worker.pk
    response = client.post(
        f"{API}/fulda/{app.pk}/assign",
        {"assignee_id": staff_a[Role.RECEPTION].pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "assignee_id"]


def test_question_to_customer(
    setup: dict[str, Any],
    staff_a: Any,
    customer: Any,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = setup["a"]
    client = _staff(staff_a[Role.CASEWORKER])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/fulda/{app.pk}/question",
            {"question": "Seit wann arbeiten Sie dort?"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "question"
    [mail] = outbox
    assert "Seit wann" not in mail.body
    assert (
        client.post(
            f"{API}/fulda/{app.pk}/question", {"question": ""}, content_type="application/json"
        ).status_code
        == 422
    )
    b_client = _staff(staff_a[Role.RECEPTION])
    assert (
        b_client.post(
            f"{API}/fulda/{app.pk}/question", {"question": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "body",
    [
        {"status": "draft", "reason": "x"},
        {"status": "decided", "reason": ""},
        {"status": "decided"},
        {"status": "decided", "reason": "x" * 2001},
        {"status": "received", "reason": "schon so"},
        {"status": "decided", "reason": "x", "extra": True},
    ],
)
def test_status_bad_input_is_422_and_changes_nothing(
    setup: dict[str, Any], staff_a: Any, body: dict[str, Any]
) -> None:
    app = setup["a"]
    response = _staff(staff_a[Role.CASEWORKER]).post(
        f"{API}/fulda/{app.pk}/status", body, content_type="application/json"
    )
    assert response.status_code == 422
    app.refresh_from_db()
    assert app.status == "received"


@pytest.mark.parametrize("suffix", ["", "/status", "/assign", "/question"])
def test_ownership(
    setup: dict[str, Any], staff_a: Any, staff_b: Any, customer: Any, suffix: str
) -> None:
    app, draft = setup["a"], setup["draft"]
    method = "get" if not suffix else "post"
    body: dict[str, Any] = {
        "/status": {"status": "decided", "reason": "x"},
        "/question": {"question": "x"},
    }.get(suffix, {"assignee_id": None})

    def call(client: Client, jc: str, pk: int) -> int:
        url = f"{API}/{jc}/{pk}{suffix}"
        if method == "get":
            return int(client.get(url).status_code)
        return int(client.post(url, body, content_type="application/json").status_code)

    b_admin = _staff(staff_b[Role.ADMIN])
    assert call(b_admin, "fulda", app.pk) == 404
    assert call(b_admin, "wiesbaden", app.pk) == 404
    assert call(_staff(staff_a[Role.ADMIN]), "fulda", draft.pk) == 404
    assert call(_staff(staff_a[Role.RECEPTION]), "fulda", app.pk) == 403
    customer_client = Client()
    customer_client.force_login(customer.user)
    assert call(customer_client, "fulda", app.pk) in (401, 404)
    assert call(Client(), "fulda", app.pk) == 401
    app.refresh_from_db()
    assert app.status == "received"


def test_staff_endpoints_refuse_tokens_and_sessions_without_second_factor(
    setup: dict[str, Any], staff_a: Any
) -> None:
    worker = staff_a[Role.CASEWORKER]
    _token, key = api_token_create(user=worker, name="Skript")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(f"{API}/fulda/").status_code == 401
    plain = Client()
    plain.force_login(worker)
    assert plain.get(f"{API}/fulda/").status_code == 401


def test_session_writes_need_csrf(setup: dict[str, Any], staff_a: Any) -> None:
    client = login_with_mfa(Client(enforce_csrf_checks=True), staff_a[Role.CASEWORKER])
    response = client.post(
        f"{API}/fulda/{setup['a'].pk}/status",
        {"status": "decided", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)

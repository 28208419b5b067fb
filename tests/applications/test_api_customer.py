"""The customer API: the whole flow through the API alone (bearer token), ownership,
bad input (422), version conflicts (409), idempotent and rate-limited submission."""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from django.test import Client

from openjobcenter.accounts.services import api_token_create
from openjobcenter.applications.demo import KARL
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    EventKind,
    HandoffDelivery,
)
from tests.applications.staff_data import enable_module, make_application

pytestmark = pytest.mark.django_db
API = "/api/v1"
# The demo couple with one child, written as an app would send it: IBAN in blocks and a
# decimal comma, which the API must normalise like the web form does.
RAW_ANSWERS: dict[str, dict[str, Any]] = {
    **KARL,
    "bank": {**KARL["bank"], "iban": "DE89 3704 0044 0532 0130 00"},
    "housing": {**KARL["housing"], "cold_rent": "520,00"},
}


@pytest.fixture
def api(jc_a: Any, customer: Any) -> Client:
    enable_module(jc_a)
    _token, key = api_token_create(user=customer.user, name="App")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def api2(jc_a: Any, customer2: Any) -> Client:
    _token, key = api_token_create(user=customer2.user, name="App")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _version(client: Client, app_id: int, key: str) -> int:
    return int(client.get(f"{API}/applications/{app_id}/steps/{key}").json()["version"])


def _put(client: Client, app_id: int, key: str, answers: dict[str, Any], base: int) -> Any:
    return client.put(
        f"{API}/applications/{app_id}/steps/{key}",
        {"answers": answers, "base_version": base},
        content_type="application/json",
    )


def test_whole_customer_flow_through_the_api_alone(
    api: Client,
    customer: Any,
    django_capture_on_commit_callbacks: Any,
    outbox: list[Any],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    # 1. What is there to fill in?
    forms = api.get(f"{API}/forms/").json()
    assert "initial" in {f["key"] for f in forms}
    definition = api.get(f"{API}/forms/initial?lang=en").json()
    assert definition["steps"][0]["filing"] is True
    assert all("help" in f for s in definition["steps"] for f in s["fields"])
    # 2. Start a draft and file it with the minimal first step.
    response = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    app_id = response.json()["id"]
    response = api.post(
        f"{API}/applications/{app_id}/file",
        {"answers": RAW_ANSWERS["filing"], "base_version": _version(api, app_id, "filing")},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["filed_at"] is not None
    # 3. Follow the open steps until none is left.
    for _ in range(40):
        detail = api.get(f"{API}/applications/{app_id}").json()
        step = detail["next_step"]
        if step is None:
            break
        assert step in RAW_ANSWERS, f"unexpected step {step}"
        current = api.get(f"{API}/applications/{app_id}/steps/{step}").json()
        response = _put(api, app_id, step, RAW_ANSWERS[step], current["version"])
        assert response.status_code == 200, (step, response.content)
    else:  # pragma: no cover
        pytest.fail("never finished")
    statuses = {s["key"]: s["status"] for s in detail["steps"]}
    assert statuses["income:p3"] == "done"
    # 4. The proofs derived from the answers.
    proofs = api.get(f"{API}/applications/{app_id}/proofs").json()
    kinds = {p["kind"] for p in proofs}
    assert "payslip" in kinds
    assert all(p["reason"] for p in proofs)
    # 5. Submit (twice: idempotent) and follow the status.
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"{API}/applications/{app_id}/submit", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 200, first.content
    second = api.post(f"{API}/applications/{app_id}/submit", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert second.status_code == 200
    assert first.json()["reference"] == second.json()["reference"]
    assert first.json()["status"] == "received"
    assert Application.objects.filter(customer=customer).count() == 1
    assert (
        ApplicationEvent.objects.filter(application_id=app_id, kind=EventKind.SUBMITTED).count()
        == 1
    )
    assert HandoffDelivery.objects.get(application_id=app_id, backend="inbox").status == (
        "delivered"
    )
    status = api.get(f"{API}/applications/{app_id}/status").json()
    assert status["status"] == "received"
    history = api.get(f"{API}/applications/{app_id}/history").json()
    assert "submitted" in {e["kind"] for e in history}
    # 6. A submitted application can no longer be changed.
    response = _put(api, app_id, "housing", RAW_ANSWERS["housing"], 1)
    assert response.status_code == 409
    # 7. The submitted data follows the published JSON Schema.
    app = Application.objects.get(pk=app_id)
    assert app.submitted_data is not None
    version = app.submitted_data["form"]["version"]
    assert app.submitted_data["$schema"].endswith(f"/application/{version}")
    published = api.get(f"{API}/schemas/application/{version}").json()
    jsonschema.validate(
        app.submitted_data, published, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_step_conflict_answers_409_with_the_newer_answers(api: Client) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    base = _version(api, app_id, "filing")
    assert _put(api, app_id, "filing", RAW_ANSWERS["filing"], base).status_code == 200
    newer = {**RAW_ANSWERS["filing"], "city": "Künzell"}
    assert _put(api, app_id, "filing", newer, base + 1).status_code == 200
    # A second device still on the version before:
    response = _put(
        api, app_id, "filing", {**RAW_ANSWERS["filing"], "city": "Petersberg"}, base + 1
    )
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == base + 2
    assert body["answers"]["city"] == "Künzell"
    assert body["step_key"] == "filing"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**RAW_ANSWERS["filing"], "birth_date": "2999-01-01"}, "birth_date"),
        ({**RAW_ANSWERS["filing"], "birth_date": "1800-01-01"}, "birth_date"),
        ({**RAW_ANSWERS["filing"], "postcode": "123"}, "postcode"),
        ({**RAW_ANSWERS["filing"], "first_name": "x" * 500}, "first_name"),
        ({**RAW_ANSWERS["filing"], "first_name": ""}, "first_name"),
    ],
)
def test_bad_answers_are_422_naming_the_field(
    api: Client, answers: dict[str, Any], field: str
) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    base = _version(api, app_id, "filing")
    response = _put(api, app_id, "filing", answers, base)
    assert response.status_code == 422
    assert field in {d["loc"][-1] for d in response.json()["detail"]}
    assert _version(api, app_id, "filing") == base


def test_negative_amount_and_bad_iban_are_refused(api: Client) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    _put(api, app_id, "filing", RAW_ANSWERS["filing"], _version(api, app_id, "filing"))
    response = _put(api, app_id, "housing", {**RAW_ANSWERS["housing"], "cold_rent": "-5"}, 0)
    assert response.status_code == 422
    assert "cold_rent" in {d["loc"][-1] for d in response.json()["detail"]}
    response = _put(api, app_id, "bank", {**RAW_ANSWERS["bank"], "iban": "DE00 1234"}, 0)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/applications/", {"kind": "nonsense"}),
        ("post", "/applications/", {"kind": "initial", "extra": 1}),
        ("post", "/applications/", "not json"),
        ("put", "/applications/{id}/steps/filing", {"answers": {}, "base_version": -1}),
        ("put", "/applications/{id}/steps/filing", {"answers": "x", "base_version": 0}),
        ("put", "/applications/{id}/steps/filing", {"base_version": 0}),
    ],
)
def test_malformed_requests_are_422(api: Client, method: str, path: str, body: Any) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    url = API + path.replace("{id}", str(app_id))
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == 422, response.content


def test_unknown_step_is_404(api: Client) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    assert _put(api, app_id, "nope", {}, 0).status_code == 404
    assert api.get(f"{API}/applications/{app_id}/steps/nope").status_code == 404


def test_incomplete_submission_is_422_with_open_steps(api: Client) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    _put(api, app_id, "filing", RAW_ANSWERS["filing"], _version(api, app_id, "filing"))
    response = api.post(f"{API}/applications/{app_id}/submit")
    assert response.status_code == 422
    assert "personal" in response.json()["open_steps"]


@pytest.mark.usefixtures("one_rate_window")
def test_submission_is_rate_limited(api: Client, customer: Any, settings: Any) -> None:
    settings.APPLICATIONS_SUBMIT_RATE = 2
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    codes = [api.post(f"{API}/applications/{app_id}/submit").status_code for _ in range(3)]
    assert codes == [422, 422, 429]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "/status"),
        ("get", "/history"),
        ("get", "/proofs"),
        ("get", "/steps/filing"),
        ("put", "/steps/filing"),
        ("post", "/file"),
        ("post", "/submit"),
    ],
)
def test_other_customers_application_is_404(
    api: Client, api2: Client, method: str, suffix: str
) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    body = {"answers": RAW_ANSWERS["filing"], "base_version": 0}
    response = getattr(api2, method)(
        f"{API}/applications/{app_id}{suffix}", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert api.get(f"{API}/applications/{app_id}/steps/filing").json()["version"] <= 1


def test_other_jobcentres_customer_gets_404(api: Client, customer_b: Any) -> None:
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    enable_module(customer_b.jobcenter)
    _token, key = api_token_create(user=customer_b.user, name="App")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert other.get(f"{API}/applications/{app_id}").status_code == 404
    assert other.get(f"{API}/applications/").json() == []


def test_anonymous_gets_401(jc_a: Any) -> None:
    assert Client().get(f"{API}/applications/").status_code == 401
    assert (
        Client()
        .post(f"{API}/applications/", {"kind": "initial"}, content_type="application/json")
        .status_code
        == 401
    )


def test_staff_token_has_no_customer_applications(jc_a: Any, staff_a: Any) -> None:
    from openjobcenter.accounts.models import Role

    enable_module(jc_a)
    _token, key = api_token_create(user=staff_a[Role.CASEWORKER], name="x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(f"{API}/applications/").status_code == 404


def test_customer_answers_a_staff_question(api: Client, customer: Any) -> None:
    app = make_application(customer)
    question = ApplicationEvent.objects.create(
        application=app, kind=EventKind.QUESTION, message="Seit wann?"
    )
    response = api.post(
        f"{API}/applications/{app.pk}/questions/{question.pk}/answer",
        {"message": "Seit Mai."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "answer"
    history = api.get(f"{API}/applications/{app.pk}/history").json()
    assert [e["kind"] for e in history][-2:] == ["question", "answer"]


def test_forms_and_schemas_are_public(db: None) -> None:
    client = Client()
    assert client.get(f"{API}/forms/").status_code == 200
    assert client.get(f"{API}/forms/nope").status_code == 404
    assert client.get(f"{API}/forms/initial?lang=xx").status_code == 422
    assert client.get(f"{API}/forms/initial?version=99").status_code == 404
    listed = client.get(f"{API}/schemas/").json()
    assert {"name": "application", "version": 1} in [
        {"name": s["name"], "version": s["version"]} for s in listed
    ]
    assert client.get(f"{API}/schemas/application/99").status_code == 404
    assert client.get(f"{API}/schemas/nope/1").status_code == 404


HOSTILE_VALUES = [
    None,
    "",
    " ",
    "x" * 5000,
    "\x00",
    "<script>alert(1)</script>",
    -1,
    1e308,
    True,
    [],
    ["a", {"b": 1}],
    {"nested": {"deeper": [1, 2, 3]}},
    "2026-02-30",
    "١٢٣",
]


@pytest.mark.parametrize("step", ["filing", "housing", "household", "income:p1", "bank"])
def test_hostile_answers_never_500(api: Client, step: str) -> None:
    """Every field of a step gets every hostile value: 200, 409 or 422, never a 500."""
    app_id = api.post(
        f"{API}/applications/", {"kind": "initial"}, content_type="application/json"
    ).json()["id"]
    _put(api, app_id, "filing", RAW_ANSWERS["filing"], _version(api, app_id, "filing"))
    base_answers = RAW_ANSWERS.get(step, {})
    keys = list(base_answers) or ["x"]
    for value in HOSTILE_VALUES:
        for key in keys:
            answers = {**base_answers, key: value}
            response = _put(api, app_id, step, answers, _version(api, app_id, step))
            assert response.status_code in (200, 409, 422), (step, key, value, response.content)

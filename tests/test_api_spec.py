"""The OpenAPI document tells the truth: unique schema names, every answer documented,
authentication by default with an explicit public allow-list, JSON errors everywhere."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from ninja.openapi.schema import OpenAPISchema
from ninja.responses import NinjaJSONEncoder

from openjobcenter.api.public import PUBLIC_OPERATIONS
from openjobcenter.api.urls import api
from openjobcenter.config import urls as project_urls

METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), route, operation)
        for route, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The document as clients read it (JSON: status codes become strings)."""
    document: dict[str, Any] = json.loads(
        json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder)
    )
    return document


def test_component_names_are_unique_across_routers(monkeypatch: pytest.MonkeyPatch) -> None:
    """ninja keeps the last of two models with one name: both must be the same schema."""
    seen: dict[str, set[str]] = defaultdict(set)
    original = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            seen[name].add(json.dumps(definition, sort_keys=True))
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    document = api.get_openapi_schema()
    assert seen, "the spy saw the component schemas"
    clashes = {name: len(found) for name, found in seen.items() if len(found) > 1}
    assert clashes == {}, f"two different models share a component name: {clashes}"
    assert set(seen) == set(document["components"]["schemas"])


def test_application_start_is_documented_with_its_own_fields(spec: dict[str, Any]) -> None:
    body = spec["paths"]["/api/v1/applications/"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][ref]["properties"]) == {"kind", "prefill"}
    chat = spec["paths"]["/api/v1/messaging/{jc}/conversations"]["post"]["requestBody"]
    ref = chat["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "subject" in spec["components"]["schemas"][ref]["properties"]


def test_public_operations_are_exactly_the_allow_list(spec: dict[str, Any]) -> None:
    public = {(method, route) for method, route, op in _operations(spec) if not op.get("security")}
    assert public == PUBLIC_OPERATIONS


def test_an_operation_declared_without_auth_is_authenticated(client: Client, db: None) -> None:
    # GET /me says no auth=: the API's default applies.
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/notifications/preferences").status_code == 401


def test_every_answer_is_documented(spec: dict[str, Any]) -> None:
    missing: list[str] = []
    for method, route, op in _operations(spec):
        documented = set(op["responses"])
        expected = {"503"}
        if op.get("security"):
            expected |= {"401", "403", "404"}
        if "{" in route:
            expected.add("404")
        if op.get("parameters") or op.get("requestBody"):
            expected.add("422")
        missing += [f"{method} {route}: {status}" for status in sorted(expected - documented)]
    assert missing == []


def test_error_answers_share_one_body_shape(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for method, route, op in _operations(spec):
        for status, answer in op["responses"].items():
            if int(status) < 400:
                continue
            schema = answer["content"]["application/json"]["schema"]
            refs = [schema] if "$ref" in schema else schema.get("anyOf", [])
            assert refs, f"{method} {route} {status}: no schema"
            for ref in refs:
                component = schemas[ref["$ref"].rsplit("/", 1)[1]]
                assert "detail" in component["required"], f"{method} {route} {status}"


def test_unknown_api_path_and_wrong_method_answer_json(client: Client, db: None) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}
    response = client.delete("/api/v1/jobcenters")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert "GET" in response["Allow"]
    # Http404 raised by a selector inside an operation.
    response = client.get("/api/v1/jobcenters/atlantis")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    # Pages keep their HTML 404.
    assert client.get("/nothing-here/at-all/").get("Content-Type", "").startswith("text/html")


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/crash", _crash), path("", include(project_urls.urlpatterns))]
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_an_unhandled_error_under_api_is_json_500(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/crash")
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal server error"
    assert b"boom" not in response.content


def test_quiet_hours_with_a_zone_offset_are_refused_not_a_500(customer: Any) -> None:
    """Found by the fuzzer: SQLite cannot store an aware time, the API answered 500."""
    client = Client()
    client.force_login(customer.user)
    before = client.get("/api/v1/notifications/preferences").json()
    response = client.put(
        "/api/v1/notifications/preferences",
        {"email": True, "push": False, "quiet_start": "22:00:00Z", "quiet_end": "07:00:00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "quiet_start"
    assert client.get("/api/v1/notifications/preferences").json() == before

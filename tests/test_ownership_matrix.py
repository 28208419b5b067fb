"""The ownership matrix, generated from the URL configuration and the OpenAPI document
(DESIGN §7 need-to-know, issue 16 item 13).

* Every URL pattern (django's resolver walked through the tenant blocks, allauth, the
  admin, health and static routes) and every OpenAPI operation (method + path) must have
  an entry in ``tests/ownership_matrix.py``; a route or operation without one fails
  ``test_every_route_has_an_entry`` / ``test_every_api_operation_has_an_entry``.
* Each entry is run for every persona against real objects of the owner (a customer of
  job centre A) and answers what the matrix says: what the owner and the allowed roles
  may use, and 404 / 403 / the login for everyone else.
* Every refused write is checked to have changed nothing: all tables (row count and a
  hash of the rows) are compared before and after.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests import ownership_matrix as matrix
from tests.documents.conftest import photo, upload
from tests.ownership_world import (
    PERSONAS,
    SSO_PERSONAS,
    World,
    ask,
    build_world,
    fresh_mfa,
    login,
)

# --- The world: built once per module, each test in a savepoint of it -----------------


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    # No OCR for the world's documents: the matrix is about who sees them, and Tesseract
    # would take most of the module's setup time.
    media = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")),
        DOCUMENTS={**settings.DOCUMENTS, "ocr": False},
    )
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            login(built)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()


@pytest.fixture
def w(world: World, db: None) -> World:
    fresh_mfa(world)
    return world


# --- Walking the URL configuration and the OpenAPI document ----------------------------


def url_patterns() -> list[str]:
    """Every URL pattern as its full route string (``<slug:jc>/staff/kunden/<int:pk>/``)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    seen: dict[str, None] = {}
    for route in walk(get_resolver().url_patterns, ""):
        seen.setdefault(route, None)
    return list(seen)


def api_schema() -> dict[str, Any]:
    from openjobcenter.api.urls import api

    schema: dict[str, Any] = api.get_openapi_schema()
    return schema


def api_operations() -> list[str]:
    ops = []
    for path, methods in api_schema()["paths"].items():
        for method in methods:
            ops.append(f"{method.upper()} {path}")
    return ops


def api_route_of(path: str) -> str:
    """``/api/v1/applications/{application_id}`` as the URL pattern django resolves."""
    return re.sub(r"\{(\w+)\}", r"<\1>", path.removeprefix("/"))


# --- Asking and classifying ----------------------------------------------------------


def outcome(response: HttpResponse) -> str:
    status = response.status_code
    if status >= 500:
        return "500"
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if "/admin/login/" in location:
            return "admin_login"
        if location.startswith("/konto/login/"):
            return "login"
        if "reauthenticate" in location or location.startswith("/konto/2fa/authenticate"):
            return "mfa"
        return "ok"
    if status in (401, 403, 404, 405):
        return str(status)
    return "ok"


REFUSED = {"login", "admin_login", "mfa", "401", "403", "404", "405"}
# Tables a refused request may legitimately write: the requester's own session, the
# audit trail (refusals are not audited today, but a record of a refusal is no change
# to anyone's data), the task queue and allauth's rate-limit-free bookkeeping.
NOT_DATA = {"django_session", "core_auditentry", "django_tasks_database_dbtaskresult"}


def data_tables() -> list[Any]:
    return [
        m
        for m in apps.get_models()
        if m._meta.db_table not in NOT_DATA and not m._meta.proxy and m._meta.managed
    ]


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every data table."""
    out: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for model in data_tables():
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            out[model._meta.db_table] = (len(rows), digest)
    return out


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(t for t in before if before[t] != after.get(t))


def call(w: World, persona: str, method: str, url: str, body: Any, *, api: bool) -> HttpResponse:
    if method == "get":
        return ask(w, persona, "get", url)  # type: ignore[no-any-return]
    if api and not (isinstance(body, dict) and body.get("__multipart__")):
        data = json.dumps(body if body is not None else {})
        return ask(w, persona, method, url, data=data, content_type="application/json")  # type: ignore[no-any-return]
    form = {k: v for k, v in (body or {}).items() if k != "__multipart__"}
    return ask(w, persona, method, url, data=form)  # type: ignore[no-any-return]


# --- The generated tests ---------------------------------------------------------------


def test_every_route_has_an_entry() -> None:
    """A new URL pattern fails here until the matrix says who may use it."""
    operations = {api_route_of(op.split(" ", 1)[1]) for op in api_operations()}
    missing = [r for r in url_patterns() if matrix.route_entry(r) is None and r not in operations]
    assert not missing, f"URL patterns without an entry in tests/ownership_matrix.py: {missing}"
    stale = sorted(set(matrix.ROUTES) - set(url_patterns()))
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"


def test_every_api_operation_has_an_entry() -> None:
    """A new API operation fails here until the matrix says who may use it."""
    ops = api_operations()
    missing = [o for o in ops if o not in matrix.OPERATIONS]
    assert not missing, f"API operations without an entry in tests/ownership_matrix.py: {missing}"
    stale = sorted(set(matrix.OPERATIONS) - set(ops))
    assert not stale, f"entries for API operations that no longer exist: {stale}"


def test_a_route_without_entry_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above really fails for a new route (the admin rule covers only admin/)."""
    new = "<slug:jc>/staff/neu/<int:pk>/"
    monkeypatch.setattr(
        "tests.test_ownership_matrix.url_patterns", lambda: [*url_patterns_of_conf(), new]
    )
    with pytest.raises(AssertionError, match="neu"):
        test_every_route_has_an_entry()


def url_patterns_of_conf() -> list[str]:
    return list(matrix.ROUTES)


def test_matrix_entries_name_every_persona() -> None:
    for key, entry in [*matrix.ROUTES.items(), *matrix.OPERATIONS.items()]:
        for method, access in entry.methods().items():
            assert set(access) == set(PERSONAS), (key, method, set(PERSONAS) ^ set(access))


def _file_body(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if not k.startswith("__file")}
    if "__file__" in body:
        out[body["__file__"]] = upload(photo(3, megapixels=0.3))
    out["__multipart__"] = True
    return out


def _run(w: World, key: str, entry: matrix.Entry, url: str, *, api: bool) -> None:
    """Ask every persona every method the entry names; compare with the matrix; check
    that every refused write left every table as it was."""
    methods = entry.methods()
    body = matrix.body_of(entry, w.ids)
    problems: list[str] = []
    state = snapshot() if any(m != "get" for m in methods) else None
    refused_writes: list[str] = []
    # Refusals first, then what is allowed (an allowed write may change what follows).
    for allowed_pass in (False, True):
        if allowed_pass and state is not None:
            # One comparison for all refused writes of the entry (a snapshot per request
            # would double the matrix's time); the message names who wrote.
            after = snapshot()
            if after != state:
                problems.append(
                    f"refused writes changed {changed(state, after)}; one of: {refused_writes}"
                )
        for method, access in methods.items():
            for persona in (*PERSONAS, *SSO_PERSONAS):
                # An SSO persona gets what the local persona of its role gets.
                like = SSO_PERSONAS.get(persona, persona)
                expected = access[like]
                # The inert personas' "ok" writes are asked with the refusals.
                refusal = expected != "ok" or like in entry.inert
                if expected == "-" or refusal == allowed_pass:
                    continue
                if allowed_pass and method != "get" and "get" in methods:
                    continue  # allowed writes of pages are their module's tests' business
                send = _file_body(body) if body and body.get("__multipart__") else body
                response = call(w, persona, method, url, send, api=api)
                got = outcome(response)
                if got != expected:
                    problems.append(
                        f"{persona} {method.upper()} {url}: {got} "
                        f"({response.status_code}), matrix says {expected}"
                    )
                if method != "get" and not allowed_pass:
                    refused_writes.append(f"{persona} {method.upper()}")
    if matrix.names_object(key) or matrix.body_names_object(entry):
        problems += _cross_tenant(w, entry, url, body, api=api, by_path=matrix.names_object(key))
    assert not problems, f"{key}:\n" + "\n".join(problems)


def _cross_tenant(
    w: World, entry: matrix.Entry, url: str, body: Any, *, api: bool, by_path: bool
) -> list[str]:
    """Job centre B's customer and staff ask for A's objects through B's own URLs
    (``/wiesbaden/.../<A's id>/``): refused as through A's URLs (404 where they would
    be served their own), and nothing changes."""
    if "/fulda/" not in url:
        return []
    url_b = url.replace("/fulda/", "/wiesbaden/", 1)
    problems = []
    state = snapshot() if any(m != "get" for m in entry.methods()) else None
    for method, access in entry.methods().items():
        if not by_path and method == "get":
            continue  # B's own page; only the write names A's objects
        for persona in ("customer_b", "staff_b"):
            expected = "404" if access[persona] in ("ok", "-") else access[persona]
            send = _file_body(body) if body and body.get("__multipart__") else body
            response = call(w, persona, method, url_b, send, api=api)
            got = outcome(response)
            # Where only the body names A's objects (a customer id, an appointment), a
            # refusal as missing (404) or as invalid input (4xx) will do: never served.
            if not by_path and expected == "404" and 400 <= response.status_code < 500:
                continue
            if got != expected:
                problems.append(
                    f"{persona} {method.upper()} {url_b}: {got}, another job centre's "
                    f"object must be {expected}"
                )
    if state is not None and snapshot() != state:
        problems.append(f"cross-tenant writes to {url_b} changed {changed(state, snapshot())}")
    return problems


@pytest.mark.parametrize("route", url_patterns())
def test_route(w: World, route: str) -> None:
    entry = matrix.route_entry(route)
    if entry is None:
        assert route.startswith("api/v1/"), route  # covered by the operations below
        return
    url = matrix.concrete_url(route, entry, w.ids)
    assert url is not None, f"{route}: a regex route needs Entry(path=...)"
    _run(w, route, entry, url, api=False)


@pytest.mark.parametrize("operation", api_operations())
def test_api_operation(w: World, operation: str) -> None:
    entry = matrix.OPERATIONS[operation]
    path = operation.split(" ", 1)[1]
    _run(w, operation, entry, matrix.concrete_api_url(path, entry, w.ids), api=True)

"""The most visited pages ask their templates for nothing that is missing.

Django's template engine answers a lookup that fails on an object (``request.x`` where
the request has no ``x``) with ``dir(object)`` to tell a broken property from a missing
attribute. ``dir`` of a request lists hundreds of names: on the tenant start page that
one missing attribute (the layout's banner for a representative) was a quarter of the
page's CPU (py-spy under ``bench/http_baseline.py``). The module-level name ``dir`` in
``django.template.base`` is counted here while each page renders."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import pytest
from django.template import base as template_base
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def dir_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def counting_dir(*args: Any) -> list[str]:
        calls.append(type(args[0]).__name__ if args else "")
        return builtins.dir(*args)

    # A module global comes before the builtin in the engine's own name lookup.
    monkeypatch.setattr(template_base, "dir", counting_dir, raising=False)
    return calls


def _get(client: Client, path: str, calls: list[str]) -> list[str]:
    client.get(path)  # first: caches filled, parts rendered
    calls.clear()
    response = client.get(path)
    assert response.status_code == 200, path
    assert b"<html" in response.content or path.endswith("/staff/antraege/?q=Muster")
    return list(calls)


def test_the_public_pages_ask_for_nothing_missing(
    jc_a: Jobcenter, dir_calls: list[str], client: Client
) -> None:
    for path in ("/", f"/{jc_a.slug}/"):
        assert _get(client, path, dir_calls) == [], path
    # allauth's own element templates ask their ``attrs`` dicts for optional keys (a
    # ``dir`` of a dict: microseconds); never anything of the request.
    for path in ("/konto/login/", "/konto/signup/"):
        assert set(_get(client, path, dir_calls)) <= {"dict"}, path


def test_a_customers_pages_ask_for_nothing_missing(
    jc_a: Jobcenter, customer: CustomerProfile, customer_client: Client, dir_calls: list[str]
) -> None:
    for path in (f"/{jc_a.slug}/", f"/{jc_a.slug}/mein-bereich/"):
        assert _get(customer_client, path, dir_calls) == [], path


def test_the_work_queue_and_the_inbox_ask_for_nothing_missing(
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
    dir_calls: list[str],
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    for path in (f"/{jc_a.slug}/staff/", f"/{jc_a.slug}/staff/antraege/?q=Muster"):
        assert _get(client, path, dir_calls) == [], path


def test_the_count_sees_a_missing_lookup(jc_a: Jobcenter, dir_calls: list[str]) -> None:
    """The fixture counts what it claims to: a template asking a request for a missing
    attribute calls ``dir`` once."""
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    Template("{% if request.no_such_thing %}x{% endif %}").render(Context({"request": request}))
    assert dir_calls == ["WSGIRequest"]

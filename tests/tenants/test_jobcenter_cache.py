"""Job centres come from a per-process cache that every node drops on a change (issue 19).

"Another node" is this process with the shared cache's version set as another node's
write sets it: the process's own copies are then the other node's stale ones.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openjobcenter.tenants import jccache, jcwatch
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.services import jobcenter_update
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _jobcenter_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "tenants_jobcenter" in q["sql"]]


def test_second_request_reads_no_job_centre_row(client: Client, jc_a: Jobcenter) -> None:
    assert client.get("/fulda/").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/fulda/")
    assert response.status_code == 200
    assert "Landkreis Fulda" in response.content.decode()
    assert _jobcenter_queries(ctx) == []


def test_a_write_on_another_node_shows_on_the_next_request(client: Client, jc_a: Jobcenter) -> None:
    assert "Landkreis Fulda" in client.get("/fulda/").content.decode()
    # Another node changes the row; this process has not heard of it yet.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tenants_jobcenter SET name = %s WHERE id = %s", ["Kreis Neu-Fulda", jc_a.pk]
        )
    assert "Kreis Neu-Fulda" not in client.get("/fulda/").content.decode()  # the cached copy
    # ... which that node's write announces through the shared cache (and, with Redis, on
    # the channel every process listens to: tests/tenants/test_jobcenter_watch.py):
    cache.set(jccache.VERSION_KEY, "set-by-another-node", timeout=None)
    jcwatch.announce("set-by-another-node")
    assert "Kreis Neu-Fulda" in client.get("/fulda/").content.decode()


def test_branding_changed_through_the_service_shows_at_once(
    client: Client, jc_a: Jobcenter, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user("admin@fulda.example")
    assert "Willkommen im neuen Haus am Markt" not in client.get("/fulda/").content.decode()
    version = cache.get(jccache.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        jobcenter_update(
            request=None,
            actor=admin,
            jobcenter=jc_a,
            data={"intro": "Willkommen im neuen Haus am Markt"},
        )
    # A new version at once and another when the transaction commits (a node that read
    # the row before the commit must not keep it).
    assert callbacks
    assert cache.get(jccache.VERSION_KEY) not in {None, version}
    assert "Willkommen im neuen Haus am Markt" in client.get("/fulda/").content.decode()


def test_deactivating_by_a_bulk_update_shows_at_once(client: Client, jc_a: Jobcenter) -> None:
    client.get("/fulda/")
    Jobcenter.objects.filter(pk=jc_a.pk).update(is_active=False)
    assert client.get("/fulda/").status_code == 404
    Jobcenter.objects.filter(pk=jc_a.pk).update(is_active=True)
    assert client.get("/fulda/").status_code == 200


def test_modules_changed_by_save_show_at_once(client: Client, jc_a: Jobcenter) -> None:
    cached = jccache.cached_by_slug("fulda")
    assert cached is not None
    stored = Jobcenter.objects.get(pk=jc_a.pk)
    stored.enabled_modules = ["calculator", "messaging"]
    stored.save(update_fields=["enabled_modules"])
    fresh = jccache.cached_by_slug("fulda")
    assert fresh is not None
    assert fresh.enabled_modules == ["calculator", "messaging"]


def test_each_request_gets_its_own_instance(client: Client, jc_a: Jobcenter) -> None:
    first = jccache.cached_by_slug("fulda")
    assert first is not None
    first.name = "nur in dieser Anfrage"
    second = jccache.cached_by_slug("fulda")
    assert second is not None
    assert second.name == "Landkreis Fulda"
    assert second.pk == jc_a.pk
    assert not second._state.adding


def test_unknown_slugs_are_not_kept_and_still_404(client: Client, jc_a: Jobcenter) -> None:
    assert client.get("/gibt-es-nicht/").status_code == 404
    assert "gibt-es-nicht" not in jccache._state["slug"]


def test_without_the_shared_cache_the_database_answers(
    client: Client, jc_a: Jobcenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "add", down)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/fulda/").status_code == 200
    assert _jobcenter_queries(ctx)

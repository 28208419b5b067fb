"""The switched-on hand-off backends kept per process (``handoff/configcache.py``): a
fresh copy costs no query, and every kind of write to ``HandoffConfig`` is seen by the
next lookup (the shared job-centre version is set anew)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openjobcenter import handoff
from openjobcenter.applications.models import HandoffConfig
from openjobcenter.tenants import jccache
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db

PUSH = {"url": "http://127.0.0.1:9/antraege", "secret": "ein-geheimnis-1234"}


def _config_reads(queries: CaptureQueriesContext) -> int:
    return sum("handoffconfig" in q["sql"] for q in queries.captured_queries)


def test_a_fresh_copy_reads_nothing_and_callers_cannot_change_it(jc_a: Jobcenter) -> None:
    HandoffConfig.objects.create(jobcenter=jc_a, backend="json_push", config=PUSH)
    first = handoff.enabled_backends(jc_a.pk)
    assert first["json_push"] == PUSH
    first["json_push"]["url"] = "http://elsewhere.example/"
    with CaptureQueriesContext(connection) as queries:
        again = handoff.enabled_backends(jc_a.pk)
    assert _config_reads(queries) == 0
    assert again["json_push"] == PUSH


def test_every_write_is_seen_by_the_next_lookup(jc_a: Jobcenter) -> None:
    assert set(handoff.enabled_backends(jc_a.pk)) == {"inbox"}
    config = HandoffConfig.objects.create(jobcenter=jc_a, backend="json_push", config=PUSH)
    assert set(handoff.enabled_backends(jc_a.pk)) == {"inbox", "json_push"}
    config.config = {**PUSH, "url": "http://127.0.0.1:9/neu"}
    config.save()
    assert handoff.enabled_backends(jc_a.pk)["json_push"]["url"] == "http://127.0.0.1:9/neu"
    HandoffConfig.objects.filter(jobcenter=jc_a).update(enabled=False)
    assert set(handoff.enabled_backends(jc_a.pk)) == {"inbox"}
    HandoffConfig.objects.filter(jobcenter=jc_a).update(enabled=True)
    assert set(handoff.enabled_backends(jc_a.pk)) == {"inbox", "json_push"}
    HandoffConfig.objects.filter(jobcenter=jc_a).delete()
    assert set(handoff.enabled_backends(jc_a.pk)) == {"inbox"}
    HandoffConfig.objects.bulk_create(
        [HandoffConfig(jobcenter=jc_a, backend="json_push", config=PUSH)]
    )
    assert set(handoff.enabled_backends(jc_a.pk)) == {"inbox", "json_push"}
    HandoffConfig.objects.get(jobcenter=jc_a).delete()
    assert set(handoff.enabled_backends(jc_a.pk)) == {"inbox"}


def test_the_version_of_the_callers_job_centre_is_used(jc_a: Jobcenter) -> None:
    """A caller that read its job centre through the per-process cache passes the version
    it was read under; a copy made under another version is read again."""
    handoff.enabled_backends(jc_a.pk, version="alt")
    with CaptureQueriesContext(connection) as queries:
        handoff.enabled_backends(jc_a.pk, version="alt")
    assert _config_reads(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert set(handoff.enabled_backends(jc_a.pk, version=jccache.current_version())) == {
            "inbox"
        }
    assert _config_reads(queries) == 1


def test_without_the_shared_cache_the_database_is_read(
    jc_a: Jobcenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    handoff.enabled_backends(jc_a.pk)
    monkeypatch.setattr(jccache, "current_version", lambda: None)
    with CaptureQueriesContext(connection) as queries:
        handoff.enabled_backends(jc_a.pk)
    assert _config_reads(queries) == 1

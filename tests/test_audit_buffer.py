"""Reads of one's own data are audited through a Redis list written in bulk; reads of
another person's data are audited at once; without Redis every entry is written at once
(core/audit_buffer.py). ``/api/v1/me`` writes its entry along with the statement that
reads, with a token the token's own statement (tests at the end). The buffered own read used here: the postbox consent (API)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import redis
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openjobcenter.accounts.models import ApiToken, Role
from openjobcenter.accounts.services import api_token_create
from openjobcenter.core import audit_buffer, scheduler
from openjobcenter.core.models import AuditEntry
from tests.applications.staff_data import enable_module
from tests.conftest import login_with_mfa
from tests.messaging.faults import RedisServer
from tests.own_redis import use_as_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(own_redis: RedisServer | None, settings: Any) -> None:
    """Redis as the cache: the run's (PostgreSQL pass) or the module's own (SQLite pass)."""
    use_as_cache(own_redis, settings, "auditbuffer")
    assert audit_buffer.uses_buffer()


def _me(customer: Any, times: int = 1) -> None:
    """``times`` reads of the customer's own data that go through the buffer."""
    jobcenter = customer.jobcenter
    if "postbox" not in jobcenter.enabled_modules:
        jobcenter.enabled_modules = [*jobcenter.enabled_modules, "postbox"]
        jobcenter.save()
    _token, key = api_token_create(user=customer.user, name="App")
    client = Client()
    for _ in range(times):
        response = client.get(
            f"/api/v1/postbox/{jobcenter.slug}/consent", HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        assert response.status_code == 200


def _me_entries(customer: Any) -> Any:
    return AuditEntry.objects.filter(object_type="postbox_consent", subject=customer.user)


@pytest.mark.usefixtures("redis_cache")
def test_own_read_arrives_after_the_flush_with_actor_time_and_object(customer: Any) -> None:
    before = timezone.now()
    _me(customer)
    after = timezone.now()
    assert not _me_entries(customer).exists()
    assert audit_buffer.pending() == 1
    # Flushed an hour later: the entry keeps the time of the read.
    with time_machine.travel(after + timedelta(hours=1), tick=False):
        assert audit_buffer.flush() == 1
    entry = _me_entries(customer).get()
    assert entry.actor_id == entry.subject_id == customer.user.pk
    assert entry.actor_label == customer.user.email
    assert (entry.action, entry.object_type) == ("read", "postbox_consent")
    assert before <= entry.at <= after
    assert entry.ip_address == "127.0.0.1"
    assert entry.request_id
    assert audit_buffer.pending() == 0
    assert audit_buffer.flush() == 0


@pytest.mark.usefixtures("redis_cache")
def test_nothing_lost_across_batches_and_one_flush_at_a_time(customer: Any) -> None:
    _me(customer, times=7)
    client = audit_buffer._client()
    lock = audit_buffer._key(audit_buffer.LOCK_KEY)
    client.set(lock, "another-node", ex=60)
    assert audit_buffer.flush(batch=3) == 0  # another flush holds the lock
    assert audit_buffer.pending() == 7
    client.delete(lock)
    assert audit_buffer.flush(batch=3) == 7
    assert _me_entries(customer).count() == 7
    assert audit_buffer.pending() == 0


@pytest.mark.usefixtures("redis_cache")
def test_failed_flush_keeps_the_entries(customer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _me(customer, times=2)

    def refused(entries: list[AuditEntry]) -> None:
        msg = "database refused the write"
        raise RuntimeError(msg)

    monkeypatch.setattr(audit_buffer, "_insert", refused)
    audit_buffer.flush_quietly()  # logs, does not raise: the scheduler goes on
    assert audit_buffer.pending() == 2
    assert not _me_entries(customer).exists()
    monkeypatch.undo()
    assert audit_buffer.flush() == 2
    assert _me_entries(customer).count() == 2


@pytest.mark.usefixtures("redis_cache")
def test_entry_of_a_deleted_account_keeps_its_labels(customer: Any) -> None:
    _me(customer)
    email = customer.user.email
    customer.user.delete()
    assert audit_buffer.flush() == 1
    entry = AuditEntry.objects.get(object_type="postbox_consent", actor_label=email)
    assert (entry.actor_id, entry.subject_id, entry.subject_label) == (None, None, email)


def test_redis_outage_writes_synchronously(customer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The buffer's Redis unreachable (nothing listens on port 1); the page's other uses of
    # the cache are not what this is about.
    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    monkeypatch.setattr(audit_buffer, "uses_buffer", lambda: True)
    monkeypatch.setattr(audit_buffer, "_client", lambda: dead)
    _me(customer)
    entry = _me_entries(customer).get()
    assert entry.actor_id == customer.user.pk


def test_without_redis_own_reads_are_written_at_once(customer: Any, settings: Any) -> None:
    # The embedded default: the database cache (here the local-memory one), no Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not audit_buffer.uses_buffer()
    _me(customer)
    assert _me_entries(customer).count() == 1
    assert audit_buffer.flush() == 0


def test_reads_of_another_persons_data_are_audited_at_once(
    jc_a: Any, customer: Any, staff_a: Any
) -> None:
    enable_module(jc_a)
    client = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    pending = audit_buffer.pending()
    response = client.get("/api/v1/applications/staff/fulda/")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        object_type="application_list", actor=staff_a[Role.CASEWORKER]
    ).exists()
    assert audit_buffer.pending() == pending


def test_scheduler_flushes_the_buffer() -> None:
    names = {job.name: job for job in scheduler.registered()}
    assert names["core.audit_own_reads"].enqueue is audit_buffer.flush_quietly
    assert names["core.audit_own_reads"].interval_s <= 10


def _api_me(customer: Any) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["email"] == customer.user.email


def test_me_is_audited_by_the_statement_that_reads_it(customer: Any) -> None:
    token, key = api_token_create(user=customer.user, name="App")
    # Used within the minute: no "last used" write, the call is the read alone.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    pending = audit_buffer.pending()
    before = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["customer"]["customer_number"] == customer.customer_number
    # Written at once (no flush), not through the buffer, with who, when and from where.
    entry = AuditEntry.objects.get(object_type="me", subject=customer.user)
    assert (entry.action, entry.actor_id) == ("read", customer.user.pk)
    assert entry.actor_label == entry.subject_label == customer.user.email
    assert entry.acting_for_id is None and entry.jobcenter_id is None
    assert before <= entry.at <= timezone.now()
    assert entry.ip_address == "127.0.0.1"
    assert entry.request_id == response["X-Request-ID"]
    assert audit_buffer.pending() == pending
    statements = [q["sql"] for q in ctx.captured_queries]
    inserts = [sql for sql in statements if "core_auditentry" in sql]
    assert len(inserts) == 1
    if connection.vendor == "postgresql":
        # One statement finds the token's person, reads their data and writes the entry:
        # the whole call is one round trip.
        assert statements == inserts
        assert "accounts_apitoken" in inserts[0] and "tenants_jobcenter" in inserts[0]
    else:  # the token's look-up, then the read with its entry written just before
        assert len(statements) == 3


def test_me_through_the_session_is_audited_and_answers_as_with_the_token(
    customer: Any, jc_b: Any
) -> None:
    from openjobcenter.accounts.models import StaffMembership

    StaffMembership.objects.create(user=customer.user, jobcenter=jc_b, role=Role.CASEWORKER)
    _token, key = api_token_create(user=customer.user, name="App")
    by_token = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    browser = Client()
    browser.force_login(customer.user)
    by_session = browser.get("/api/v1/me")
    assert by_token.status_code == by_session.status_code == 200
    assert by_token.json() == by_session.json()
    assert by_token.json()["staff_roles"] == {jc_b.slug: [Role.CASEWORKER]}
    entries = AuditEntry.objects.filter(object_type="me", subject=customer.user)
    assert sorted(e.request_id for e in entries) == sorted(
        [by_token["X-Request-ID"], by_session["X-Request-ID"]]
    )
    assert {(e.actor_id, e.actor_label) for e in entries} == {
        (customer.user.pk, customer.user.email)
    }


def test_me_refused_for_a_deactivated_person_writes_no_entry(customer: Any) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    type(customer.user).objects.filter(pk=customer.user.pk).update(is_active=False)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert not AuditEntry.objects.filter(object_type="me").exists()


def test_me_refused_for_a_revoked_token_writes_no_entry(customer: Any) -> None:
    from openjobcenter.accounts.services import api_token_revoke

    token, key = api_token_create(user=customer.user, name="App")
    assert api_token_revoke(user=customer.user, token_id=token.pk)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert not AuditEntry.objects.filter(object_type="me").exists()


def test_me_refused_without_a_token_writes_no_entry(customer: Any) -> None:
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ojc_not-a-token")
    assert response.status_code == 401
    assert not AuditEntry.objects.filter(object_type="me").exists()

"""/metrics reports this process's database connection pool (core.metrics.PoolCollector):
in use and idle, waiting now, and since the start the connections taken, those that had to
wait and how long they waited. Needs the pool, so PostgreSQL."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from tests.test_metrics import TOKEN, scrape, value

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


@pytest.fixture(autouse=True)
def _metrics_token(settings: Any) -> None:
    settings.METRICS = {"token": TOKEN, "allowed_networks": ()}


def test_a_request_that_waited_for_a_connection_shows_in_the_pool_metrics(
    client: Client,
) -> None:
    pool: Any = getattr(connection, "pool", None)
    assert pool is not None
    _, before = scrape(client)
    assert value(before, "ojc_db_pool_max_connections", alias="default") == pool.max_size
    taken_before = value(before, "ojc_db_pool_requests_total", alias="default")
    waited_before = value(before, "ojc_db_pool_waited_requests_total", alias="default")
    wait_before = value(before, "ojc_db_pool_wait_seconds_total", alias="default")
    connections.close_all()  # this thread's connection back to the pool too

    # Every free connection of the pool held by a thread of its own; one more thread asks.
    # Connections that other threads of this test process still hold (a server thread of
    # an earlier test, say) count as taken: only the rest is free to hold here.
    stats = pool.get_stats()
    held_elsewhere = stats.get("pool_size", 0) - stats.get("pool_available", 0)
    free = pool.max_size - held_elsewhere
    assert free >= 1, f"every pooled connection of this process is held elsewhere: {stats}"
    hold = threading.Event()
    holding = threading.Barrier(free + 1)
    failures: list[BaseException] = []
    waited: list[float] = []

    def holder() -> None:
        try:
            try:
                connection.ensure_connection()
            except Exception as exc:  # the pool's timeout: say so instead of a broken barrier
                failures.append(exc)
                holding.abort()
                raise
            holding.wait(timeout=30)
            hold.wait(timeout=30)
        finally:
            connections.close_all()

    def latecomer() -> None:
        started = time.perf_counter()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            waited.append(time.perf_counter() - started)
        finally:
            connections.close_all()

    holders = [threading.Thread(target=holder) for _ in range(free)]
    for t in holders:
        t.start()
    try:
        holding.wait(timeout=30)
    except threading.BrokenBarrierError:
        hold.set()
        pytest.fail(f"the holders did not get their connections: {failures!r} {pool.get_stats()}")
    _, full = scrape_without_a_connection()
    late = threading.Thread(target=latecomer)
    late.start()
    time.sleep(0.4)
    hold.set()
    for t in [*holders, late]:
        t.join(30)
    assert waited and waited[0] >= 0.3

    _, after = scrape(client)
    assert value(after, "ojc_db_pool_requests_total", alias="default") >= taken_before + free + 1
    assert value(after, "ojc_db_pool_waited_requests_total", alias="default") >= waited_before + 1
    assert value(after, "ojc_db_pool_wait_seconds_total", alias="default") >= wait_before + 0.3
    assert value(after, "ojc_db_pool_timeouts_total", alias="default") == value(
        before, "ojc_db_pool_timeouts_total", alias="default"
    )
    assert full["in_use"] == pool.max_size


def scrape_without_a_connection() -> tuple[None, dict[str, float]]:
    """The pool gauges while every connection is taken (a scrape through the client would
    wait for one too): the collector itself, read directly."""
    from openjobcenter.core.metrics import PoolCollector

    found: dict[str, float] = {}
    for family in PoolCollector().collect():
        for sample in family.samples:
            if sample.name == "ojc_db_pool_connections" and sample.labels["alias"] == "default":
                found[sample.labels["state"]] = sample.value
    return None, found

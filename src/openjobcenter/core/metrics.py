"""Prometheus metrics (issue 20; docs/monitoring.md lists every series).

Two kinds:

* **Counted in the process** (requests, database queries, cache, sockets, pipeline steps,
  hand-off tries, login failures): ``prometheus_client`` objects defined here and bumped
  where things happen. When ``PROMETHEUS_MULTIPROC_DIR`` names a directory (``serve.py``
  sets one for its web server, worker and scheduler), every process of a node writes its
  values there and ``/metrics`` on that node adds them all up, so the worker's pipeline
  counters and the scheduler's leadership are seen through the web process. Without the
  variable, each process keeps its own (tests, a single process).
* **Read from the database at scrape time** (task queue depth and age, outbox and hand-off
  backlog, scheduler's last runs): ``DatabaseCollector`` runs a few grouped queries
  on indexed columns when Prometheus asks; every node reports the same values, so
  dashboards take ``max`` over nodes.

Labels carry only bounded values the code defines: a route pattern (never the path with
its ids), an HTTP method and status, a task path, a step name, a backend or topic name,
and at most a job centre's slug. Never a user, an id, an e-mail or a file name.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
if MULTIPROCESS:
    from prometheus_client import multiprocess as _multiprocess

    # A process that ends removes its live gauges (open sockets, leadership); counters
    # stay, as Prometheus expects of them. A killed process leaves its files: start each
    # node with an empty directory (serve.py does).
    atexit.register(_multiprocess.mark_process_dead, os.getpid())

# --- HTTP --------------------------------------------------------------------------------
HTTP_REQUESTS = Counter(
    "ojc_http_requests",
    "HTTP requests answered, by route pattern, method and status.",
    ("route", "method", "status"),
)
HTTP_DURATION = Histogram(
    "ojc_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by route pattern.",
    ("route", "method"),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
HTTP_BY_JOBCENTER = Counter(
    "ojc_http_jobcenter_requests",
    "HTTP requests of a job centre's pages (resolved slug only), by status class.",
    ("jobcenter", "status_class"),
)
DB_QUERIES = Counter(
    "ojc_db_queries", "Database queries run while answering requests, by route.", ("route",)
)
DB_QUERY_SECONDS = Counter(
    "ojc_db_query_seconds", "Time spent in database queries of requests, by route.", ("route",)
)

# --- Cache -------------------------------------------------------------------------------
CACHE_GETS = Counter("ojc_cache_gets", "Cache look-ups, by result (hit or miss).", ("result",))

# --- WebSockets --------------------------------------------------------------------------
WEBSOCKETS_OPEN = Gauge(
    "ojc_websocket_connections",
    "WebSocket connections open now, by kind (chat, video).",
    ("kind",),
    multiprocess_mode="livesum",
)

# --- Background work ---------------------------------------------------------------------
PIPELINE_STEPS = Counter(
    "ojc_document_pipeline_steps",
    "Document pipeline steps run, by step and result (ok, refused, error).",
    ("step", "result"),
)
HANDOFF_ATTEMPTS = Counter(
    "ojc_handoff_attempts",
    "Hand-off tries, by backend and outcome (delivered, retrying, failed).",
    ("backend", "result"),
)
HANDOFF_LAG = Histogram(
    "ojc_handoff_lag_seconds",
    "Time from an application's submission to its successful hand-off, by backend.",
    ("backend",),
    buckets=(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600),
)
SCHEDULER_LEADER = Gauge(
    "ojc_scheduler_leader",
    "1 while this process is the active scheduler (holds the scheduler lock).",
    multiprocess_mode="livesum",
)

# --- Accounts ----------------------------------------------------------------------------
LOGIN_FAILURES = Counter("ojc_login_failures", "Failed log-ins (wrong password or unknown e-mail).")


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def pipeline_step(step: str, result: str) -> None:
    PIPELINE_STEPS.labels(step=step, result=result).inc()


# --- The Python process ------------------------------------------------------------------
GC_PAUSE = Histogram(
    "ojc_gc_pause_seconds",
    "Pauses of Python's cyclic garbage collector, by generation (2: a full collection, "
    "which walks every object the process holds; thousands of open sockets make it long).",
    ("generation",),
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
_GC_PAUSE_BY_GENERATION = [GC_PAUSE.labels(str(g)) for g in range(3)]
_gc_started = [0.0]


def _time_gc(phase: str, info: dict[str, int]) -> None:
    # The collector is not re-entered and runs in one thread at a time (it holds the GIL).
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    elif _gc_started[0]:
        _GC_PAUSE_BY_GENERATION[min(int(info.get("generation", 2)), 2)].observe(
            time.perf_counter() - _gc_started[0]
        )
        _gc_started[0] = 0.0


def time_garbage_collection() -> None:
    """Count the collector's pauses in ``ojc_gc_pause_seconds`` (once per process)."""
    if _time_gc not in gc.callbacks:
        gc.callbacks.append(_time_gc)


# --- Scrape time ---------------------------------------------------------------------------


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0


class DatabaseCollector(Collector):
    """Backlogs read from the database when Prometheus scrapes (cheap grouped queries)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from self._collect()
        except Exception:  # a scrape must still return the process metrics
            log.warning("metrics: database backlog could not be read", exc_info=True)
            up = GaugeMetricFamily("ojc_metrics_database_up", "1 if the backlog query worked.")
            up.add_metric([], 0)
            yield up

    def _collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count, Max, Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from openjobcenter.applications.models import DeliveryStatus, HandoffDelivery
        from openjobcenter.core.models import OutboxItem, ScheduledRun

        now = timezone.now()
        depth = GaugeMetricFamily(
            "ojc_task_queue_depth", "Tasks ready to run and not yet claimed.", labels=["task"]
        )
        age = GaugeMetricFamily(
            "ojc_task_queue_oldest_age_seconds",
            "Age of the oldest task ready to run, by task.",
            labels=["task"],
        )
        rows: Any = (
            DBTaskResult.objects.ready()
            .order_by()
            .values("task_path")
            .annotate(n=Count("id"), oldest=Min("enqueued_at"))
        )
        for row in rows:
            depth.add_metric([row["task_path"]], row["n"])
            age.add_metric([row["task_path"]], _age(now, row["oldest"]))
        yield depth
        yield age

        pending = GaugeMetricFamily(
            "ojc_outbox_pending", "Outbox items not yet delivered, by topic.", labels=["topic"]
        )
        lag = GaugeMetricFamily(
            "ojc_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered outbox item (hand-off lag), by topic.",
            labels=["topic"],
        )
        failed = GaugeMetricFamily(
            "ojc_outbox_failed", "Outbox items that gave up after every try.", labels=["topic"]
        )
        for row in (
            OutboxItem.objects.filter(delivered_at=None, failed_at=None)
            .order_by()
            .values("topic")
            .annotate(n=Count("id"), oldest=Min("created_at"))
        ):
            pending.add_metric([row["topic"]], row["n"])
            lag.add_metric([row["topic"]], _age(now, row["oldest"]))
        for row in (
            OutboxItem.objects.exclude(failed_at=None)
            .order_by()
            .values("topic")
            .annotate(n=Count("id"))
        ):
            failed.add_metric([row["topic"]], row["n"])
        yield pending
        yield lag
        yield failed

        deliveries = GaugeMetricFamily(
            "ojc_handoff_deliveries",
            "Hand-offs not delivered, by backend and status (pending, retrying, failed).",
            labels=["backend", "status"],
        )
        for row in (
            HandoffDelivery.objects.filter(
                status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.FAILED]
            )
            .order_by()
            .values("backend", "status")
            .annotate(n=Count("id"))
        ):
            deliveries.add_metric([row["backend"], row["status"]], row["n"])
        yield deliveries

        last_run = GaugeMetricFamily(
            "ojc_scheduler_last_run_age_seconds",
            "Seconds since the scheduler last started each periodic job.",
            labels=["job"],
        )
        for row in ScheduledRun.objects.order_by().values("job").annotate(last=Max("ran_at")):
            last_run.add_metric([row["job"]], _age(now, row["last"]))
        yield last_run
        up = GaugeMetricFamily("ojc_metrics_database_up", "1 if the backlog query worked.")
        up.add_metric([], 1)
        yield up


class PoolCollector(Collector):
    """This process's database connection pools (psycopg's pool, PostgreSQL only), read when
    Prometheus scrapes: connections in use and idle, requests waiting now, and since the
    start how many requests took a connection, how many of them had to wait for one,
    how long they waited in all, and how many gave up (``DATABASE_POOL_TIMEOUT``, a 503).
    A pool that is always full shows as waits here long before it shows as 503s (issue
    20: the scale bench reads these per node). Reported by the process that answers
    ``/metrics``: the web process of its node."""

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        from django.db import connections

        stats = {}
        for alias in connections:
            if not connections.settings[alias].get("OPTIONS", {}).get("pool"):
                continue
            pool = getattr(connections[alias], "pool", None)
            if pool is not None:
                stats[alias] = pool.get_stats()
        if not stats:
            return
        in_use = GaugeMetricFamily(
            "ojc_db_pool_connections",
            "Pooled database connections of this process, by state (in_use, idle).",
            labels=("alias", "state"),
        )
        size = GaugeMetricFamily(
            "ojc_db_pool_max_connections", "DATABASE_POOL_SIZE.", labels=("alias",)
        )
        waiting = GaugeMetricFamily(
            "ojc_db_pool_waiting", "Requests waiting for a connection now.", labels=("alias",)
        )
        taken = CounterMetricFamily(
            "ojc_db_pool_requests", "Connections taken from the pool.", labels=("alias",)
        )
        queued = CounterMetricFamily(
            "ojc_db_pool_waited_requests",
            "Connections taken only after waiting for one.",
            labels=("alias",),
        )
        wait = CounterMetricFamily(
            "ojc_db_pool_wait_seconds", "Time spent waiting for a connection.", labels=("alias",)
        )
        timeouts = CounterMetricFamily(
            "ojc_db_pool_timeouts",
            "Requests that gave up waiting (DATABASE_POOL_TIMEOUT).",
            labels=("alias",),
        )
        for alias, s in stats.items():
            available = s.get("pool_available", 0)
            in_use.add_metric([alias, "in_use"], s.get("pool_size", 0) - available)
            in_use.add_metric([alias, "idle"], available)
            size.add_metric([alias], s.get("pool_max", 0))
            waiting.add_metric([alias], s.get("requests_waiting", 0))
            taken.add_metric([alias], s.get("requests_num", 0))
            queued.add_metric([alias], s.get("requests_queued", 0))
            wait.add_metric([alias], s.get("requests_wait_ms", 0) / 1000)
            timeouts.add_metric([alias], s.get("requests_errors", 0))
        yield from (in_use, size, waiting, taken, queued, wait, timeouts)


class CountedSocketMixin:
    """Counts a consumer's socket in ``ojc_websocket_connections`` from its accept to its
    disconnect. Put it before ``AsyncWebsocketConsumer`` and name the ``socket_kind``."""

    socket_kind = "other"
    _socket_counted = False

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        await super().accept(subprotocol, headers)  # type: ignore[misc]
        if not self._socket_counted:
            self._socket_counted = True
            WEBSOCKETS_OPEN.labels(self.socket_kind).inc()

    async def websocket_disconnect(self, message: Any) -> None:
        if self._socket_counted:
            self._socket_counted = False
            WEBSOCKETS_OPEN.labels(self.socket_kind).dec()
        await super().websocket_disconnect(message)  # type: ignore[misc]

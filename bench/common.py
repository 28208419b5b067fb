"""What the benchmarks share: the throw-away PostgreSQL database and latency figures.

The benchmarks run as scripts (``python bench/<name>.py``), so each puts the repository
root on ``sys.path`` before importing this module.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def database_url(admin_url: str, name: str) -> str:
    """``admin_url`` with the database ``name`` instead of its own."""
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


# A database already migrated to this tree's schema (``bench/smoke.py`` makes one per run):
# with this variable set, a benchmark's fresh database is a copy of it, so its own
# ``migrate`` finds nothing to do (about 22 s of CPU saved per script).
TEMPLATE_DATABASE_ENV = "BENCH_TEMPLATE_DATABASE"


def recreate_database(admin_url: str, name: str, *, create: bool) -> None:
    """Drop the database ``name`` (even while connected) and, with ``create``, make it anew
    (a copy of ``$BENCH_TEMPLATE_DATABASE`` when that is set)."""
    import psycopg
    from psycopg import sql

    template = os.environ.get(TEMPLATE_DATABASE_ENV, "")
    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create and template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        elif create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.4999999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summary(name: str, samples_ms: list[float], **extra: Any) -> dict[str, Any]:
    """p50, p95, max and mean of ``samples_ms`` (rounded to 0.01 ms), then ``extra``."""
    ordered = sorted(samples_ms)
    return {
        "name": name,
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 2),
        "p95_ms": round(percentile(ordered, 95), 2),
        "max_ms": round(ordered[-1], 2) if ordered else 0.0,
        "mean_ms": round(statistics.fmean(ordered), 2) if ordered else 0.0,
        **extra,
    }


def python_speed_ms() -> float:
    """How fast this machine runs plain Python right now: the best of three runs of a
    fixed loop, in ms. Figures from different machines or days compare only together
    with this one: machines of the same kind differ by a factor of two or more."""
    import time

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i * i
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


# --- smoke mode and connection budget ------------------------------------------------------

SMOKE_HELP = (
    "seconds, tiny data: run the real code path once over and exit 1 when anything is "
    "broken (an exception, a server error, no successful operation); figures meaningless"
)


def pool_env(*, size: int = 2, minimum: int = 0) -> dict[str, str]:
    """The environment for a small psycopg pool, to merge into ``os.environ`` (or a
    server's environment) before Django is set up.

    The settings' default keeps 18 connections open per process (``DATABASE_POOL_MIN``);
    a benchmark that forks 20 clients, or starts two servers beside the tests, would hold
    more than PostgreSQL's default ``max_connections`` of 100. Forked clients use one
    connection each: ``size=2, minimum=0`` opens it on first use and never more than two.
    """
    return {"DATABASE_POOL_MIN": str(minimum), "DATABASE_POOL_SIZE": str(size)}


def smoke_db_name(name: str) -> str:
    """The database a smoke run uses instead of ``name``: its own per process, so a smoke
    run beside a full benchmark (or another smoke run, e.g. in CI) drops nothing of theirs."""
    import os

    return f"{name}_smoke_{os.getpid()}"


class SmokeFailure(SystemExit):
    """A smoke run found the benchmark broken: exit status 1 with the reason."""


def smoke_require(condition: object, what: str) -> None:
    """In a smoke run, stop with exit status 1 unless ``condition`` holds."""
    if not condition:
        print(f"SMOKE FAIL: {what}", flush=True)
        raise SmokeFailure(1)


def setup_bench_django(
    database: str,
    base_dir: Path,
    *,
    name: str,
    redis_url: str | None = None,
    pool: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
    migrate: bool = True,
) -> None:
    """Django in this benchmark process: the development settings without DEBUG, warnings
    only, tasks queued (not run at once), ``database`` with a small pool (``pool_env``), and
    with ``redis_url`` the cache and channel layer in Redis under a prefix of this
    process's own (``bench<name><pid>``); then, unless ``migrate`` is off, the schema and
    the cache table. ``extra`` adds or overrides variables."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
            "DATABASE_URL": database,
            "OJC_BASE_DIR": str(base_dir),
            "OJC_ENV": "development",
            "DEBUG": "0",
            "LOG_LEVEL": "warning",
            "TASKS_IMMEDIATE": "0",
            **(pool if pool is not None else pool_env(size=4, minimum=1)),
            **(extra or {}),
        }
    )
    os.environ.pop("REDIS_URL", None)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        os.environ["CACHE_KEY_PREFIX"] = f"bench{name}{os.getpid()}"
        os.environ["CHANNEL_LAYER_PREFIX"] = f"bench{name}{os.getpid()}"
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)


def clear_run_cache_keys(run_prefix: str) -> None:
    """Remove this run's keys from Redis: the benchmark set a random ``KEY_PREFIX``
    starting with ``run_prefix`` (nothing happens under any other prefix, so a shared
    Redis keeps everyone else's keys)."""
    from django.conf import settings

    from openjobcenter.core.cache import redis_client

    prefix = str(settings.CACHES["default"].get("KEY_PREFIX", ""))
    if not prefix.startswith(run_prefix):
        return
    client = redis_client()
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def add_database_args(parser: argparse.ArgumentParser, *, db_name: str) -> None:
    """The options every database benchmark takes: where it runs (PostgreSQL + Redis, or
    SQLite with ``--sqlite``), where it writes its figures, and its smoke mode."""
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--pg-admin-url", default=ADMIN_URL)
    parser.add_argument("--db-name", default=db_name)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="the cache with PostgreSQL (keys under a random prefix, removed after)",
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)


def check_database_args(
    parser: argparse.ArgumentParser, args: argparse.Namespace, *, db_name: str
) -> None:
    """A smoke run gets a database of its own; the database must say ``bench`` in its name
    (it is dropped at the end)."""
    if args.smoke and args.db_name == db_name:
        args.db_name = smoke_db_name(db_name)
    if "bench" not in args.db_name:
        parser.error("--db-name must contain 'bench' (the database is dropped)")


@contextmanager
def bench_database(args: argparse.Namespace, *, name: str) -> Iterator[tuple[str, Path]]:
    """A scratch folder and a fresh database (``args`` from ``add_database_args``): yields
    the database URL and the folder; afterwards this run's Redis keys are removed, the
    connections closed and the PostgreSQL database dropped, also when the run failed."""
    with tempfile.TemporaryDirectory(prefix=f"ojc-bench-{name}-") as tmp:
        base = Path(tmp)
        if args.sqlite:
            database = f"sqlite:///{base / 'bench.sqlite3'}"
        else:
            recreate_database(args.pg_admin_url, args.db_name, create=True)
            database = database_url(args.pg_admin_url, args.db_name)
        try:
            yield database, base
        finally:
            from django.db import connections

            if not args.sqlite:
                from django.core.exceptions import ImproperlyConfigured

                # Django never set up, or its cache not Redis: nothing of this run's to clear.
                with suppress(ImproperlyConfigured, TypeError):
                    clear_run_cache_keys(f"bench{name}")
            connections.close_all()
            if not args.sqlite:
                recreate_database(args.pg_admin_url, args.db_name, create=False)


# --- Interleaved request timing (A/B/A/B in one process) ---------------------------------


@dataclass
class Timing:
    """One case's samples: wall time, this thread's CPU time, SQL queries per request and,
    where the case's function returns it, the response's size in bytes."""

    name: str
    samples_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0
    size: int | None = None

    def summary(self) -> dict[str, Any]:
        extra: dict[str, Any] = {} if self.size is None else {"bytes": self.size}
        return summary(
            self.name,
            self.samples_ms,
            cpu_p50_ms=round(percentile(sorted(self.cpu_ms), 50), 3),
            cpu_p95_ms=round(percentile(sorted(self.cpu_ms), 95), 3),
            queries=self.queries,
            **extra,
        )


def time_interleaved(
    cases: Sequence[tuple[Timing, Callable[[], object]]], iterations: int, *, warmup: int = 10
) -> list[dict[str, Any]]:
    """Warm each case up (connections, templates, translations, caches), count its
    queries once, then time all cases interleaved and rotated (A/B, B/A, … so drift and
    load hit every case alike); the figures with their ratio to the first case (the
    baseline). A case whose function returns an ``int`` has it kept as its size."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for timing, fn in cases:
        answer: object = None
        for _ in range(warmup):
            answer = fn()
        if isinstance(answer, int):
            timing.size = answer
        with CaptureQueriesContext(connection) as ctx:
            fn()
        timing.queries = len(ctx.captured_queries)
    for iteration in range(iterations):
        shift = iteration % len(cases)
        for timing, fn in [*cases[shift:], *cases[:shift]]:
            started, cpu = time.perf_counter(), time.thread_time()
            fn()
            timing.samples_ms.append((time.perf_counter() - started) * 1000)
            timing.cpu_ms.append((time.thread_time() - cpu) * 1000)
    results = [t.summary() for t, _ in cases]
    base = results[0]
    for result in results:
        for figure in ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms"):
            ratio = result[figure] / (base[figure] or 1e-9)
            result[f"{figure.removesuffix('_ms')}_x_base"] = round(ratio, 2)
        result["queries_x_base"] = round(result["queries"] / (base["queries"] or 1), 2)
    return results


def print_results(
    results: list[dict[str, Any]], *, width: int = 38, ratios: bool = True, sql: bool = False
) -> None:
    """The table every interleaved benchmark prints: latency, CPU, queries and, with
    ``ratios``, each as a multiple of the baseline (with ``sql`` the queries' too)."""
    head = (
        f"{'case':{width}} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} {'cpu p95':>7} {'queries':>7}"
    )
    if ratios:
        head += f" | {'x base: p50':>11} {'p95':>5} {'cpu50':>5} {'cpu95':>5}"
        head += f" {'sql':>5}" if sql else ""
    print(head)
    for r in results:
        line = (
            f"{r['name']:{width}} {r['p50_ms']:7.2f} {r['p95_ms']:7.2f} {r['cpu_p50_ms']:7.2f} "
            f"{r['cpu_p95_ms']:7.2f} {r['queries']:7d}"
        )
        if ratios:
            line += (
                f" | {r['p50_x_base']:11.2f} {r['p95_x_base']:5.2f} "
                f"{r['cpu_p50_x_base']:5.2f} {r['cpu_p95_x_base']:5.2f}"
            )
            line += f" {r['queries_x_base']:5.2f}" if sql else ""
        print(line)


# --- The command line and the run's description (the database benchmarks' main) ----------


def parse_database_args(
    argv: list[str] | None,
    *,
    doc: str | None,
    db_name: str,
    iterations: int,
    smoke_iterations: int,
    options: Callable[[argparse.ArgumentParser], object] | None = None,
    smoke: dict[str, Any] | None = None,
) -> argparse.Namespace:
    """The command line of a database benchmark: ``--iterations`` (``iterations``, in a
    smoke run ``smoke_iterations``), the benchmark's own ``options``, then the database
    options (``add_database_args``). ``smoke`` sets further values in a smoke run
    (e.g. ``{"notices": 12}``). The description is the first line of ``doc``."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=iterations)
    if options is not None:
        options(parser)
    add_database_args(parser, db_name=db_name)
    args = parser.parse_args(argv)
    if args.smoke:
        args.iterations = smoke_iterations
        for name, value in (smoke or {}).items():
            setattr(args, name, value)
    check_database_args(parser, args, db_name=db_name)
    return args


def load_average() -> float | None:
    """The machine's load over the last minute (rounded), where the system tells it."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def start_run() -> float | None:
    """Before the run: the repository and ``src`` importable, and the load average then."""
    import sys

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "src"))
    sys.path.insert(0, str(root))
    return load_average()


def describe_run(
    args: argparse.Namespace, load_before: float | None, **extra: Any
) -> dict[str, Any]:
    """What a run's figures depend on, printed (one JSON line) and returned: the database,
    the load before and after, this machine's Python speed, then ``extra``."""
    describe = {
        "database": "SQLite, database cache"
        if args.sqlite
        else f"PostgreSQL ({args.db_name} on 127.0.0.1), Redis cache",
        "load_average": load_before,
        "load_average_after": load_average(),
        "python_speed_ms": python_speed_ms(),
        **extra,
    }
    print(json.dumps(describe))
    return describe


def smoke_require_samples(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    """In a smoke run, every case has all its samples (a failed request raised before)."""
    if args.smoke:
        smoke_require(all(r["n"] == args.iterations for r in results), "a case has no samples")


def finish_run(
    args: argparse.Namespace,
    describe: dict[str, Any],
    results: list[dict[str, Any]],
    *,
    ok: bool = True,
    key: str = "describe",
) -> int:
    """Write the figures to ``--json`` (if given); the exit status: 1 when a target was
    missed under ``--check``."""
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({key: describe, "results": results}, indent=2))
    return 0 if ok or not args.check else 1

"""HTTP baseline of the platform foundation: how much more real pages cost than a bare view.

Starts the real server (uvicorn, ``bench/bench_asgi.py``: the platform's own ASGI
application plus one route) as a subprocess on a free port of 127.0.0.1, against a fresh
PostgreSQL database and Redis (the production set-up, ``OJC_ENV=production`` with
throw-away secrets) or, with ``--sqlite``, against the embedded SQLite default. Two
baselines answer a constant "ok": ``/bench/raw`` through Django without any middleware
(the truly bare view) and ``/bench/bare`` through the full middleware stack
(``bench/bench_settings.py``). Against them the landing page, a tenant start page and
``/api/v1/me`` (with a bearer API token) are measured by a closed-loop load generator in
this process (asyncio, raw HTTP/1.1 keep-alive, one connection per client).

Endpoints are measured interleaved: ``--rounds`` rounds, each giving every endpoint a
slice of ``--duration / --rounds`` seconds (the order rotates every round), so a change in
the machine's load hits baseline and target alike. The server's CPU time (``/proc``, the
process and its children) is read before and after every slice: "% bare" is the bare
view's CPU per request as a share of the endpoint's, which stays honest when the server
is starved (requests/s would flatter everything then).

Target (issue 19): every tenant page and ``/api/v1/me`` at >= 50 % of the full-stack bare
view by server CPU per request, p95 below 50 ms at 20 clients.

Connection budget: the server's pool holds at most 8 PostgreSQL connections per worker
process (``--workers`` at most 5), well inside PostgreSQL's default 100 with other work
running.

    .venv/bin/python bench/http_baseline.py                 # PostgreSQL + Redis
    .venv/bin/python bench/http_baseline.py --sqlite        # embedded default
    .venv/bin/python bench/http_baseline.py --smoke         # seconds; CI: fails if broken
    .venv/bin/python bench/http_baseline.py --duration 5 --json var/bench.json

The load generator runs on the same machine and shares its CPU with the server; see
bench/README.md for what the figures mean and how to profile.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if __package__ in {None, ""}:  # run as ``python bench/http_baseline.py``: ``bench`` importable
    sys.path.insert(0, str(REPO_ROOT))

from bench.common import database_url, recreate_database  # noqa: E402

HOST = "127.0.0.1"
CUSTOMER_EMAIL = "kunde@example.org"
TARGET_SHARE_PCT = 50.0
TARGET_P95_MS = 50.0
REQUEST_TIMEOUT_S = 30.0
# Connection budget: each server process holds at most POOL_SIZE PostgreSQL connections, so
# the bench stays far below PostgreSQL's default max_connections (100) with other work
# (CI, other benchmarks) running on the same server.
POOL_SIZE = 8
MAX_WORKERS = 5
# Environment variables the settings read that must not leak from the caller's shell.
_CONTROLLED_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "MEDIA_ROOT",
    "TASKS_IMMEDIATE",
    "LOG_FORMAT",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "DOCUMENTS_MASTER_KEY",
    "DATABASE_POOL_SIZE",
    "DATABASE_POOL_MIN",
    "MESSAGING_DB_THREADS",
)


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    accept: str = "text/html,application/xhtml+xml"
    token: bool = False
    expect: bytes = b""
    target: bool = True


ENDPOINTS = (
    Endpoint(
        "raw", "truly bare view", "/bench/raw", accept="text/plain", expect=b"ok", target=False
    ),
    Endpoint("bare", "bare view", "/bench/bare", accept="text/plain", expect=b"ok", target=False),
    Endpoint("landing", "landing page", "/", expect=b"<html"),
    Endpoint("tenant", "tenant start page", "/fulda/", expect=b"<html"),
    Endpoint(
        "me",
        "API /me (token)",
        "/api/v1/me",
        accept="application/json",
        token=True,
        expect=CUSTOMER_EMAIL.encode(),
    ),
)


# --- Load generator ---------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    last_done: float = 0.0

    @property
    def errors(self) -> int:
        bad_status = sum(n for status, n in self.statuses.items() if not 200 <= status < 300)
        return bad_status + sum(self.failures.values())


def build_request(endpoint: Endpoint, port: int, token: str) -> bytes:
    lines = [
        f"GET {endpoint.path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "User-Agent: ojc-http-baseline",
        f"Accept: {endpoint.accept}",
        "Accept-Language: de-DE,de;q=0.9,en;q=0.8",
    ]
    if endpoint.token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 response: status, body, and whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _, header_block = head.partition(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    length: int | None = None
    chunked = close = False
    for line in header_block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                break
            parts.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body = await reader.read()
        close = True
    return status, body, close


async def client_loop(
    port: int, request: bytes, measure_from: float, until: float, stats: Stats
) -> None:
    """One client on one keep-alive connection: request, wait for the answer, repeat."""
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    try:
        while (now := time.perf_counter()) < until:
            if writer is None or reader is None:
                try:
                    reader, writer = await asyncio.open_connection(HOST, port)
                except OSError as exc:
                    if now >= measure_from:
                        stats.failures[f"connect: {type(exc).__name__}"] += 1
                    await asyncio.sleep(0.05)
                    continue
            started = time.perf_counter()
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT_S):
                    writer.write(request)
                    status, _body, close = await read_response(reader)
            except (
                OSError,
                TimeoutError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                ValueError,
            ) as exc:
                if started >= measure_from:
                    stats.failures[type(exc).__name__] += 1
                writer.close()
                writer = reader = None
                continue
            done = time.perf_counter()
            if started >= measure_from:
                stats.statuses[status] += 1
                if 200 <= status < 300:
                    stats.latencies.append(done - started)
                stats.last_done = max(stats.last_done, done)
            if close:
                writer.close()
                writer = reader = None
    finally:
        if writer is not None:
            writer.close()


async def fetch_once(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT_S):
            writer.write(request)
            status, body, _close = await read_response(reader)
    finally:
        writer.close()
    return status, body


# --- Server process and its CPU time ------------------------------------------------------------


def _proc_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids.extend(_proc_tree(int(child)))
    return pids


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of a process and its children (Linux /proc), else None."""
    try:
        total_ticks = 0
        for p in _proc_tree(pid):
            stat = Path(f"/proc/{p}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total_ticks += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, ValueError, IndexError):
        return None
    return total_ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def manage(env: dict[str, str], *args: str) -> str:
    return run_checked(env, [sys.executable, "-m", "openjobcenter.manage", *args])


def run_checked(env: dict[str, str], cmd: list[str]) -> str:
    proc = subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        msg = f"failed ({proc.returncode}): {' '.join(cmd[1:])}"
        raise RuntimeError(msg)
    return proc.stdout


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bench_asgi:application",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--lifespan",
        "off",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(server: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 90) -> None:
    """Poll /readyz (database, channel layer, storage) until it answers 200."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            msg = f"server exited with {server.returncode} before it was ready"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"/readyz answered {exc.code}: {exc.read()[:300]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.25)
    sys.stderr.write(log.read_text(errors="replace")[-4000:])
    msg = f"server not ready after {timeout:.0f} s ({last})"
    raise RuntimeError(msg)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


# --- PostgreSQL bench database -------------------------------------------------------------------


# --- Set-up inside Django (run as a subprocess: ``http_baseline.py _prepare``) -------------------


def django_prepare(show_sql: bool) -> None:
    """Create the API token and count the queries each endpoint makes; print JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from openjobcenter.accounts.models import User
    from openjobcenter.accounts.services import api_token_create

    user = User.objects.get(email=CUSTOMER_EMAIL)
    _token, key = api_token_create(user=user, name="http_baseline")
    queries: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        if endpoint.key == "raw":  # outside Django's test client: no middleware to count
            continue
        headers = {"Authorization": f"Bearer {key}"} if endpoint.token else {}
        for _ in range(2):  # the second request is counted: no first-use work
            client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(endpoint.path, headers=headers)
        queries[endpoint.key] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "sql": [q["sql"] for q in ctx.captured_queries] if show_sql else [],
        }
    sys.stdout.write(json.dumps({"token": key, "queries": queries}) + "\n")


# --- Figures ------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.4999999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@dataclass
class Slice:
    """One endpoint's share of one round: what the clients saw and what the server spent."""

    stats: Stats
    seconds: float
    wall: float
    server_cpu_s: float | None
    client_cpu_s: float


@dataclass
class Result:
    endpoint: Endpoint
    slices: list[Slice] = field(default_factory=list)
    queries: int | None = None
    share_pct: float = 0.0  # of the full-stack bare view, by server CPU per request
    share_raw_pct: float = 0.0  # of the truly bare view (no middleware), same measure

    @property
    def latencies_ms(self) -> list[float]:
        return sorted(x * 1000 for sl in self.slices for x in sl.stats.latencies)

    @property
    def ok(self) -> int:
        return sum(len(sl.stats.latencies) for sl in self.slices)

    @property
    def answered(self) -> int:
        return sum(sum(sl.stats.statuses.values()) for sl in self.slices)

    @property
    def seconds(self) -> float:
        return sum(sl.seconds for sl in self.slices)

    @property
    def wall(self) -> float:
        return sum(sl.wall for sl in self.slices)

    @property
    def statuses(self) -> dict[int, int]:
        total: Counter[int] = Counter()
        for sl in self.slices:
            total.update(sl.stats.statuses)
        return dict(total)

    @property
    def failures(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for sl in self.slices:
            total.update(sl.stats.failures)
        return dict(total)

    @property
    def errors(self) -> int:
        return sum(sl.stats.errors for sl in self.slices)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    @property
    def server_cpu_s(self) -> float | None:
        if any(sl.server_cpu_s is None for sl in self.slices):
            return None
        return sum(sl.server_cpu_s or 0.0 for sl in self.slices)

    @property
    def server_cpu_pct(self) -> float | None:
        cpu = self.server_cpu_s
        return None if cpu is None or self.wall <= 0 else cpu / self.wall * 100

    @property
    def server_cpu_ms_per_req(self) -> float | None:
        cpu = self.server_cpu_s
        return None if cpu is None or not self.answered else cpu * 1000 / self.answered

    @property
    def client_cpu_pct(self) -> float:
        return sum(sl.client_cpu_s for sl in self.slices) / self.wall * 100 if self.wall else 0.0

    def pct(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    def as_json(self) -> dict[str, Any]:
        lat = self.latencies_ms
        per_req = self.server_cpu_ms_per_req
        return {
            "endpoint": self.endpoint.key,
            "label": self.endpoint.label,
            "path": self.endpoint.path,
            "rounds": len(self.slices),
            "requests_ok": self.ok,
            "seconds": round(self.seconds, 3),
            "requests_per_s": round(self.rps, 1),
            "p50_ms": round(percentile(lat, 50), 2),
            "p95_ms": round(percentile(lat, 95), 2),
            "p99_ms": round(percentile(lat, 99), 2),
            "mean_ms": round(sum(lat) / len(lat), 2) if lat else 0.0,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failures": self.failures,
            "share_of_bare_cpu_pct": round(self.share_pct, 1),
            "share_of_truly_bare_cpu_pct": round(self.share_raw_pct, 1),
            "queries_per_request": self.queries,
            "server_cpu_pct": None if self.server_cpu_pct is None else round(self.server_cpu_pct),
            "server_cpu_ms_per_request": None if per_req is None else round(per_req, 3),
            "loadgen_cpu_pct": round(self.client_cpu_pct),
        }


async def measure(
    endpoint: Endpoint,
    port: int,
    token: str,
    clients: int,
    warmup: float,
    duration: float,
    server_pid: int,
) -> Slice:
    """Load one endpoint for ``warmup`` + ``duration`` seconds; count only the latter."""
    request = build_request(endpoint, port, token)
    stats = Stats()
    start = time.perf_counter()
    measure_from = start + warmup
    until = measure_from + duration
    loop_tasks = [
        asyncio.create_task(client_loop(port, request, measure_from, until, stats))
        for _ in range(clients)
    ]
    await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
    cpu_server0, cpu_client0, wall0 = (
        cpu_seconds(server_pid),
        time.process_time(),
        time.perf_counter(),
    )
    await asyncio.gather(*loop_tasks)
    cpu_server1, cpu_client1, wall1 = (
        cpu_seconds(server_pid),
        time.process_time(),
        time.perf_counter(),
    )
    return Slice(
        stats=stats,
        seconds=max(stats.last_done, until) - measure_from,
        wall=wall1 - wall0,
        server_cpu_s=None
        if cpu_server0 is None or cpu_server1 is None
        else cpu_server1 - cpu_server0,
        client_cpu_s=cpu_client1 - cpu_client0,
    )


# Requests still in flight when a slice ends are answered at the start of the next one;
# a short pause keeps their CPU out of the next endpoint's figures.
SETTLE_S = 0.2


async def run_load(
    args: argparse.Namespace, port: int, token: str, server_pid: int, queries: dict[str, int]
) -> list[Result]:
    for endpoint in ENDPOINTS:  # every endpoint must answer correctly before it is timed
        status, body = await fetch_once(port, build_request(endpoint, port, token))
        if status != 200 or endpoint.expect not in body:
            msg = f"{endpoint.path} answered {status}: {body[:300]!r}"
            raise RuntimeError(msg)
    results = [Result(endpoint=e, queries=queries.get(e.key)) for e in ENDPOINTS]
    print(f"  warming up each endpoint for {args.warmup:g} s ...", flush=True)
    for endpoint in ENDPOINTS:
        await measure(endpoint, port, token, args.clients, args.warmup, 0.01, server_pid)
    per_slice = args.duration / args.rounds
    print(
        f"  measuring {len(ENDPOINTS)} endpoints interleaved: {args.rounds} rounds of "
        f"{per_slice:.2f} s each, order rotated every round ...",
        flush=True,
    )
    for round_no in range(args.rounds):
        shift = round_no % len(results)
        for result in results[shift:] + results[:shift]:
            await asyncio.sleep(SETTLE_S)
            result.slices.append(
                await measure(
                    result.endpoint, port, token, args.clients, 0.0, per_slice, server_pid
                )
            )
    raw, bare = results[0].server_cpu_ms_per_req, results[1].server_cpu_ms_per_req
    for result in results:
        own = result.server_cpu_ms_per_req
        if own:
            result.share_pct = bare / own * 100 if bare else 0.0
            result.share_raw_pct = raw / own * 100 if raw else 0.0
    return results


def print_table(results: list[Result]) -> None:
    header = (
        f"{'endpoint':<18} {'path':<12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7} {'queries':>8} {'srv CPU':>8} {'CPU ms/req':>11} {'% bare':>7} "
        f"{'% raw':>7} {'gen CPU':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        srv = "n/a" if r.server_cpu_pct is None else f"{r.server_cpu_pct:.0f} %"
        per_req = "n/a" if r.server_cpu_ms_per_req is None else f"{r.server_cpu_ms_per_req:.2f}"
        queries = "?" if r.queries is None else str(r.queries)
        print(
            f"{r.endpoint.label:<18} {r.endpoint.path:<12} {r.rps:>8.1f} {r.pct(50):>8.1f} "
            f"{r.pct(95):>8.1f} {r.pct(99):>8.1f} {r.errors:>7d} {queries:>8} {srv:>8} "
            f"{per_req:>11} {r.share_pct:>6.1f}% {r.share_raw_pct:>6.1f}% "
            f"{r.client_cpu_pct:>6.0f} %"
        )
    print(
        "% bare / % raw: the bare view's (all middleware) / the truly bare view's (none) server "
        "CPU per request as a share of this endpoint's: 50 % means it costs twice as much."
    )
    for r in results:
        if r.errors:
            print(f"  {r.endpoint.label}: statuses {r.statuses}, failures {r.failures}")


def verdicts(results: list[Result], clients: int) -> list[dict[str, Any]]:
    out = []
    for r in results:
        if not r.endpoint.target:
            continue
        share_ok = r.share_pct >= TARGET_SHARE_PCT
        p95 = r.pct(95)
        p95_ok = p95 < TARGET_P95_MS and r.ok > 0
        no_errors = r.errors == 0
        passed = share_ok and p95_ok and no_errors
        out.append(
            {
                "endpoint": r.endpoint.key,
                "pass": passed,
                "share_of_bare_cpu_pct": round(r.share_pct, 1),
                "share_ok": share_ok,
                "p95_ms": round(p95, 2),
                "p95_ok": p95_ok,
                "errors": r.errors,
            }
        )
        line = (
            f"{'PASS' if passed else 'FAIL'}  {r.endpoint.label} {r.endpoint.path}: "
            f"{r.share_pct:.1f} % of the bare view by CPU per request (target >= "
            f"{TARGET_SHARE_PCT:.0f} %: {'ok' if share_ok else 'missed'}), p95 {p95:.1f} ms at "
            f"{clients} clients (target < {TARGET_P95_MS:.0f} ms: {'ok' if p95_ok else 'missed'})"
        )
        if not no_errors:
            line += f", {r.errors} errors"
        print(line)
    bare = results[1]
    if bare.pct(95) >= TARGET_P95_MS:
        needed = clients / (TARGET_P95_MS / 1000)
        print(
            f"note: the bare view itself has p95 {bare.pct(95):.1f} ms at {bare.rps:.0f} req/s. "
            f"Clients wait for each answer, so latency is about clients / throughput: p95 below "
            f"{TARGET_P95_MS:.0f} ms at {clients} clients needs roughly {needed:.0f} req/s or more "
            "per endpoint from this server."
        )
    return out


def smoke_problems(results: list[Result]) -> list[str]:
    """What a smoke run must show: every endpoint answered, without errors, CPU measured."""
    problems = []
    for r in results:
        if r.ok == 0:
            problems.append(f"{r.endpoint.path}: no successful request")
        if r.errors:
            problems.append(f"{r.endpoint.path}: {r.errors} errors {r.statuses} {r.failures}")
        if r.server_cpu_ms_per_req is None and sys.platform.startswith("linux"):
            problems.append(f"{r.endpoint.path}: server CPU not measured")
    return problems


# --- Main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="HTTP baseline: real pages against a bare Django view, same server."
    )
    parser.add_argument("--sqlite", action="store_true", help="embedded default: SQLite, no Redis")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="measured seconds per endpoint (all rounds)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="interleaved rounds (A/B/A/B), order rotated"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per endpoint")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help=f"uvicorn worker processes (at most {MAX_WORKERS}: {POOL_SIZE} connections each)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="seconds, not minutes: 2 rounds of 0.2 s, 4 clients; fails unless every "
        "endpoint answered without errors and its CPU was measured (CI)",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--pg-admin-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL connection used to create and drop the bench database",
    )
    parser.add_argument("--db-name", default="ojc_bench", help="bench database (dropped after)")
    parser.add_argument(
        "--keep", action="store_true", help="leave the bench database after the run"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database a --keep run left (migrated, demo data) instead of making it "
        "anew: prepare before a quiet window, measure in it",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--ojc-env",
        choices=("production", "development"),
        default="production",
        help="OJC_ENV of the server (development runs with DEBUG=0)",
    )
    parser.add_argument("--server-log", type=Path, help="keep a copy of the server's log here")
    parser.add_argument("--show-sql", action="store_true", help="print each endpoint's queries")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.duration, args.rounds, args.warmup, args.clients = 0.4, 2, 0.3, 4
    if not re.fullmatch(r"[a-z_][a-z0-9_]*bench[a-z0-9_]*", args.db_name):
        parser.error("--db-name must be a lower-case identifier containing 'bench' (it is dropped)")
    if args.clients < 1 or args.workers < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--clients and --workers must be >= 1, --duration > 0, --warmup >= 0")
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    if args.workers > MAX_WORKERS:
        parser.error(f"--workers at most {MAX_WORKERS}: the bench must fit PostgreSQL's 100")
    return args


def server_env(args: argparse.Namespace, base_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CONTROLLED_ENV}
    python_path = [str(REPO_ROOT), str(REPO_ROOT / "src")]
    if env.get("PYTHONPATH"):
        python_path.append(env["PYTHONPATH"])
    env.update(
        PYTHONPATH=os.pathsep.join(python_path),
        PYTHONDONTWRITEBYTECODE="1",
        DJANGO_SETTINGS_MODULE="bench.bench_settings",
        OJC_BASE_DIR=str(base_dir),  # STATIC_ROOT, var/ and media live in a temporary folder
        OJC_ENV=args.ojc_env,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS=HOST,
        EMAIL_HOST="localhost",
        SITE_URL="https://ojc-bench.invalid",
        BEHIND_TLS_PROXY="0",
        # Plain http on 127.0.0.1, no TLS proxy in front: production's https redirect off.
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="warning",
        CACHE_KEY_PREFIX=f"ojc_bench_{secrets.token_hex(4)}",
        # Production refuses to start without it; a throw-away key for a throw-away database.
        DOCUMENTS_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        DATABASE_POOL_SIZE=str(POOL_SIZE),
        DATABASE_POOL_MIN="2",
    )
    # The production server's /readyz wants its media folder (the mounted volume).
    (base_dir / "var" / "media").mkdir(parents=True, exist_ok=True)
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite:///{base_dir / 'bench.sqlite3'}"
    else:
        env["DATABASE_URL"] = database_url(args.pg_admin_url, args.db_name)
        env["REDIS_URL"] = args.redis_url
    return env


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn[standard] brings it): less CPU for the load generator."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def server_errors(log: Path, limit: int = 5) -> list[str]:
    """The most frequent errors the server logged (JSON log lines), with their counts."""
    found: Counter[str] = Counter()
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            if line.strip():
                found[line.strip()[:200]] += 1
            continue
        if not isinstance(entry, dict) or entry.get("level") not in {"error", "critical"}:
            continue
        exc_lines = str(entry.get("exc", "")).strip().splitlines()
        found[f"{entry.get('msg', '')}: {exc_lines[-1] if exc_lines else ''}"[:300]] += 1
    return [f"{n} x {text}" for text, n in found.most_common(limit)]


def describe(args: argparse.Namespace) -> dict[str, Any]:
    import django
    import uvicorn

    backend = (
        "SQLite (WAL) + database cache + in-memory channel layer"
        if args.sqlite
        else f"PostgreSQL ({args.db_name}) + Redis"
    )
    return {
        "backend": backend,
        "ojc_env": args.ojc_env,
        "server": f"uvicorn {uvicorn.__version__} --workers {args.workers}",
        "clients": args.clients,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "smoke": args.smoke,
        "pool_size_per_process": POOL_SIZE,
        "warmup_s": args.warmup,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "load_average_1m_before": load_average(),
    }


def prepare(
    args: argparse.Namespace, env: dict[str, str], *, loaded: bool = False
) -> tuple[str, dict[str, int]]:
    """Migrate, load the demo data, collect static files; return an API token and query
    counts. ``loaded``: the database kept from an earlier run (``--reuse``) has them."""
    if loaded:
        print("  preparing: reusing the kept database; createcachetable, collectstatic", flush=True)
    else:
        print("  preparing: migrate, createcachetable, collectstatic, demo_load ...", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    if not loaded:
        # demo_load refuses production (its logins share a published password): it fills
        # the throw-away bench database under development settings, the server runs
        # production.
        manage({**env, "OJC_ENV": "development"}, "demo_load", "-v", "0")
    prepare_cmd = [sys.executable, str(Path(__file__).resolve()), "_prepare"]
    if args.show_sql:
        prepare_cmd.append("--show-sql")
    prepared = json.loads(run_checked(env, prepare_cmd).strip().splitlines()[-1])
    if args.show_sql:
        for key, info in prepared["queries"].items():
            print(f"  queries of {key} ({info['queries']}):")
            for stmt in info["sql"]:
                print(f"    {stmt}")
    return prepared["token"], {k: int(v["queries"]) for k, v in prepared["queries"].items()}


def serve_and_measure(
    args: argparse.Namespace, env: dict[str, str], base_dir: Path, *, loaded: bool = False
) -> tuple[list[Result], list[str]]:
    token, queries = prepare(args, env, loaded=loaded)
    port = free_port()
    log = base_dir / "server.log"
    server = start_server(env, port, args.workers, log)
    try:
        wait_ready(server, port, log)
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            results = runner.run(run_load(args, port, token, server.pid, queries))
    finally:
        stop_server(server)
        if args.server_log:
            args.server_log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log, args.server_log)
    return results, server_errors(log)


def report(
    args: argparse.Namespace, meta: dict[str, Any], results: list[Result], errors: list[str]
) -> bool:
    print()
    print_table(results)
    if errors:
        print("server log, most frequent errors (warm-up included):")
        for line in errors:
            print(f"  {line}")
    print()
    checks = verdicts(results, args.clients)
    passed = all(c["pass"] for c in checks)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "meta": meta,
            "target": {"share_of_bare_pct_min": TARGET_SHARE_PCT, "p95_ms_max": TARGET_P95_MS},
            "results": [r.as_json() for r in results],
            "checks": checks,
            "pass": passed,
            "server_errors": errors,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nJSON written to {args.json}")
    return passed


def demo_loaded(admin_url: str, db_name: str) -> bool:
    """Whether ``db_name`` exists with the demo data of an earlier run (``--keep``). The
    tasks the demo data queued (no worker runs here) are dropped: left from the earlier
    run, they would be older than ``/readyz`` allows and the server would never be ready."""
    import psycopg

    admin = admin_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone():
            return False
    try:
        with psycopg.connect(
            database_url(admin_url, db_name).replace("postgres://", "postgresql://", 1)
        ) as conn:
            row = conn.execute("SELECT count(*) FROM tenants_jobcenter").fetchone()
            conn.execute("DELETE FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")
    except psycopg.Error:
        return False
    return bool(row and row[0])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_prepare"]:
        django_prepare(show_sql="--show-sql" in argv)
        return 0
    args = parse_args(argv)
    meta = describe(args)
    print(
        f"OpenJobcenter HTTP baseline: {meta['backend']}, OJC_ENV={args.ojc_env}, "
        f"{meta['server']}, {args.clients} clients, {args.duration:g} s per endpoint "
        f"in {args.rounds} interleaved rounds after {args.warmup:g} s warm-up; {meta['cpus']} CPUs shared by server and load generator",
        flush=True,
    )
    load = meta["load_average_1m_before"]
    if load is not None and load > (os.cpu_count() or 1) / 2:
        print(
            f"  note: 1-minute load average is {load:.1f} before the run; other processes "
            "compete for the CPU and the figures will be lower and noisier",
            flush=True,
        )
    with tempfile.TemporaryDirectory(prefix="ojc-bench-") as tmp:
        env = server_env(args, Path(tmp))
        db_created, loaded = False, False
        try:
            if not args.sqlite:
                loaded = args.reuse and demo_loaded(args.pg_admin_url, args.db_name)
                if not loaded:
                    recreate_database(args.pg_admin_url, args.db_name, create=True)
                db_created = True
            results, errors = serve_and_measure(args, env, Path(tmp), loaded=loaded)
        finally:
            if db_created and not args.keep:
                recreate_database(args.pg_admin_url, args.db_name, create=False)
    meta["load_average_1m_after"] = load_average()
    passed = report(args, meta, results, errors)
    print(
        f"load average (1 min): {meta['load_average_1m_before']} before, "
        f"{meta['load_average_1m_after']} after, on {meta['cpus']} CPUs"
    )
    if args.smoke:
        problems = smoke_problems(results)
        for problem in problems:
            print(f"SMOKE FAIL  {problem}")
        if problems:
            return 1
        print("SMOKE OK  every endpoint answered, interleaved, with its server CPU measured")
        return 0
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as exc:
        sys.stderr.write(f"http_baseline: {exc}\n")
        sys.exit(2)

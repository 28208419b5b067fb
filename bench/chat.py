"""Benchmark of the chat: idle WebSocket connections, delivery latency, two processes,
and the raw Channels layer as the baseline.

    .venv/bin/python bench/chat.py                      # all parts, PostgreSQL + Redis
    .venv/bin/python bench/chat.py --idle 2000 --clients 500 --rate 100 --duration 10
    .venv/bin/python bench/chat.py --json var/bench-chat.json --check

(a) **Idle connections**: ``--idle`` (5,000) WebSocket connections to ``/ws/chat/`` held
    by ONE uvicorn process with the Redis channel layer; every connection is a logged-in
    customer (session cookie) and joins its personal group. Reported: how many were held,
    the server's resident memory before and after, and memory per connection.
(b) **Latency, one process**: ``--clients`` (1,000) connections = 500 customers with two
    devices each (a phone and a PC), both subscribed to the customer's conversation. At
    ``--rate`` (200) messages per second, spread over the customers, one device sends
    (``send`` frame) and the time until the *other* device receives the ``message`` event
    is measured: the whole path (frame parsed, ``message_send``: rate limit, row written,
    audit entry, commit, group push through Redis, consumer, frame out). p50/p95/p99 over
    every message received; when the server cannot keep up, the backlog drains for up
    to 60 s after sending stops (``drain_s``); ``lost`` = not received by then,
    ``delivered_per_s`` = the throughput actually achieved.
(c) **Latency, two processes**: the same, with the phones connected to one uvicorn
    process and the PCs to another, both on the same PostgreSQL and Redis.
(d) **Raw Channels layer**: the same number of receivers and the same rate, but
    ``group_send`` on ``RedisPubSubChannelLayer`` straight to ``receive`` in this process,
    without the application, its database and its WebSocket: what the layer itself costs.

Target (issue): 5,000 idle connections; p99 < 100 ms at 1,000 clients and 200 msg/s.

PostgreSQL on 127.0.0.1 (user ``postgres``, trust auth): the database ``ojc_bench_chat``
is created and dropped; Redis at ``--redis-url`` (database 14 by default, flushed). The
server runs with development settings and ``DEBUG=0``, the message rate limit raised
(``MESSAGING_RATE_COUNT``) so the load is not refused. Load generator and servers share
the machine: read the load average printed first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/chat.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    ADMIN_URL,
    SMOKE_HELP,
    database_url,
    pool_env,
    python_speed_ms,
    recreate_database,
    smoke_db_name,
    smoke_require,
)
from openjobcenter.serve import WS_PER_MESSAGE_DEFLATE, WS_PROTOCOL

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "ojc_bench_chat"
REDIS_URL = "redis://127.0.0.1:6379/14"
TARGET_IDLE = 5000
TARGET_P99_MS = 100.0
DRAIN_S = 60.0  # after sending stops, wait at most this long for outstanding messages


def server_env(base_dir: Path, secret: str, redis_url: str, db_name: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(ADMIN_URL, db_name),
        # Two servers side by side: each keeps 2 connections open, not the default 18.
        **pool_env(size=24, minimum=2),
        "REDIS_URL": redis_url,
        "SECRET_KEY": secret,
        "OJC_ENV": "development",
        "OJC_BASE_DIR": str(base_dir),
        "DEBUG": "0",
        "LOG_LEVEL": "warning",
        "MESSAGING_RATE_COUNT": "10000",
        # The chat threads' connections kept open (the default keeps 2): a burst that first
        # has to open them tips the process into a backlog (docs/messaging.md).
        "DATABASE_POOL_MIN": os.environ.get("DATABASE_POOL_MIN", "6"),
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


# --- set-up (runs in a subprocess with the server's settings) -------------------------------


def setup_data(customers: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.messaging.models import Conversation, Topic
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    call_command("migrate", verbosity=0)
    load_jobcenters()
    fulda = Jobcenter.objects.get(slug="fulda")
    fulda.enabled_modules = [*fulda.enabled_modules, "messaging"]
    fulda.save()
    topic = Topic.objects.create(jobcenter=fulda, name="Allgemeines")
    unusable = "!"  # no password: the sessions are made below
    User.objects.bulk_create(
        [
            User(email=f"bench{n}@example.org", password=unusable, first_name="B", last_name=str(n))
            for n in range(customers)
        ]
    )
    users = list(User.objects.filter(email__startswith="bench").order_by("pk"))
    profiles = CustomerProfile.objects.bulk_create(
        [
            CustomerProfile(user=u, jobcenter=fulda, customer_number=f"B-{n:05d}")
            for n, u in enumerate(users)
        ]
    )
    profiles = list(
        CustomerProfile.objects.filter(jobcenter=fulda, user__in=users).order_by("user_id")
    )
    Conversation.objects.bulk_create(
        [Conversation(jobcenter=fulda, customer=p, topic=topic, subject="Bench") for p in profiles]
    )
    conversations = {
        c.customer_id: c.pk for c in Conversation.objects.filter(customer__in=profiles)
    }
    out = []
    for user, profile in zip(users, profiles, strict=True):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        out.append({"session": session.session_key, "conversation": conversations[profile.pk]})
    from django.conf import settings

    return {"cookie": settings.SESSION_COOKIE_NAME, "customers": out}


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(env: dict[str, str], log: Path) -> Server:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                *(
                    [os.environ["CHAT_BENCH_SERVER"]]
                    if os.environ.get("CHAT_BENCH_SERVER")
                    else ["-m", "uvicorn"]
                ),
                "openjobcenter.config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
                "--ws",
                WS_PROTOCOL,
                "--ws-per-message-deflate",
                os.environ.get("CHAT_BENCH_DEFLATE", str(WS_PER_MESSAGE_DEFLATE).lower()),
                "--ws-max-queue",
                "64",
                "--timeout-keep-alive",
                "600",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return Server(port, process)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"uvicorn did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.3)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


# --- clients ----------------------------------------------------------------------------------


async def open_ws(port: int, cookie: str) -> Any:
    import websockets

    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/chat/",
        additional_headers={"Cookie": cookie},
        origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
        open_timeout=60,
        ping_interval=None,
        max_queue=None,
    )


async def open_many(
    ports: list[int], cookies: list[str], batch: int = 100
) -> tuple[list[Any], int]:
    conns: list[Any] = []
    failed = 0
    for start in range(0, len(cookies), batch):
        chunk = cookies[start : start + batch]
        results = await asyncio.gather(
            *(open_ws(ports[(start + i) % len(ports)], c) for i, c in enumerate(chunk)),
            return_exceptions=True,
        )
        for r in results:
            if isinstance(r, BaseException):
                failed += 1
            else:
                conns.append(r)
    return conns, failed


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"n": len(ordered), "p50": pct(50), "p95": pct(95), "p99": pct(99), "max": ordered[-1]}


async def idle_part(server: Server, data: dict[str, Any], count: int) -> dict[str, Any]:
    customers = data["customers"]
    cookies = [f"{data['cookie']}={customers[n % len(customers)]['session']}" for n in range(count)]
    before = server.rss_mb()
    started = time.perf_counter()
    conns, failed = await open_many([server.port], cookies)
    took = time.perf_counter() - started
    await asyncio.sleep(3)
    # Still open? A ping round-trip on a sample.
    alive = 0
    for ws in random.sample(conns, min(200, len(conns))):
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.ping(), 10)
            alive += 1
    after = server.rss_mb()
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    held = len(conns)
    return {
        "requested": count,
        "held": held,
        "failed": failed,
        "sample_alive_pct": round(100 * alive / max(1, min(200, held)), 1),
        "connect_s": round(took, 1),
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "kb_per_connection": round((after - before) * 1024 / max(1, held), 1),
    }


async def latency_part(
    servers: list[Server], data: dict[str, Any], clients: int, rate: int, duration: float
) -> dict[str, Any]:
    ports = [server.port for server in servers]
    pairs = clients // 2
    customers = data["customers"][:pairs]
    cookie = data["cookie"]
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    errors: list[str] = []
    phones, failed_a = await open_many([ports[0]], [f"{cookie}={c['session']}" for c in customers])
    pcs, failed_b = await open_many([ports[-1]], [f"{cookie}={c['session']}" for c in customers])
    if failed_a or failed_b or len(phones) != pairs or len(pcs) != pairs:
        return {"error": f"could not open all connections ({failed_a + failed_b} failed)"}
    for conns in (phones, pcs):
        for ws, c in zip(conns, customers, strict=True):
            await ws.send(
                json.dumps(
                    {"type": "subscribe", "conversation": c["conversation"], "cursor": 10**15}
                )
            )

    # wait for every subscribed event
    async def drain_until_subscribed(ws: Any) -> None:
        while json.loads(await ws.recv())["type"] != "subscribed":
            pass

    await asyncio.gather(*(drain_until_subscribed(ws) for ws in phones + pcs))

    async def reader(ws: Any) -> None:
        try:
            async for raw in ws:
                event = json.loads(raw)
                if event["type"] == "message":
                    t0 = sent_at.pop(event["message"]["client_id"], None)
                    if t0 is not None:
                        latencies.append((time.perf_counter() - t0) * 1000)
                elif event["type"] == "error":
                    errors.append(event.get("code", "?"))
        except Exception:
            return

    readers = [asyncio.ensure_future(reader(ws)) for ws in pcs]
    # The phones' own echoes are read and dropped so their buffers do not fill.
    readers += [asyncio.ensure_future(reader_discard(ws)) for ws in phones]
    interval = 1.0 / rate
    total = int(rate * duration)
    loop = asyncio.get_running_loop()
    cpu_before = sum(server.cpu_s() for server in servers)
    client_cpu_before = time.process_time()
    start = loop.time()
    for n in range(total):
        target = start + n * interval
        delay = target - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        i = n % pairs
        client_id = secrets.token_hex(8)
        sent_at[client_id] = time.perf_counter()
        await phones[i].send(
            json.dumps(
                {
                    "type": "send",
                    "conversation": customers[i]["conversation"],
                    "client_id": client_id,
                    "body": f"Nachricht {n}",
                }
            )
        )
    send_s = loop.time() - start
    # Let the backlog drain: "late" arrive after this wait, "lost" never within DRAIN_S.
    drain_deadline = loop.time() + DRAIN_S
    while sent_at and loop.time() < drain_deadline:
        await asyncio.sleep(0.2)
    drain_s = loop.time() - start - send_s
    cpu_used = sum(server.cpu_s() for server in servers) - cpu_before
    client_cpu = time.process_time() - client_cpu_before
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in phones + pcs), return_exceptions=True)
    return {
        "clients": pairs * 2,
        "sent": total,
        "achieved_rate": round(total / send_s, 1),
        "received": len(latencies),
        "lost": len(sent_at),
        "drain_s": round(drain_s, 1),
        "delivered_per_s": round(len(latencies) / (send_s + drain_s), 1),
        # Server CPU time per delivered message (all app processes): robust to contention.
        "server_cpu_ms_per_message": round(cpu_used * 1000 / max(1, len(latencies)), 2),
        # The load generator shares the machine's cores with the servers and databases.
        "load_generator_cpu_share": round(client_cpu / max(0.001, send_s + drain_s), 2),
        "errors": len(errors),
        "latency_ms": {k: round(v, 1) for k, v in percentiles(latencies).items()},
    }


async def reader_discard(ws: Any) -> None:
    try:
        async for _raw in ws:
            pass
    except Exception:
        return


async def raw_layer_part(
    redis_url: str, clients: int, rate: int, duration: float
) -> dict[str, Any]:
    from channels_redis.pubsub import RedisPubSubChannelLayer

    layer = RedisPubSubChannelLayer(hosts=[redis_url])
    receivers = clients // 2
    channels = [await layer.new_channel() for _ in range(receivers)]
    for n, channel in enumerate(channels):
        await layer.group_add(f"bench.c.{n}", channel)
    latencies: list[float] = []

    async def receive(channel: str) -> None:
        while True:
            message = await layer.receive(channel)
            latencies.append((time.perf_counter() - message["t0"]) * 1000)

    tasks = [asyncio.ensure_future(receive(c)) for c in channels]
    await asyncio.sleep(1)
    total = int(rate * duration)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(total):
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await layer.group_send(
            f"bench.c.{n % receivers}",
            {"type": "chat.message", "t0": time.perf_counter(), "body": f"Nachricht {n}"},
        )
    await asyncio.sleep(2)
    for task in tasks:
        task.cancel()
    await layer.flush()
    return {
        "receivers": receivers,
        "sent": total,
        "received": len(latencies),
        "latency_ms": {k: round(v, 1) for k, v in percentiles(latencies).items()},
    }


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        return soft
    return hard


@dataclass
class Report:
    machine: dict[str, Any] = field(default_factory=dict)
    parts: dict[str, Any] = field(default_factory=dict)


def main() -> int:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--idle", type=int, default=TARGET_IDLE)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument(
        "--parts", default="idle,one,two,raw", help="comma-separated: idle,one,two,raw"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    db_name = DB_NAME
    if args.smoke and args.setup is None:
        args.idle, args.clients, args.rate, args.duration = 20, 10, 10, 2.0
        db_name = smoke_db_name(DB_NAME)
    if args.setup is not None:
        print(json.dumps(setup_data(args.setup)))
        return 0

    fd_limit = raise_fd_limit()
    speed = python_speed_ms()
    report = Report(
        machine={
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "fd_limit": fd_limit,
            "python_loop_ms": speed,
        }
    )
    print(
        f"cpus={os.cpu_count()} load average (1 min)={os.getloadavg()[0]:.2f} fd limit={fd_limit}"
        f" python loop={speed} ms (machine speed: lower is faster)"
    )
    parts = set(args.parts.split(","))
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    recreate_database(ADMIN_URL, db_name, create=True)
    secret = secrets.token_urlsafe(50)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = server_env(base, secret, args.redis_url, db_name)
        customers = max(args.clients // 2, min(args.idle, 1000))
        setup = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--setup", str(customers)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if setup.returncode != 0:
            print(setup.stderr[-3000:])
            return 2
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        log = base / "server.log"
        try:
            if "idle" in parts:
                server = start_server(env, log)
                report.parts["idle"] = asyncio.run(idle_part(server, data, args.idle))
                stop(server)
                print("idle:", report.parts["idle"])
            if "one" in parts:
                server = start_server(env, log)
                cpu0 = server.cpu_s()
                report.parts["one_process"] = asyncio.run(
                    latency_part([server], data, args.clients, args.rate, args.duration)
                )
                report.parts["one_process"]["server_cpu_s"] = round(server.cpu_s() - cpu0, 1)
                stop(server)
                print("one process:", report.parts["one_process"])
            if "two" in parts:
                a, b = start_server(env, log), start_server(env, log)
                report.parts["two_processes"] = asyncio.run(
                    latency_part([a, b], data, args.clients, args.rate, args.duration)
                )
                stop(a)
                stop(b)
                print("two processes:", report.parts["two_processes"])
            if "raw" in parts:
                report.parts["raw_layer"] = asyncio.run(
                    raw_layer_part(args.redis_url, args.clients, args.rate, args.duration)
                )
                print("raw layer:", report.parts["raw_layer"])
        finally:
            errors = (
                [
                    line
                    for line in log.read_text().splitlines()
                    if "Traceback" in line or "ERROR" in line
                ]
                if log.exists()
                else []
            )
            report.machine["server_log_errors"] = len(errors)
            if errors:
                lines = log.read_text().splitlines()
                first = next(n for n, line in enumerate(lines) if line in errors)
                print(f"server log: {len(errors)} errors; the first:")
                print(*lines[first : first + 60], sep="\n  ")
            recreate_database(ADMIN_URL, db_name, create=False)
    report.machine["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps({"machine": report.machine, **report.parts}, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": report.machine, **report.parts}, indent=2))
    ok = True
    if "idle" in report.parts:
        ok &= report.parts["idle"]["held"] >= TARGET_IDLE
    for key in ("one_process", "two_processes"):
        if key in report.parts and "latency_ms" in report.parts[key]:
            ok &= (
                report.parts[key]["latency_ms"]["p99"] < TARGET_P99_MS
                and report.parts[key]["lost"] == 0
            )
    print("PASS" if ok else "FAIL (against the issue's targets)")
    if args.smoke:
        smoke_require(report.machine["server_log_errors"] == 0, "errors in the server's log")
        smoke_require(report.parts["idle"]["held"] == args.idle, "idle connections were dropped")
        for key in ("one_process", "two_processes"):
            part = report.parts[key]
            smoke_require(
                part["received"] > 0 and part["lost"] == 0 and part["errors"] == 0,
                f"{key}: messages lost or refused",
            )
        smoke_require(report.parts["raw_layer"]["received"] > 0, "the raw layer delivered nothing")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())

"""What ``bench/chat.py`` stands on: its data (customers, conversations, one logged-in
session per socket, made in bulk), the uvicorn servers and the WebSocket clients; and
its two parts without an alternating baseline: idle sockets and the raw Channels layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ADMIN_URL, database_url, pool_env
from openjobcenter.serve import WS_PER_MESSAGE_DEFLATE, WS_PROTOCOL

ROOT = Path(__file__).resolve().parents[1]
# The parts of a send's server time that ``bench/chat_asgi.py`` records.
PHASES = ("send.queue", "send.db", "send.sql", "send.commit", "send.push")


def server_env(base_dir: Path, secret: str, redis_url: str, db_name: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(ADMIN_URL, db_name),
        # Two servers side by side: each keeps a few connections open, not the default 18.
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
        # The platform's settings, with commits timed (``bench/chat_settings.py``).
        "DJANGO_SETTINGS_MODULE": "bench.chat_settings",
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


# --- data (runs in a subprocess with the server's settings) ---------------------------------


def setup_data(*, customers: int, devices: int, conversations: int, idle: int) -> dict[str, Any]:
    """``customers`` customers of Fulda, each with one conversation; the first
    ``conversations`` of them get ``devices`` sessions each (the delivery and send parts),
    the first ``idle`` one more session each (the idle part): every socket its own
    logged-in session. Sessions are written straight into the session store in bulk, as
    a login would have left them (a login per session would take minutes for 5,000)."""
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.crypto import get_random_string

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
    unusable = "!"  # no password: nobody logs in, the sessions are made below
    User.objects.bulk_create(
        [
            User(email=f"bench{n}@example.org", password=unusable, first_name="B", last_name=str(n))
            for n in range(customers)
        ],
        batch_size=1000,
    )
    users = list(User.objects.filter(email__startswith="bench").order_by("pk"))
    CustomerProfile.objects.bulk_create(
        [
            CustomerProfile(user=u, jobcenter=fulda, customer_number=f"B-{n:05d}")
            for n, u in enumerate(users)
        ],
        batch_size=1000,
    )
    profiles = list(
        CustomerProfile.objects.filter(jobcenter=fulda, user__in=users).order_by("user_id")
    )
    Conversation.objects.bulk_create(
        [Conversation(jobcenter=fulda, customer=p, topic=topic, subject="Bench") for p in profiles],
        batch_size=1000,
    )
    conversation_of = {
        c.customer_id: c.pk for c in Conversation.objects.filter(customer__in=profiles)
    }
    store = SessionStore()
    expires = timezone.now() + timedelta(hours=12)
    rows: list[Session] = []

    def session_for(user: User) -> str:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        return key

    out = []
    for n, (user, profile) in enumerate(zip(users, profiles, strict=True)):
        entry: dict[str, Any] = {"conversation": conversation_of[profile.pk], "devices": []}
        if n < conversations:
            entry["devices"] = [session_for(user) for _ in range(devices)]
        if n < idle:
            entry["idle"] = session_for(user)
        out.append(entry)
    Session.objects.bulk_create(rows, batch_size=1000)
    return {"cookie": settings.SESSION_COOKIE_NAME, "customers": out, "sessions": len(rows)}


def make_data(env: dict[str, str], **sizes: int) -> dict[str, Any]:
    """``setup_data`` in a subprocess with the servers' settings."""
    setup = subprocess.run(
        [sys.executable, "-m", "bench.chat_setup", json.dumps(sizes)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if setup.returncode != 0:
        raise SystemExit(f"set-up failed:\n{setup.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(setup.stdout.strip().splitlines()[-1])
    return data


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

    def run_delay_s(self) -> float:
        """Time the process's threads spent runnable but waiting for a CPU (the kernel's
        ``schedstat``): on a loaded machine, where a frame's wall time goes."""
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            with contextlib.suppress(OSError, IndexError, ValueError):
                total += int((task / "schedstat").read_text().split()[1])
        return total / 1e9

    def timings(self) -> dict[str, list[float]]:
        """The server's own send and ping times since the last call (``bench/chat_asgi``)."""
        url = f"http://127.0.0.1:{self.port}/__bench/chat-timings"
        with urllib.request.urlopen(url, timeout=30) as response:
            result: dict[str, list[float]] = json.loads(response.read())
            return result


def start_server(env: dict[str, str], log: Path) -> Server:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.chat_asgi:application",
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
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 180  # a loaded shared machine imports slowly
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


async def open_many(targets: list[tuple[int, str]], batch: int = 100) -> tuple[list[Any], int]:
    """A socket for each ``(port, cookie)``, in order; on a failure the list is shorter
    and the count of failures says by how much."""
    conns: list[Any] = []
    failed = 0
    for start in range(0, len(targets), batch):
        results = await asyncio.gather(
            *(open_ws(port, cookie) for port, cookie in targets[start : start + batch]),
            return_exceptions=True,
        )
        for r in results:
            if isinstance(r, BaseException):
                failed += 1
            else:
                conns.append(r)
    return conns, failed


async def subscribe_all(pairs: list[tuple[Any, int]]) -> None:
    """Subscribe each socket to its conversation and wait for every ``subscribed``."""

    async def one(ws: Any, conversation: int) -> None:
        await ws.send(json.dumps({"type": "subscribe", "conversation": conversation, "cursor": 0}))
        while json.loads(await ws.recv())["type"] != "subscribed":
            pass

    for start in range(0, len(pairs), 200):
        await asyncio.gather(*(one(ws, c) for ws, c in pairs[start : start + 200]))


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        **{k: round(pct(p), 2) for k, p in (("p50", 50), ("p95", 95), ("p99", 99))},
        "max": round(ordered[-1], 2),
    }


# --- the idle part (c) of bench/chat.py -----------------------------------------------------------------------


async def idle_part(server: Server, data: dict[str, Any], count: int) -> dict[str, Any]:
    sessions = [c["idle"] for c in data["customers"][:count]]
    targets = [(server.port, f"{data['cookie']}={key}") for key in sessions]
    before = server.rss_mb()
    started = time.perf_counter()
    conns, failed = await open_many(targets)
    took = time.perf_counter() - started
    await asyncio.sleep(3)
    alive = 0
    sample = random.sample(conns, min(200, len(conns)))
    for ws in sample:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.ping(), 10)
            alive += 1
    after = server.rss_mb()
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    held = len(conns)
    return {
        "requested": count,
        "distinct_sessions": len(set(sessions)),
        "held": held,
        "failed": failed,
        "sample_alive_pct": round(100 * alive / max(1, len(sample)), 1),
        "connect_s": round(took, 1),
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "kb_per_socket": round((after - before) * 1024 / max(1, held), 1),
    }


# --- the raw layer (d) ----------------------------------------------------------------------


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


if __name__ == "__main__":
    print(json.dumps(setup_data(**json.loads(sys.argv[1]))))

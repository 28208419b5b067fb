"""The load of ``bench/scale.py``: two production web processes, the virtual users, the idle
sockets and the connection count per node.

Nodes: ``python -m openjobcenter.serve --web-only`` (the production entry point, uvicorn
with the platform's options) twice, on PostgreSQL and Redis, with the settings module
``bench.bench_settings`` (the real settings plus the full-stack bare view ``/bench/bare``,
the baseline) and a PostgreSQL ``application_name`` per node, so ``pg_stat_activity`` tells
their connections apart. The pool is the production default unless the caller sets one.

Virtual users (asyncio, one process; each user sticks to one node, users alternate):
customers log in (login page, then the ``POST`` with e-mail and password, each time a
different customer of a different job centre, from an address of its own as behind a proxy)
and open Mein Bereich three times in that visit; staff open the work queue and search the applications inbox by a
surname; chat customers send a message over their WebSocket and wait for the ``ack``
(round trip; beside it a ``ping`` on the same socket, the socket's baseline). Every HTTP user
asks for the bare view between two operations (the baseline, interleaved). Paced: a pause of
``think`` × 0.5–1.5 s after each operation; ``think`` 0 is a closed loop.

Idle sockets: a separate process opens ``count`` chat sockets per node, each its own
customer's logged-in session (written to the session store in bulk), holds them through the
load and pings a sample afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import secrets
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.chat_setup import free_port, open_many
from bench.scale_seed import CUSTOMER_PASSWORD, SURNAMES

ROOT = Path(__file__).resolve().parents[1]
OPS = ("login", "mein bereich", "work queue", "inbox search", "chat send")
BASELINES = ("bare view (baseline)", "chat ping (baseline)")
VISIT_PAGES = 3  # Mein Bereich views per login


# --- nodes ----------------------------------------------------------------------------


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def start_nodes(env: dict[str, str], database: str, log_dir: Path) -> list[Node]:
    nodes = []
    for name in ("a", "b"):
        port = free_port()
        log = (log_dir / f"web-{name}.log").open("ab")
        sep = "&" if "?" in database else "?"
        process = subprocess.Popen(
            [sys.executable, "-m", "openjobcenter.serve", "--web-only"],
            cwd=ROOT,
            env={
                **env,
                "PORT": str(port),
                "HOST": "127.0.0.1",
                "DATABASE_URL": f"{database}{sep}application_name=scale_node_{name}",
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        nodes.append(Node(name, port, process))
    deadline = time.monotonic() + 120
    for node in nodes:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{node.port}/healthz", timeout=2):
                    break
            except OSError:
                if node.process.poll() is not None or time.monotonic() > deadline:
                    tail = (log_dir / f"web-{node.name}.log").read_text(errors="replace")[-3000:]
                    raise SystemExit(f"node {node.name} did not start:\n{tail}") from None
                time.sleep(0.3)
    return nodes


def stop_nodes(nodes: list[Node]) -> None:
    for node in nodes:
        node.process.terminate()
    for node in nodes:
        try:
            node.process.wait(15)
        except subprocess.TimeoutExpired:
            node.process.kill()


def connections_per_node(admin_dsn: str, db_name: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name LIKE 'scale_node_%%' "
            "GROUP BY application_name",
            [db_name],
        ).fetchall()
    return {str(name).removeprefix("scale_node_"): int(n) for name, n in rows}


def pool_counters(node: Node, token: str) -> dict[str, float]:
    """The node's connection-pool counters from its ``/metrics`` (core.metrics.PoolCollector):
    connections taken, taken after waiting, seconds waited, timeouts; and its garbage
    collector's pauses (``ojc_gc_pause_seconds``)."""
    from prometheus_client.parser import text_string_to_metric_families

    request = urllib.request.Request(
        f"http://127.0.0.1:{node.port}/metrics", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    wanted = {
        "ojc_db_pool_requests_total": "taken",
        "ojc_db_pool_waited_requests_total": "waited",
        "ojc_db_pool_wait_seconds_total": "wait_s",
        "ojc_db_pool_timeouts_total": "timeouts",
    }
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in wanted and sample.labels.get("alias") == "default":
                found[wanted[sample.name]] = sample.value
            elif sample.name.startswith("ojc_gc_pause_seconds"):
                # The garbage collector's pauses: all, full ones, and those over 100 ms.
                generation = sample.labels.get("generation", "")
                if sample.name.endswith("_count"):
                    found["gc_n"] = found.get("gc_n", 0) + sample.value
                    found["gc_over_100ms"] = found.get("gc_over_100ms", 0) + sample.value
                    if generation == "2":
                        found["gc_full_n"] = sample.value
                elif sample.name.endswith("_sum"):
                    found["gc_s"] = found.get("gc_s", 0) + sample.value
                    if generation == "2":
                        found["gc_full_s"] = sample.value
                elif sample.name.endswith("_bucket") and sample.labels.get("le") == "0.1":
                    found["gc_over_100ms"] = found.get("gc_over_100ms", 0) - sample.value
    return found


def pool_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Waits for a pooled connection between two ``pool_counters`` readings."""
    taken = after.get("taken", 0) - before.get("taken", 0)
    waited = after.get("waited", 0) - before.get("waited", 0)
    wait_ms = 1000 * (after.get("wait_s", 0) - before.get("wait_s", 0))
    return {
        "taken": taken,
        "waited_pct": round(100 * waited / max(1, taken), 1),
        "ms_waited_per_take": round(wait_ms / max(1, taken), 2),
        "ms_per_wait": round(wait_ms / max(1, waited), 1),
        "timeouts": after.get("timeouts", 0) - before.get("timeouts", 0),
    }


def gc_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """The garbage collector's pauses between two ``pool_counters`` readings."""

    def diff(key: str) -> float:
        return after.get(key, 0) - before.get(key, 0)

    return {
        "pauses": int(diff("gc_n")),
        "paused_ms": round(1000 * diff("gc_s"), 1),
        "over_100ms": int(diff("gc_over_100ms")),
        "full": int(diff("gc_full_n")),
        "full_ms": round(1000 * diff("gc_full_s"), 1),
    }


# --- virtual users --------------------------------------------------------------------


@dataclass
class World:
    """What the users need: node ports, sessions and customers to log in as."""

    ports: list[int]
    cookie: str
    staff: list[tuple[str, str]]  # (job centre slug, session key)
    chat: list[tuple[str, int]]  # (session key, conversation id)
    customers: list[tuple[str, str]]  # (job centre slug, e-mail)


@dataclass
class Samples:
    # op -> list of (server app ms, server CPU ms, client wall ms)
    by_op: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, op: str, app: float, cpu: float, wall: float) -> None:
        self.by_op.setdefault(op, []).append((app, cpu, wall))


def server_timing(headers: Any) -> tuple[float, float]:
    found = dict(
        part.strip().split(";dur=", 1)
        for part in headers.get("Server-Timing", "").split(",")
        if ";dur=" in part
    )
    return float(found.get("app", "nan")), float(found.get("cpu", "nan"))


async def _get(
    http: Any, url: str, op: str, out: Samples, *, ok: tuple[int, ...] = (200,), **kw: Any
) -> str:
    t0 = time.perf_counter()
    async with http.get(url, allow_redirects=False, **kw) as response:
        body: str = await response.text()
        wall = (time.perf_counter() - t0) * 1000
        if response.status not in ok:
            out.errors.append(f"{op} {url} {response.status}")
            return body
        out.add(op, *server_timing(response.headers), wall)
        return body


def _csrf(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.find(marker)
    return html[start + len(marker) : html.find('"', start + len(marker))] if start >= 0 else ""


async def _pause(rng: random.Random, think: float) -> None:
    await asyncio.sleep(think * rng.uniform(0.5, 1.5) if think else 0)


async def customer_user(k: int, world: World, think: float, until: float, out: Samples) -> None:
    import aiohttp

    rng = random.Random(k)
    base = f"http://127.0.0.1:{world.ports[k % 2]}"
    n = 0
    while time.monotonic() < until:
        slug, email = world.customers[rng.randrange(len(world.customers))]
        n += 1
        # Each login from an address of its own (behind the proxy): the login rate limit
        # is per address, and 50 people do not share one.
        headers = {"X-Forwarded-For": f"10.{k % 250}.{(n // 250) % 250}.{n % 250 + 1}"}
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar, headers=headers) as http:
            page = await _get(http, f"{base}/konto/login/", "login page", out)
            await _get(http, f"{base}/bench/bare", BASELINES[0], out)
            t0 = time.perf_counter()
            form = {
                "csrfmiddlewaretoken": _csrf(page),
                "login": email,
                "password": CUSTOMER_PASSWORD,
            }
            async with http.post(f"{base}/konto/login/", data=form, allow_redirects=False) as r:
                await r.read()
                if r.status != 302:
                    out.errors.append(f"login {email} {r.status}")
                    continue
                out.add("login", *server_timing(r.headers), (time.perf_counter() - t0) * 1000)
            # A visit: Mein Bereich opened a few times (back from a sub-page, a reload).
            for _ in range(VISIT_PAGES):
                await _pause(rng, think)
                await _get(http, f"{base}/{slug}/mein-bereich/", "mein bereich", out)
                await _get(http, f"{base}/bench/bare", BASELINES[0], out)
        await _pause(rng, think)


async def staff_user(k: int, world: World, think: float, until: float, out: Samples) -> None:
    import aiohttp

    rng = random.Random(1000 + k)
    base = f"http://127.0.0.1:{world.ports[k % 2]}"
    slug, key = world.staff[k % len(world.staff)]
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, cookies={world.cookie: key}) as http:
        while time.monotonic() < until:
            await _get(http, f"{base}/{slug}/staff/", "work queue", out)
            await _get(http, f"{base}/bench/bare", BASELINES[0], out)
            await _pause(rng, think)
            name = rng.choice(SURNAMES)
            await _get(
                http, f"{base}/{slug}/staff/antraege/", "inbox search", out, params={"q": name}
            )
            await _pause(rng, think)


async def chat_user(k: int, world: World, think: float, until: float, out: Samples) -> None:
    from bench.chat_setup import open_ws

    rng = random.Random(2000 + k)
    key, conversation = world.chat[k % len(world.chat)]
    ws = await open_ws(world.ports[k % 2], f"{world.cookie}={key}")
    try:
        await ws.send(json.dumps({"type": "subscribe", "conversation": conversation, "cursor": 0}))
        while json.loads(await ws.recv())["type"] != "subscribed":
            pass
        n = 0
        while time.monotonic() < until:
            n += 1
            for kind in ("send", "ping") if n % 2 else ("ping", "send"):
                frame: dict[str, Any] = {"type": kind}
                if kind == "send":
                    frame |= {
                        "conversation": conversation,
                        "client_id": secrets.token_hex(8),
                        "body": f"Ich habe noch eine Frage ({n}).",
                    }
                t0 = time.perf_counter()
                await ws.send(json.dumps(frame))
                want = {"send": ("ack", "error"), "ping": ("pong",)}[kind]
                while True:
                    event = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if event["type"] in want:
                        break
                wall = (time.perf_counter() - t0) * 1000
                if event["type"] == "error":
                    out.errors.append(f"chat send {event.get('code')}")
                else:
                    # No Server-Timing on a socket: the round trip on loopback is the
                    # server's time plus the client loop's (an upper bound).
                    out.add(
                        "chat send" if kind == "send" else BASELINES[1], wall, float("nan"), wall
                    )
            await _pause(rng, think)
    finally:
        await ws.close()


async def run_users(world: World, mix: dict[str, int], think: float, seconds: float) -> Samples:
    out = Samples()
    until = time.monotonic() + seconds
    tasks = [customer_user(k, world, think, until, out) for k in range(mix["customers"])]
    tasks += [staff_user(k, world, think, until, out) for k in range(mix["staff"])]
    tasks += [chat_user(k, world, think, until, out) for k in range(mix["chat"])]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    out.errors += [repr(r) for r in results if isinstance(r, BaseException)]
    return out


# --- idle sockets (a process of their own) --------------------------------------------


def hold_idle(
    ports: list[int], cookie: str, keys: list[list[str]], ready: Any, stop: Any, result: Any
) -> None:
    """Open a socket per session key on each node (``keys[i]`` for ``ports[i]``), say how
    many are held, hold them until ``stop``, then ping a sample of each node's."""
    from bench.chat import raise_fd_limit

    raise_fd_limit()

    async def main() -> dict[str, Any]:
        # Both nodes at once: each opens its sockets on its own core.
        opened = await asyncio.gather(
            *(
                open_many([(port, f"{cookie}={key}") for key in node_keys])
                for port, node_keys in zip(ports, keys, strict=True)
            )
        )
        held: list[list[Any]] = [conns for conns, _ in opened]
        failed = [bad for _, bad in opened]
        ready.put({"held": [len(c) for c in held], "failed": failed})
        while not stop.is_set():
            await asyncio.sleep(0.5)
        alive = []
        for conns in held:
            sample = random.sample(conns, min(100, len(conns)))
            ok = 0
            for ws in sample:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.ping(), 10)
                    ok += 1
            alive.append(round(100 * ok / max(1, len(sample)), 1))
        for conns in held:
            await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
        return {"held": [len(c) for c in held], "failed": failed, "sample_alive_pct": alive}

    result.put(asyncio.run(main()))

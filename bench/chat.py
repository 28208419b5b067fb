"""Benchmark of the chat: a send alone, delivery under load, idle sockets, each beside a
baseline through the same stack measured in the same run (A/B/A/B).

    .venv/bin/python bench/chat.py                      # the issue's figures; PostgreSQL + Redis
    .venv/bin/python bench/chat.py --parts send,one --clients 400 --rate 80
    .venv/bin/python bench/chat.py --json var/bench-chat.json --check
    .venv/bin/python bench/chat.py --smoke              # seconds, tiny data (bench/smoke.py)

(a) **Send alone** (``send``): ``--senders`` (10) customers, each one socket on its own
    conversation, send at ``--send-rate`` (50/s) in all, one frame at a time per socket.
    The server's own clock (``bench/chat_asgi.py``) times each ``send`` frame from its
    arrival to its ``ack`` (parsing, rate limit, row lock, message row, conversation
    update, audit entry, commit, the pushes to Redis, the ack); the baseline is the
    ``ping`` → ``pong`` of the same sockets through the same stack, alternating in blocks.
    Reported: server time and client round trip p50/p95/p99, server CPU per frame and
    the server threads' wait for a CPU per frame, the send's phases inside the server
    (``send_phases_ms``, see ``bench/chat_asgi.py``). ``send_before``: the same sends on a
    second server that pushes through the layer's own ``group_send`` (the code before
    the batched publishing), in blocks of its own between the others.
(b) **Delivery** (``one``; ``two``: the same on two server processes, a conversation's
    devices alternating between them): ``--clients`` (1,000) sockets in
    ``--conversations`` (500) conversations, i.e. each conversation's customer on
    ``clients/conversations`` devices, every device its own session. At ``--rate``
    (200/s), round-robin over the conversations, one device sends and the time until
    each *other* device of the conversation receives the ``message`` is measured. The
    baseline: ``typing`` frames at the same rate (same frame in, same group fan-out
    through Redis, no database). ``--rounds`` × (typing block, send block) of ``--block``
    seconds each; after each block its backlog drains (at most 60 s): ``lost`` = never
    received, ``achieved`` = the rate the sends went out at.
(c) **Idle sockets** (``idle``): ``--idle`` (5,000) sockets on one process, each its own
    customer and logged-in session (the sessions are written into the session store in
    bulk, ``bench/chat_setup.py``), each joined to its personal group. Reported: held,
    a ping sample, the server's resident memory before and after, KB per socket.
(d) **Raw Channels layer** (``raw``): ``group_send`` on ``RedisPubSubChannelLayer`` to
    as many receivers at the same rate, in this process: what the layer itself costs.

Targets (issue 19): send p95 ≤ 50 ms server time; delivery p99 < 100 ms at 1,000 clients
and 200 msg/s; 5,000 idle sockets from 5,000 sessions.

PostgreSQL on 127.0.0.1 (user ``postgres``): the database ``--db-name`` is created and
dropped; Redis at ``--redis-url`` (database 14 by default) is flushed. The servers run the
development settings with ``DEBUG=0`` and the message rate limit raised
(``MESSAGING_RATE_COUNT``); each keeps 2–6 database connections open (``MESSAGING_DB_THREADS``
4 in use). Load generator and servers share the machine: read the load printed first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/chat.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.chat_setup import (
    PHASES,
    Server,
    idle_part,
    make_data,
    open_many,
    percentiles,
    raw_layer_part,
    server_env,
    start_server,
    stop,
    subscribe_all,
)
from bench.common import (
    ADMIN_URL,
    SMOKE_HELP,
    python_speed_ms,
    recreate_database,
    smoke_db_name,
    smoke_require,
)

DB_NAME = "ojc_bench_chat"
REDIS_URL = "redis://127.0.0.1:6379/14"
TARGET_IDLE = 5000
TARGET_SEND_P95_MS = 50.0
TARGET_P99_MS = 100.0
DRAIN_S = 60.0  # after a block, wait at most this long for its outstanding deliveries


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else 0.0


# --- (a) a send alone -----------------------------------------------------------------------


async def send_part(  # noqa: PLR0915 - one interleaved loop and its report
    servers: list[Server],
    data: dict[str, Any],
    *,
    senders: int,
    rate: int,
    block_s: float,
    rounds: int,
) -> dict[str, Any]:
    """``servers[0]``: the current code; ``servers[1]``, when given: the same with the
    chat's pushes through the layer's own ``group_send`` (before issue 19's batched
    publishing, ``CHAT_BENCH_PUBLISH=layer``), its sends in blocks of their own."""
    customers = data["customers"][:senders]
    cookie = data["cookie"]
    kinds = ["ping", "send"] + (["send_before"] if len(servers) > 1 else [])
    server_of = {"ping": 0, "send": 0, "send_before": len(servers) - 1}
    socket_sets: dict[int, list[Any]] = {}
    for n, server in enumerate(servers):  # each server its own session of the customer
        conns, failed = await open_many(
            [(server.port, f"{cookie}={c['devices'][n]}") for c in customers]
        )
        if failed:
            return {"error": f"could not open all connections ({failed} failed)"}
        await subscribe_all(
            [(ws, c["conversation"]) for ws, c in zip(conns, customers, strict=True)]
        )
        socket_sets[n] = conns
    answers: dict[Any, asyncio.Queue[dict[str, Any]]] = {
        ws: asyncio.Queue() for conns in socket_sets.values() for ws in conns
    }
    errors: list[str] = []

    async def reader(ws: Any, queue: asyncio.Queue[dict[str, Any]]) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                event = json.loads(raw)
                if event["type"] in ("ack", "pong", "error"):
                    if event["type"] == "error":
                        errors.append(str(event.get("code")))
                    queue.put_nowait(event)

    readers = [asyncio.ensure_future(reader(ws, q)) for ws, q in answers.items()]
    locks = {ws: asyncio.Lock() for ws in answers}
    results: dict[str, dict[str, Any]] = {
        kind: {"server": [], "rtt": [], "cpu_s": 0.0, "wait_s": 0.0, "n": 0} for kind in kinds
    }

    async def one(i: int, kind: str, n: int) -> None:
        ws = socket_sets[server_of[kind]][i]
        frame: dict[str, Any] = {"type": "ping" if kind == "ping" else "send"}
        if kind != "ping":
            frame |= {
                "conversation": customers[i]["conversation"],
                "client_id": secrets.token_hex(8),
                "body": f"Nachricht {n}",
            }
        async with locks[ws]:  # one frame at a time per socket: its answer is the next
            t0 = time.perf_counter()
            await ws.send(json.dumps(frame))
            await asyncio.wait_for(answers[ws].get(), 60)
            results[kind]["rtt"].append((time.perf_counter() - t0) * 1000)

    # Where a send's server time goes (``bench/chat_asgi.py``): thread queue, database
    # work (of it: statements, commit), pushes.
    phases: dict[str, dict[str, list[float]]] = {
        kind: {p: [] for p in PHASES} for kind in kinds if kind != "ping"
    }
    loop = asyncio.get_running_loop()
    for server in servers:
        server.timings()  # the subscribes' frames are not part of it
    for r in range(rounds):
        for kind in kinds if r % 2 == 0 else kinds[::-1]:
            server = servers[server_of[kind]]
            conns = socket_sets[server_of[kind]]
            total = max(1, int(rate * block_s))
            cpu0, wait0 = server.cpu_s(), server.run_delay_s()
            start = loop.time()
            tasks = []
            for n in range(total):
                delay = start + n / rate - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.ensure_future(one(n % len(conns), kind, n)))
            await asyncio.gather(*tasks, return_exceptions=True)
            results[kind]["cpu_s"] += server.cpu_s() - cpu0
            results[kind]["wait_s"] += server.run_delay_s() - wait0
            results[kind]["n"] += total
            timed = server.timings()
            results[kind]["server"] += timed["ping" if kind == "ping" else "send"]
            for phase in phases.get(kind, {}):
                phases[kind][phase].extend(timed.get(phase, []))
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in answers), return_exceptions=True)
    out: dict[str, Any] = {"senders": len(customers), "rate": rate, "errors": len(errors)}
    for kind in kinds:
        res = results[kind]
        out["baseline_ping" if kind == "ping" else kind] = {
            "server_ms": percentiles(res["server"]),
            "round_trip_ms": percentiles(res["rtt"]),
            "server_cpu_ms_per_frame": round(res["cpu_s"] * 1000 / max(1, res["n"]), 2),
            # Summed over the server's threads: waiting for a CPU while runnable.
            "server_cpu_wait_ms_per_frame": round(res["wait_s"] * 1000 / max(1, res["n"]), 2),
        }
        if kind in phases:
            out[f"{kind}_phases_ms"] = {
                p.split(".", 1)[1]: percentiles(v) for p, v in phases[kind].items()
            }
    send, ping = out["send"], out["baseline_ping"]
    out["ratio_to_baseline"] = {
        "server_p50": ratio(send["server_ms"]["p50"], ping["server_ms"]["p50"]),
        "server_p95": ratio(send["server_ms"]["p95"], ping["server_ms"]["p95"]),
        "cpu": ratio(send["server_cpu_ms_per_frame"], ping["server_cpu_ms_per_frame"]),
    }
    if "send_before" in out:
        before = out["send_before"]
        out["ratio_to_before"] = {
            "server_p50": ratio(send["server_ms"]["p50"], before["server_ms"]["p50"]),
            "server_p95": ratio(send["server_ms"]["p95"], before["server_ms"]["p95"]),
            "cpu": ratio(send["server_cpu_ms_per_frame"], before["server_cpu_ms_per_frame"]),
        }
    return out


# --- (b) delivery -----------------------------------------------------------------------------


async def delivery_part(  # noqa: PLR0915 - the part's knobs; one linear run
    servers: list[Server],
    data: dict[str, Any],
    *,
    clients: int,
    conversations: int,
    rate: int,
    block_s: float,
    rounds: int,
) -> dict[str, Any]:
    devices = max(2, clients // conversations)
    customers = data["customers"][:conversations]
    cookie = data["cookie"]
    ports = [s.port for s in servers]
    # Socket (i, j): conversation i, device j; a conversation's devices alternate servers.
    targets = [
        (ports[j % len(ports)], f"{cookie}={c['devices'][j]}")
        for c in customers
        for j in range(devices)
    ]
    conns, failed = await open_many(targets)
    if failed:
        return {"error": f"could not open all connections ({failed} failed)"}
    await subscribe_all(
        [
            (conns[i * devices + j], c["conversation"])
            for i, c in enumerate(customers)
            for j in range(devices)
        ]
    )
    # key -> [sent at, sender's socket index, receipts still expected]
    outstanding: dict[str, list[Any]] = {}
    latencies: list[float] = []
    errors: list[str] = []

    def received(key: str, me: int) -> None:
        entry = outstanding.get(key)
        if entry is None or entry[1] == me:
            return
        latencies.append((time.perf_counter() - entry[0]) * 1000)
        entry[2] -= 1
        if entry[2] == 0:
            del outstanding[key]

    async def reader(ws: Any, me: int) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                event = json.loads(raw)
                kind = event["type"]
                if kind == "message":
                    received(event["message"]["client_id"], me)
                elif kind == "typing":
                    received(f"t{event['conversation']}", me)
                elif kind == "error":
                    errors.append(str(event.get("code")))

    readers = [asyncio.ensure_future(reader(ws, n)) for n, ws in enumerate(conns)]
    loop = asyncio.get_running_loop()
    results: dict[str, dict[str, Any]] = {
        kind: {"lat": [], "lost": 0, "cpu_s": 0.0, "n": 0, "send_s": 0.0, "drain_s": 0.0}
        for kind in ("typing", "send")
    }
    n_global = 0
    for r in range(rounds):
        for kind in ("typing", "send") if r % 2 == 0 else ("send", "typing"):
            latencies.clear()
            total = max(1, int(rate * block_s))
            cpu0 = sum(s.cpu_s() for s in servers)
            start = loop.time()
            for k in range(total):
                n = n_global
                n_global += 1
                delay = start + k / rate - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                i = n % len(customers)
                sender = i * devices + (n // len(customers)) % devices
                conversation = customers[i]["conversation"]
                if kind == "send":
                    key = secrets.token_hex(8)
                    frame = {
                        "type": "send",
                        "conversation": conversation,
                        "client_id": key,
                        "body": f"Nachricht {n}",
                    }
                else:
                    key = f"t{conversation}"
                    frame = {"type": "typing", "conversation": conversation}
                outstanding[key] = [time.perf_counter(), sender, devices - 1]
                await conns[sender].send(json.dumps(frame))
            send_s = loop.time() - start
            deadline = loop.time() + DRAIN_S
            while outstanding and loop.time() < deadline:
                await asyncio.sleep(0.05)
            res = results[kind]
            res["lost"] += sum(entry[2] for entry in outstanding.values())
            outstanding.clear()
            res["cpu_s"] += sum(s.cpu_s() for s in servers) - cpu0
            res["n"] += total
            res["send_s"] += send_s
            res["drain_s"] = max(res["drain_s"], loop.time() - start - send_s)
            res["lat"] += latencies
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    out: dict[str, Any] = {
        "clients": len(conns),
        "conversations": len(customers),
        "devices_per_conversation": devices,
        "rate": rate,
        "errors": len(errors),
    }
    for kind, label in (("typing", "baseline_typing"), ("send", "send")):
        res = results[kind]
        out[label] = {
            "sent": res["n"],
            "achieved_rate": round(res["n"] / max(0.001, res["send_s"]), 1),
            "receipts": len(res["lat"]),
            "lost": res["lost"],
            "longest_drain_s": round(res["drain_s"], 1),
            "latency_ms": percentiles(res["lat"]),
            "server_cpu_ms_per_frame": round(res["cpu_s"] * 1000 / max(1, res["n"]), 2),
        }
    send, typing = out["send"], out["baseline_typing"]
    out["ratio_to_baseline"] = {
        "p50": ratio(send["latency_ms"]["p50"], typing["latency_ms"]["p50"]),
        "p99": ratio(send["latency_ms"]["p99"], typing["latency_ms"]["p99"]),
        "cpu": ratio(send["server_cpu_ms_per_frame"], typing["server_cpu_ms_per_frame"]),
    }
    return out


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        return soft
    return hard


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--idle", type=int, default=TARGET_IDLE)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--block", type=float, default=5.0, help="seconds per block")
    parser.add_argument("--rounds", type=int, default=4, help="baseline/target block pairs")
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--send-rate", type=int, default=50)
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument(
        "--parts", default="idle,send,one,two,raw", help="comma-separated: idle,send,one,two,raw"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    if "bench" not in args.db_name:
        parser.error("--db-name must contain 'bench': it is dropped")
    if args.smoke:
        args.idle, args.clients, args.conversations, args.rate = 20, 10, 5, 10
        args.block, args.rounds, args.senders, args.send_rate = 1.0, 1, 2, 10
        args.db_name = smoke_db_name(args.db_name)
    return args


def run_parts(args: argparse.Namespace, env: dict[str, str], log: Path) -> dict[str, Any]:
    parts = set(args.parts.split(","))
    data = make_data(
        env,
        customers=max(args.conversations, args.idle if "idle" in parts else 0, args.senders),
        devices=max(2, args.clients // args.conversations),
        conversations=max(args.conversations, args.senders),
        idle=args.idle if "idle" in parts else 0,
    )
    print(f"set-up: {data['sessions']} sessions; load {load()}", flush=True)
    report: dict[str, Any] = {}

    # A smoke run keeps its servers from part to part (starting one takes seconds); a
    # full run starts each part on fresh processes (memory, garbage, pools of their own).
    kept: dict[int, list[Server]] = {}

    def on_servers(
        count: int,
        name: str,
        part: Callable[[list[Server]], Any],
        before_env: dict[str, str] | None = None,
    ) -> None:
        """``before_env``: the last of the servers runs with these variables added (the
        code before, for the part to alternate with; never kept for another part)."""
        if before_env is not None:
            servers = kept.get(count - 1) or [start_server(env, log) for _ in range(count - 1)]
            servers = [*servers, start_server({**env, **before_env}, log)]
        else:
            servers = kept.get(count) or [start_server(env, log) for _ in range(count)]
        try:
            report[name] = {"load_before": load(), **asyncio.run(part(servers))}
            report[name]["load_after"] = load()
        finally:
            if before_env is not None:
                stop(servers.pop())
                count -= 1
            if args.smoke:
                kept[count] = servers
            else:
                for server in servers:
                    stop(server)
        print(f"{name}:", json.dumps(report[name]), flush=True)

    try:
        blocks = {"block_s": args.block, "rounds": args.rounds}
        if "idle" in parts:
            on_servers(1, "idle", lambda s: idle_part(s[0], data, args.idle))
        if "send" in parts:
            on_servers(
                2,
                "send_alone",
                lambda s: send_part(s, data, senders=args.senders, rate=args.send_rate, **blocks),
                before_env={"CHAT_BENCH_PUBLISH": "layer"},
            )
        delivery = {"clients": args.clients, "conversations": args.conversations, "rate": args.rate}
        if "one" in parts:
            on_servers(
                1, "delivery_one_process", lambda s: delivery_part(s, data, **delivery, **blocks)
            )
        if "two" in parts:
            on_servers(
                2, "delivery_two_processes", lambda s: delivery_part(s, data, **delivery, **blocks)
            )
        if "raw" in parts:
            receivers = args.clients - args.conversations
            report["raw_layer"] = asyncio.run(
                raw_layer_part(args.redis_url, 2 * receivers, args.rate, args.block * args.rounds)
            )
            print("raw layer:", json.dumps(report["raw_layer"]), flush=True)
    finally:
        for servers in kept.values():
            for server in servers:
                stop(server)
    return report


def verdict(report: dict[str, Any]) -> bool:
    ok = True
    if "idle" in report:
        ok &= report["idle"]["held"] >= TARGET_IDLE
    if "send_alone" in report and "send" in report["send_alone"]:
        ok &= report["send_alone"]["send"]["server_ms"]["p95"] <= TARGET_SEND_P95_MS
    for key in ("delivery_one_process", "delivery_two_processes"):
        if key in report:
            part = report[key].get("send")
            ok &= part is not None and part["latency_ms"]["p99"] < TARGET_P99_MS
            ok &= part is not None and part["lost"] == 0
    return ok


def smoke_checks(report: dict[str, Any], args: argparse.Namespace) -> None:
    smoke_require(report["machine"]["server_log_errors"] == 0, "errors in the server's log")
    smoke_require(report["idle"]["held"] == args.idle, "idle sockets were dropped")
    smoke_require(report["idle"]["distinct_sessions"] == args.idle, "idle sockets share sessions")
    send = report["send_alone"]
    smoke_require(
        send["errors"] == 0 and send["send"]["server_ms"]["n"] > 0, "send alone: refused or untimed"
    )
    for key in ("delivery_one_process", "delivery_two_processes"):
        part = report[key]
        for kind in ("send", "baseline_typing"):
            smoke_require(
                part[kind]["receipts"] > 0 and part[kind]["lost"] == 0 and part["errors"] == 0,
                f"{key} {kind}: lost or refused",
            )
    smoke_require(report["raw_layer"]["received"] > 0, "the raw layer delivered nothing")


def main() -> int:
    args = parse_args()
    fd_limit = raise_fd_limit()
    speed = python_speed_ms()
    machine: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_start": load(),
        "fd_limit": fd_limit,
        "python_loop_ms": speed,
    }
    print(
        f"cpus={os.cpu_count()} load (1/5 min)={load()} fd limit={fd_limit}"
        f" python loop={speed} ms (machine speed: lower is faster)",
        flush=True,
    )
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    recreate_database(ADMIN_URL, args.db_name, create=True)
    secret = secrets.token_urlsafe(50)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = server_env(base, secret, args.redis_url, args.db_name)
        log = base / "server.log"
        try:
            report = run_parts(args, env, log)
        finally:
            lines = log.read_text().splitlines() if log.exists() else []
            errors = [n for n, line in enumerate(lines) if "Traceback" in line or "ERROR" in line]
            machine["server_log_errors"] = len(errors)
            if errors:
                print(f"server log: {len(errors)} errors; the first:")
                print(*lines[errors[0] : errors[0] + 60], sep="\n  ")
            recreate_database(ADMIN_URL, args.db_name, create=False)
    machine["load_end"] = load()
    report = {"machine": machine, **report}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    ok = verdict(report)
    print("PASS" if ok else "FAIL (against the issue's targets)")
    if args.smoke:
        smoke_checks(report, args)
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())

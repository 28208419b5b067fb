"""The scale target of issue 20: an installation of 50 job centres at 70,000 and 700,000
customer accounts, two production web processes, 50 concurrent users.

    .venv/bin/python bench/scale.py --redis-url redis://127.0.0.1:6379/8            # 70k, then 700k
    .venv/bin/python bench/scale.py --reuse --sizes 700000 --redis-url …            # keep the data
    .venv/bin/python bench/scale.py --smoke --redis-url …                           # seconds

Per size (``--sizes``, ascending): the database ``--db-name`` (must contain ``scale``) grows
to that many customers (``bench/scale_seed.py``: bulk SQL, realistic volumes, 50 job centres
of 4,100–49,000 customers at 700,000), so the sizes share every row of the smaller one;
``--reuse`` keeps what an earlier run seeded (without it the database is made anew), ``--keep``
leaves it after the run. Then two web nodes (``python -m openjobcenter.serve --web-only``,
``bench/scale_load.py``) start, ``--idle`` chat sockets per node are opened and held by a
process of their own, and ``--users`` virtual users (customers logging in and opening Mein
Bereich; staff opening the work queue and searching the inbox; chat customers sending) work
for ``--duration`` seconds paced (``--think``, 1 s: a pause of 0.5–1.5 s after each
operation), then as long in a closed loop. Every HTTP user asks for the full-stack bare view
between two operations: the baseline, interleaved in the same run.

Reported per operation: p50/p95 server time and server CPU per request (the
``Server-Timing`` header: ``app`` and ``cpu``), p95 as a multiple of the bare view's, and
each node's CPU per request; for the chat send the round trip of ``send`` → ``ack`` (no
Server-Timing on a socket) beside ``ping`` → ``pong`` on the same socket; the requests
slower than ``--slow-ms`` split into database, CPU and the rest (waiting), from the nodes'
own access lines (``bench/scale_report.py``). Besides: database
connections per node (``pg_stat_activity`` by ``application_name``, mean and max over the
run), idle sockets held and alive afterwards, each node's resident memory, the load average
before and after. After the load, the SQL of each operation (Django's test client, in this
process) is run with ``EXPLAIN (ANALYZE, BUFFERS)``: queries, their time, and any
sequential scan of a table with more than 10,000 rows, named. Target: p95 < 100 ms server
time for every operation at 50 concurrent users, at every size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/scale.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import (
    ADMIN_URL,
    SMOKE_HELP,
    database_url,
    pool_env,
    python_speed_ms,
    recreate_database,
    setup_bench_django,
    smoke_db_name,
    smoke_require,
)
from bench.scale_report import (
    log_offsets,
    print_growth,
    print_size,
    slow_requests,
    summarise,
    verdict,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", default="70000,700000", help="customers in all, ascending")
    p.add_argument("--db-name", default="scale_bench")
    p.add_argument("--pg-admin-url", default=ADMIN_URL)
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    p.add_argument("--reuse", action="store_true", help="keep and grow an earlier run's data")
    p.add_argument("--keep", action="store_true", help="leave the database after the run")
    p.add_argument(
        "--seed-only",
        action="store_true",
        help="grow the database to the largest size and stop (implies --keep): "
        "seed before a quiet window, measure in it with --reuse",
    )
    p.add_argument("--users", type=int, default=50, help="concurrent users")
    p.add_argument("--duration", type=float, default=60.0, help="seconds per mode")
    p.add_argument("--think", type=float, default=1.0, help="mean pause after an operation")
    p.add_argument("--idle", type=int, default=5000, help="idle sockets per node")
    p.add_argument(
        "--pool-size",
        type=int,
        default=0,
        help="DATABASE_POOL_SIZE per node (default: the settings')",
    )
    p.add_argument(
        "--slow-ms",
        type=int,
        default=100,
        help="the nodes log requests slower than this (SLOW_REQUEST_MS); their split into "
        "database, CPU and waiting is printed per route (0: off)",
    )
    p.add_argument("--no-explain", action="store_true")
    p.add_argument("--json", help="write the results here")
    p.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = p.parse_args(argv)
    if args.smoke:
        args.sizes, args.users, args.duration, args.idle = "300", 6, 3.0, 20
        args.db_name, args.reuse, args.keep = smoke_db_name("scale_bench"), False, False
    if "scale" not in args.db_name:
        p.error("--db-name must contain 'scale' (the database is dropped and made anew)")
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.seed_only:
        args.keep = True
    return args


def user_mix(users: int) -> dict[str, int]:
    """Half customers logging in, three tenths staff, a fifth chatting (at least one each)."""
    staff, chat = max(1, users * 3 // 10), max(1, users // 5)
    return {"customers": max(1, users - staff - chat), "staff": staff, "chat": chat}


# --- sessions and people (this process, Django set up) --------------------------------


def make_world(
    ports: list[int], jcs: list[dict[str, Any]], mix: dict[str, int], idle: int
) -> tuple[Any, list[list[str]]]:
    """Logged-in sessions for the staff (second factor used), the chat customers and the idle
    sockets (each its own customer), and customers to log in as."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone

    from bench.scale_load import World
    from openjobcenter.accounts.models import User

    store = SessionStore()
    expires = timezone.now() + timedelta(hours=12)
    rows: list[Session] = []

    def session(user: Any, *, mfa: bool = False) -> str:
        key = secrets.token_hex(16)
        data: dict[str, Any] = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        if mfa:
            now = time.time()
            data["account_authentication_methods"] = [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "type": "totp", "id": 1},
            ]
            data["account_authentication_methods_user"] = str(user.pk)
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        return key

    staff = []
    for k in range(mix["staff"]):
        jc = jcs[k % len(jcs)]
        user = User.objects.get(pk=jc["staff"][k // len(jcs) % (len(jc["staff"]) - 1)])
        staff.append((jc["slug"], session(user, mfa=True)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (c.customer_id) c.customer_id, c.id FROM messaging_conversation c "
            "ORDER BY c.customer_id LIMIT %s",
            [mix["chat"] * 50],
        )
        convs = random.Random(7).sample(cursor.fetchall(), mix["chat"])
        cursor.execute(
            "SELECT j.slug, u.email FROM accounts_customerprofile p "
            "JOIN accounts_user u ON u.id = p.user_id JOIN tenants_jobcenter j ON j.id = p.jobcenter_id "
            "WHERE u.email LIKE 'kunde%%' ORDER BY random() LIMIT 3000"
        )
        customers = [(str(s), str(e)) for s, e in cursor.fetchall()]
        cursor.execute(
            "SELECT user_id FROM accounts_customerprofile ORDER BY id DESC LIMIT %s", [idle * 2]
        )
        idle_users = [r[0] for r in cursor.fetchall()]
    profiles = dict(
        User.objects.filter(customer_profile__id__in=[c[0] for c in convs]).values_list(
            "customer_profile__id", "pk"
        )
    )
    chat_users = User.objects.in_bulk(list(profiles.values()))
    chat = [(session(chat_users[profiles[cust]]), conv) for cust, conv in convs]
    idle_keys: list[list[str]] = [[], []]
    for n, user in enumerate(User.objects.filter(pk__in=idle_users).only("pk", "password")):
        idle_keys[n % 2].append(session(user))
    Session.objects.bulk_create(rows, batch_size=2000)
    world = World(
        ports=ports,
        cookie=settings.SESSION_COOKIE_NAME,
        staff=staff,
        chat=chat,
        customers=customers,
    )
    return world, idle_keys


# --- EXPLAIN of each operation's queries -----------------------------------------------


def explain_operations(world: Any) -> dict[str, Any]:
    """Each operation once through Django's test client; its SELECTs with EXPLAIN ANALYZE."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.scale_seed import CUSTOMER_PASSWORD

    slug, email = world.customers[0]
    customer = Client(HTTP_HOST="127.0.0.1")
    staff = Client(HTTP_HOST="127.0.0.1")
    staff.cookies[world.cookie] = world.staff[0][1]
    sslug = world.staff[0][0]
    ops: dict[str, Callable[[], Any]] = {
        "login": lambda: customer.post(
            "/konto/login/", {"login": email, "password": CUSTOMER_PASSWORD}
        ),
        "mein bereich": lambda: customer.get(f"/{slug}/mein-bereich/"),
        "work queue": lambda: staff.get(f"/{sslug}/staff/"),
        "inbox search": lambda: staff.get(f"/{sslug}/staff/antraege/", {"q": "Müller"}),
    }
    out: dict[str, Any] = {}
    for name, call in ops.items():
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        plans = []
        # A ``SET LOCAL`` the page ran before a statement (the inbox's name window) applies
        # to that statement's EXPLAIN, in its own transaction, and to no other.
        pending = ""
        for q in ctx.captured_queries:
            sql = q["sql"]
            if sql.lstrip().upper().startswith("SET"):
                pending = sql
                continue
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with transaction.atomic(), connection.cursor() as cursor:
                if pending:
                    cursor.execute(pending)
                    pending = ""
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0][0]
            scans = sorted(set(_seq_scans(plan["Plan"])))
            plans.append(
                {"ms": round(plan["Execution Time"], 2), "seq_scans": scans, "sql": sql[:160]}
            )
        plans.sort(key=lambda p: -p["ms"])
        out[name] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "select_ms": round(sum(p["ms"] for p in plans), 2),
            "slowest": plans[:3],
            "seq_scans": sorted({s for p in plans for s in p["seq_scans"]}),
        }
    return out


def _seq_scans(node: dict[str, Any]) -> list[str]:
    found = []
    if (
        node.get("Node Type") == "Seq Scan"
        and node.get("Plan Rows", 0) + node.get("Rows Removed by Filter", 0) > 10_000
    ):
        found.append(str(node.get("Relation Name")))
    for child in node.get("Plans", []):
        found += _seq_scans(child)
    return found


# --- one size ------------------------------------------------------------------------------


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cost(nodes: list[Any], holder_pid: int, seconds: float) -> dict[str, Any]:
    """CPU of each node and of the socket holder while only the idle sockets are open
    (keep-alive pings and pongs, nothing else): per second, as a share of one core."""
    n0, h0, t0 = [n.cpu_s() for n in nodes], proc_cpu_s(holder_pid), time.perf_counter()
    time.sleep(seconds)
    wall = time.perf_counter() - t0
    return {
        "seconds": round(wall, 1),
        "node_cpu_pct": {
            n.name: round(100 * (n.cpu_s() - c) / wall, 1) for n, c in zip(nodes, n0, strict=True)
        },
        "holder_cpu_pct": round(100 * (proc_cpu_s(holder_pid) - h0) / wall, 1),
    }


def measure_mode(
    world: Any,
    nodes: list[Any],
    args: argparse.Namespace,
    think: float,
    admin: str,
    log_dir: Path,
    holder_pid: int | None = None,
) -> dict[str, Any]:
    from bench.scale_load import (
        connections_per_node,
        gc_delta,
        pool_counters,
        pool_delta,
        run_users,
    )

    offsets = log_offsets(log_dir, [n.name for n in nodes])
    pool0 = {n.name: pool_counters(n, args.metrics_token) for n in nodes}
    conns: dict[str, list[int]] = {n.name: [] for n in nodes}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            counts = connections_per_node(admin, args.db_name)
            for node in nodes:
                conns[node.name].append(counts.get(node.name, 0))
            done.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    cpu0 = [n.cpu_s() for n in nodes]
    gen0 = time.process_time()
    holder0 = proc_cpu_s(holder_pid) if holder_pid else 0.0
    load0 = os.getloadavg()[0]
    sampler.start()
    started = time.perf_counter()
    samples = asyncio.run(run_users(world, user_mix(args.users), think, args.duration))
    seconds = time.perf_counter() - started
    # What the machine spent besides the nodes: the load generator (this process) and the
    # idle sockets' holder, as a share of one core.
    generator_pct = round(100 * (time.process_time() - gen0) / seconds, 1)
    holder_pct = (
        round(100 * (proc_cpu_s(holder_pid) - holder0) / seconds, 1) if holder_pid else None
    )
    done.set()
    sampler.join()
    pool1 = {n.name: pool_counters(n, args.metrics_token) for n in nodes}
    requests = sum(
        len(v) for k, v in samples.by_op.items() if k not in ("chat send", "chat ping (baseline)")
    )
    return {
        "mode": f"paced, think {think:g} s" if think else "closed loop",
        "seconds": round(seconds, 1),
        "load_before": round(load0, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "generator_cpu_pct": generator_pct,
        "holder_cpu_pct": holder_pct,
        "node_cpu_pct": {
            n.name: round(100 * (n.cpu_s() - c) / seconds, 1)
            for n, c in zip(nodes, cpu0, strict=True)
        },
        "timings": summarise(samples, seconds),
        "errors": samples.errors[:20],
        "error_count": len(samples.errors),
        "node_cpu_ms_per_http_request": round(
            sum(n.cpu_s() - c for n, c in zip(nodes, cpu0, strict=True)) * 1000 / max(1, requests),
            2,
        ),
        "connections": {
            name: {"mean": round(sum(v) / max(1, len(v)), 1), "max": max(v, default=0)}
            for name, v in conns.items()
        },
        # Waits for a pooled connection (all of the node's: requests and chat threads).
        "pool": {name: pool_delta(pool0[name], pool1[name]) for name in pool0},
        # The garbage collector's pauses on each node during the mode.
        "gc": {name: gc_delta(pool0[name], pool1[name]) for name in pool0},
        "slow_ms": args.slow_ms,
        "slow": slow_requests(log_dir, offsets) if args.slow_ms else [],
    }


def one_size(
    args: argparse.Namespace, size: int, env: dict[str, str], log_dir: Path
) -> dict[str, Any]:
    from bench.scale_load import hold_idle, start_nodes, stop_nodes
    from bench.scale_seed import grow

    grown = grow(size)
    database = database_url(args.pg_admin_url, args.db_name)
    admin = args.pg_admin_url.replace("postgres://", "postgresql://", 1)
    nodes = start_nodes(env, database, log_dir)
    result: dict[str, Any] = {"customers": size, "rows": grown["rows"], "seed_s": grown["seed_s"]}
    try:
        mix = user_mix(args.users)
        world, idle_keys = make_world([n.port for n in nodes], grown["jobcentres"], mix, args.idle)
        idle_keys = [keys[: args.idle] for keys in idle_keys]
        ctx = multiprocessing.get_context("spawn")
        ready, stop, idle_out = ctx.Queue(), ctx.Event(), ctx.Queue()
        holder = ctx.Process(
            target=hold_idle, args=(world.ports, world.cookie, idle_keys, ready, stop, idle_out)
        )
        rss0 = [n.rss_mb() for n in nodes]
        holder.start()
        opened = ready.get(timeout=900)
        result["idle_opened"] = opened
        result["rss_mb_with_idle"] = {
            n.name: {"before": round(r, 1), "after": round(n.rss_mb(), 1)}
            for n, r in zip(nodes, rss0, strict=True)
        }
        asyncio.run(warm(world))
        holder_pid = holder.pid or 0  # started above: it has one
        result["idle_cost"] = idle_cost(nodes, holder_pid, 2.0 if args.smoke else 15.0)
        result["modes"] = [
            measure_mode(world, nodes, args, args.think, admin, log_dir, holder_pid),
            measure_mode(world, nodes, args, 0.0, admin, log_dir, holder_pid),
        ]
        stop.set()
        result["idle"] = idle_out.get(timeout=300)
        holder.join(30)
        if not args.no_explain:
            result["explain"] = explain_operations(world)
    finally:
        stop_nodes(nodes)
    return result


async def warm(world: Any) -> None:
    """One pass of every operation on both nodes (templates, plans, pools)."""
    from bench.scale_load import run_users

    await run_users(world, {"customers": 2, "staff": 2, "chat": 2}, 0.0, 2.0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average {os.getloadavg()}, python speed {python_speed_ms()} ms", flush=True)
    if not args.reuse:
        recreate_database(args.pg_admin_url, args.db_name, create=True)
    else:
        import psycopg

        with psycopg.connect(
            args.pg_admin_url.replace("postgres://", "postgresql://", 1), autocommit=True
        ) as c:
            if not c.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [args.db_name]
            ).fetchone():
                recreate_database(args.pg_admin_url, args.db_name, create=True)
    base_dir = Path(tempfile.mkdtemp(prefix="ojc-scale-"))
    secret = secrets.token_urlsafe(40)
    node_pool = {} if not args.pool_size else {"DATABASE_POOL_SIZE": str(args.pool_size)}
    setup_bench_django(
        database_url(args.pg_admin_url, args.db_name),
        base_dir,
        name="scale",
        redis_url=args.redis_url,
        pool=pool_env(size=4, minimum=0),
        extra={
            "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "SECRET_KEY": secret,
            "EMAIL_HOST": "",
            # Chat customers here send faster than people do: not the rate limit's case.
            "MESSAGING_RATE_COUNT": "10000",
        },
    )
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_POOL")}
    env |= node_pool | {"PYTHONPATH": os.pathsep.join([str(root), str(root / "src")])}
    # Slow requests' access lines as JSON warnings: where their time went (scale_report.py).
    env |= {"LOG_FORMAT": "json", "SLOW_REQUEST_MS": str(args.slow_ms)}
    # The nodes' /metrics (their connection pools' waits) for this run only.
    args.metrics_token = secrets.token_urlsafe(32)
    env["METRICS_TOKEN"] = args.metrics_token
    results = []
    try:
        if args.seed_only:
            from bench.scale_seed import grow

            grow(args.sizes[-1])
            return 0
        for size in args.sizes:
            result = one_size(args, size, env, base_dir)
            results.append(result)
            print_size(result)
            sys.stdout.flush()
        print_growth(results)
        verdict(results)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
        if args.smoke:
            r = results[0]
            for mode in r["modes"]:
                smoke_require(mode["error_count"] == 0, f"errors: {mode['errors']}")
                for t in mode["timings"]:
                    smoke_require(t["n"] > 0, f"{t['name']}: no samples")
            smoke_require(r["idle"]["held"] == [args.idle, args.idle], f"idle sockets {r['idle']}")
            smoke_require(all(e["status"] in (200, 302) for e in r["explain"].values()), "explain")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(args.pg_admin_url, args.db_name, create=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""CPU per operation of the scale bench, in one process: where a request's CPU goes.

    .venv/bin/python bench/scale_ops.py --db-name scale_bench                 # a seeded database
    .venv/bin/python bench/scale_ops.py --db-name scale_bench --profile "inbox search"
    .venv/bin/python bench/scale_ops.py --smoke                              # seconds

``bench/scale.py`` measures the operations under 50 users on two nodes, where every
figure includes waiting for a core, the GIL and the pool. This script runs the same
operations (login, Mein Bereich, the work queue, the inbox name search) through Django's
test client in this one process against a database that ``bench/scale.py --seed-only``
seeded (``--smoke``: a tiny one of its own), with the whole middleware stack and the
production settings of ``bench.bench_settings``, and reports each operation's CPU time
(``time.thread_time``) per request beside the full-stack bare view's, interleaved in
rounds (every operation once per round, the order rotated). ``--profile OP`` runs that
operation under cProfile and prints where its CPU went. Only reads except the logins
(sessions, audit entries) and the sessions it makes for its staff and customer.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/scale_ops.py``
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import (
    ADMIN_URL,
    SMOKE_HELP,
    database_url,
    pool_env,
    recreate_database,
    setup_bench_django,
    smoke_db_name,
    smoke_require,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--db-name", default="scale_bench", help="a database bench/scale.py seeded")
    p.add_argument("--pg-admin-url", default=ADMIN_URL)
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--profile", help="an operation to run under cProfile")
    p.add_argument("--top", type=int, default=40, help="lines of the profile")
    p.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = p.parse_args(argv)
    if args.smoke:
        args.db_name, args.rounds = smoke_db_name("scale_ops"), 3
    return args


def operations() -> dict[str, Callable[[], Any]]:
    """The operations of ``bench/scale_load.py``, each a call of the test client."""
    from django.test import Client

    from bench.scale import make_world, user_mix
    from bench.scale_seed import CUSTOMER_PASSWORD, SURNAMES, ensure_jobcentres

    world, _idle = make_world([0, 0], ensure_jobcentres(), user_mix(10), 0)
    staff = Client(HTTP_HOST="127.0.0.1")
    staff.cookies[world.cookie] = world.staff[0][1]
    sslug = world.staff[0][0]
    customer = Client(HTTP_HOST="127.0.0.1")
    logins = iter(world.customers * 1000)
    visitor = Client(HTTP_HOST="127.0.0.1")
    names = iter(SURNAMES * 10000)
    slug, email = next(logins)

    addresses = iter(range(10**9))

    def login() -> Any:
        # Each login from an address of its own, as the scale bench's behind the proxy:
        # the login rate limit counts per address (30 a minute), and 50 people do not
        # share one.
        nonlocal slug
        slug, who = next(logins)
        n = next(addresses)
        visitor.cookies.clear()
        return visitor.post(
            "/konto/login/",
            {"login": who, "password": CUSTOMER_PASSWORD},
            REMOTE_ADDR=f"10.{(n // 62500) % 250}.{(n // 250) % 250}.{n % 250 + 1}",
        )

    page_visitor = Client(HTTP_HOST="127.0.0.1")

    def login_page() -> Any:
        # A visitor without cookies, through one client: a new ``Client`` loads the
        # middleware chain again (WhiteNoise's scan of every static file, ~40 ms), which
        # a server does once per process.
        page_visitor.cookies.clear()
        return page_visitor.get("/konto/login/")

    customer.post("/konto/login/", {"login": email, "password": CUSTOMER_PASSWORD})
    home_slug = slug
    return {
        "bare view (baseline)": lambda: staff.get("/bench/bare"),
        "login page": login_page,
        "login": login,
        "mein bereich": lambda: customer.get(f"/{home_slug}/mein-bereich/"),
        "work queue": lambda: staff.get(f"/{sslug}/staff/"),
        "inbox search": lambda: staff.get(f"/{sslug}/staff/antraege/", {"q": next(names)}),
    }


def measure(ops: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    cpu: dict[str, list[float]] = {name: [] for name in ops}
    names = list(ops)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            t0 = time.thread_time()
            response = ops[name]()
            cpu[name].append((time.thread_time() - t0) * 1000)
            if response.status_code not in (200, 302):
                raise SystemExit(f"{name}: HTTP {response.status_code}")
    return cpu


def profile(call: Callable[[], Any], n: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.smoke:
        recreate_database(args.pg_admin_url, args.db_name, create=True)
    setup_bench_django(
        database_url(args.pg_admin_url, args.db_name),
        Path(tempfile.mkdtemp(prefix="ojc-scale-ops-")),
        name="scaleops",
        redis_url=args.redis_url,
        pool=pool_env(size=2, minimum=0),
        extra={
            "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "EMAIL_HOST": "",
        },
        migrate=args.smoke,
    )
    try:
        if args.smoke:
            from bench.scale_seed import grow

            grow(300)
        ops = operations()
        measure(ops, 2)  # templates, plans, caches
        if args.profile:
            print(profile(ops[args.profile], args.rounds, args.top))
            return 0
        cpu = measure(ops, args.rounds)
        bare = statistics.median(cpu["bare view (baseline)"])
        print(f"load average {os.getloadavg()}, {args.rounds} rounds, CPU ms per request")
        print(f"   {'operation':24} {'p50':>8} {'p95':>8} {'× bare p50':>11}")
        for name, values in cpu.items():
            p50 = statistics.median(values)
            p95 = sorted(values)[max(0, int(len(values) * 0.95) - 1)]
            print(f"   {name:24} {p50:8.2f} {p95:8.2f} {p50 / bare:11.2f}")
            if args.smoke:
                smoke_require(p50 > 0, f"{name}: no CPU measured")
    finally:
        from django.db import connections

        connections.close_all()
        if args.smoke:
            recreate_database(args.pg_admin_url, args.db_name, create=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

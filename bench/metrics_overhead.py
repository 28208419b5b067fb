"""What the request metrics cost (core.metrics, core.middleware): server CPU per request
with the instrumentation on and off, interleaved A/B/A/B in one process.

In-process micro-benchmark on the embedded SQLite (a throw-away database under a temp
directory): Django's test client drives the full middleware stack, so the figure is the
whole request's CPU (client included, the same in both modes); "off" replaces the
metrics work of a request (labels, counters, histogram, the query timer) by nothing.
``--multiprocess`` measures the multi-process mode (values in mmap'd files under
``PROMETHEUS_MULTIPROC_DIR``, as ``serve.py`` runs it).

    .venv/bin/python bench/metrics_overhead.py                  # 6 rounds x 300 requests
    .venv/bin/python bench/metrics_overhead.py --multiprocess
    .venv/bin/python bench/metrics_overhead.py --smoke          # seconds; CI: fails if broken

No PostgreSQL connection is used.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ROUTES = ("/healthz", "/", "/fulda/")


def setup(base: Path, multiprocess: bool) -> None:
    os.environ.update(
        {
            "OJC_ENV": "test",
            "OJC_BASE_DIR": str(base),
            "DATABASE_URL": f"sqlite:///{base / 'bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
            "LOG_LEVEL": "warning",
        }
    )
    os.environ.pop("REDIS_URL", None)
    if multiprocess:
        (base / "metrics").mkdir()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(base / "metrics")
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from openjobcenter.tenants.demo import load_jobcenters

    load_jobcenters()


def switch(on: bool, saved: dict[str, Any]) -> None:
    from openjobcenter.core import middleware

    module: Any = middleware  # patched for the measurement only
    if not saved:
        saved.update(observe=module._observe, connection=module.connection)
    if on:
        module._observe = saved["observe"]
        module.connection = saved["connection"]
    else:
        module._observe = lambda *args: None
        module.connection = SimpleNamespace(execute_wrapper=lambda timer: contextlib.nullcontext())


def measure(client: Any, n: int) -> tuple[float, float]:
    """CPU ms and wall ms per request over ``n`` requests of every route."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        for route in ROUTES:
            response = client.get(route)
            if response.status_code != 200:
                msg = f"{route} answered {response.status_code}"
                raise SystemExit(msg)
    count = n * len(ROUTES)
    return (
        (time.process_time() - cpu0) * 1000 / count,
        (time.perf_counter() - wall0) * 1000 / count,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=100, help="per route, mode and round")
    parser.add_argument("--multiprocess", action="store_true")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.rounds, args.requests = 2, 5
    with tempfile.TemporaryDirectory(prefix="ojc-bench-metrics-") as tmp:
        setup(Path(tmp), args.multiprocess)
        from django.test import Client

        client = Client()
        saved: dict[str, Any] = {}
        measure(client, 3)  # warm: templates, caches, job centre cache
        results: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
        for round_no in range(args.rounds):
            order = ("on", "off") if round_no % 2 == 0 else ("off", "on")
            for mode in order:
                switch(mode == "on", saved)
                results[mode].append(measure(client, args.requests))
        switch(True, saved)
        load = os.getloadavg()
        mode_name = "multiprocess (mmap files)" if args.multiprocess else "per process"
        print(f"metrics overhead, {mode_name}; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        cpu = {m: statistics.median(c for c, _ in v) for m, v in results.items()}
        wall = {m: statistics.median(w for _, w in v) for m, v in results.items()}
        for mode in ("off", "on"):
            print(f"  {mode:>3}: CPU {cpu[mode]:.3f} ms/request, wall {wall[mode]:.3f} ms/request")
        extra_us = (cpu["on"] - cpu["off"]) * 1000
        print(
            f"  metrics cost {extra_us:.0f} us CPU per request ({cpu['on'] / cpu['off']:.3f}x of off)"
        )
        if args.smoke and not (cpu["on"] > 0 and cpu["off"] > 0):
            raise SystemExit("no measurement")


if __name__ == "__main__":
    main()

"""Benchmark of the Bürgergeld calculator: households per second on one core.

Run with ``.venv/bin/python bench/benefits.py [--n 10000] [--rounds 3] [--check] [--smoke]``.
For each typical household it times single calls and prints households per
second and the p50/p95 latency in microseconds, next to baselines measured in
the same run: parsing the input JSON (the floor any caller pays), parsing plus
validation, and the computation without the explanation text.  It ends with
households per second of ``calculate()`` per household type and a PASS/FAIL
line against the target of 5,000 per second (``--check``: exit status 1 on
FAIL).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import SMOKE_HELP
from openjobcenter.benefits import calculate
from openjobcenter.benefits.engine import compute
from openjobcenter.benefits.household import parse_household
from openjobcenter.benefits.rules import state_for

HOUSEHOLDS: dict[str, dict[str, Any]] = {
    "single": {
        "date": "2026-01-01",
        "rent_m": 450,
        "heating_m": 80,
        "in_grace_period": True,
        "members": [{"id": "A", "role": "adult", "age": 35}],
    },
    "couple, 2 children": {
        "date": "2026-01-01",
        "rent_m": 700,
        "heating_m": 120,
        "in_grace_period": False,
        "housing_limit_m": 800,
        "members": [
            {
                "id": "A",
                "role": "adult",
                "age": 38,
                "gross_earnings_m": 1500,
                "net_earnings_m": 1150,
            },
            {"id": "B", "role": "partner", "age": 36},
            {"id": "C", "role": "child", "age": 4},
            {"id": "D", "role": "child", "age": 10},
        ],
    },
    "single parent, 1 child": {
        "date": "2026-01-01",
        "rent_m": 500,
        "heating_m": 100,
        "in_grace_period": True,
        "single_parent": True,
        "members": [
            {"id": "A", "role": "adult", "age": 29, "gross_earnings_m": 520, "net_earnings_m": 520},
            {"id": "C", "role": "child", "age": 3, "advance_maintenance_m": 227},
        ],
    },
}


def _validate(text: str) -> object:
    return parse_household(json.loads(text))


def _calculate_json(text: str) -> object:
    return calculate(json.loads(text))


def _pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def _measure(func: Callable[[], object], n: int) -> tuple[float, float, float, float]:
    """Return (per second by CPU time, per second by wall time, p50 µs, p95 µs).

    Throughput is also given per CPU second (``time.process_time``) because on
    a shared machine wall time includes the time other processes held the core.
    """
    for _ in range(min(1000, n)):
        func()
    samples = []
    clock = time.perf_counter_ns
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    for _ in range(n):
        start = clock()
        func()
        samples.append(clock() - start)
    cpu_s, wall_s = time.process_time() - cpu_start, time.perf_counter() - wall_start
    quantiles = statistics.quantiles(samples, n=100)
    return n / cpu_s, n / wall_s, quantiles[49] / 1000, quantiles[94] / 1000


TARGET = 5_000  # households per second on one core (the requirement)


def _summarise(
    results: list[tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    """(best /s CPU, median /s CPU, p50 µs, p95 µs) of one step's rounds.

    Noise on a shared machine only ever makes a round slower, so the best
    round is the closest to the code's own speed; the median is the typical
    figure.  The latencies are those of the best round.
    """
    best = max(results, key=lambda r: r[0])
    return best[0], statistics.median(r[0] for r in results), best[2], best[3]


def main() -> None:
    """Run the benchmark, print a table, a summary per household and PASS or FAIL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="calls per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per step")
    parser.add_argument("--check", action="store_true", help="exit with status 1 on FAIL")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    if args.smoke:
        args.n, args.rounds = 200, 2
    print(
        f"Bürgergeld calculator benchmark, {args.n} calls x {args.rounds} rounds per step, "
        f"{_pin_to_one_core()}; households per CPU second, best and median of the rounds"
    )
    print(
        f"{'household':<24} {'step':<34} {'best /s':>10} {'median /s':>10} "
        f"{'CPU µs':>8} {'p50 µs':>8} {'p95 µs':>8}"
    )
    summary: dict[str, dict[str, tuple[float, float]]] = {}
    for name, household in HOUSEHOLDS.items():
        text = json.dumps(household)
        parsed = parse_household(household)
        state = state_for(parsed.day)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("baseline: json.loads", partial(json.loads, text)),
            ("baseline: json.loads + validation", partial(_validate, text)),
            ("compute only (no explanation)", partial(compute, parsed, state)),
            ("calculate() from dict", partial(calculate, household)),
            ("json.loads + calculate()", partial(_calculate_json, text)),
        ]
        summary[name] = {}
        # Rounds interleave the steps (A/B/C/A/B/C…): a slow spell of the machine falls on
        # every step alike instead of on whichever was measured at the time.
        results: dict[str, list[tuple[float, float, float, float]]] = {s: [] for s, _ in steps}
        for _ in range(args.rounds):
            for step, func in steps:
                results[step].append(_measure(func, args.n))
        for step, _func in steps:
            best, median, p50, p95 = _summarise(results[step])
            summary[name][step] = (best, median)
            print(
                f"{name:<24} {step:<34} {best:>10,.0f} {median:>10,.0f} "
                f"{1e6 / best:>8.1f} {p50:>8.1f} {p95:>8.1f}"
            )
    reference = _measure(partial(sum, range(100)), args.n)[2]
    print(
        f"machine speed reference: sum(range(100)) p50 {reference:.2f} µs "
        "(about 0.7-1.0 µs on an idle current x86 core; higher means a slow or busy machine)"
    )
    print()
    print(f"calculate() from dict, households per CPU second (target {TARGET:,}/s):")
    failed = []
    for name, steps_of in summary.items():
        best, median = steps_of["calculate() from dict"]
        parse_best = steps_of["baseline: json.loads + validation"][0]
        ok = best >= TARGET
        if not ok:
            failed.append(name)
        print(
            f"  {name:<24} best {best:>8,.0f}  median {median:>8,.0f}  "
            f"({parse_best / best:.1f}x the time of json.loads + validation)  "
            f"{'ok' if ok else 'BELOW TARGET'}"
        )
    slowest = min(summary, key=lambda name: summary[name]["calculate() from dict"][0])
    slowest_best = summary[slowest]["calculate() from dict"][0]
    if failed:
        print(f"FAIL: below {TARGET:,}/s: {', '.join(failed)}")
    else:
        print(
            f"PASS: every household at least {TARGET:,}/s (slowest: {slowest}, {slowest_best:,.0f}/s)"
        )
    if args.check and failed and not args.smoke:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

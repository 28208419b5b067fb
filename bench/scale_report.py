"""What ``bench/scale.py`` prints: per size and mode the operations' timings, the slow
requests' split read from the nodes' own logs, growth between sizes and the verdict."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import percentile

TARGET_P95_MS = 100.0


def summarise(samples: Any, seconds: float) -> list[dict[str, Any]]:
    from bench.scale_load import BASELINES, OPS

    rows = []
    base = samples.by_op.get(BASELINES[0], [])
    base_p95 = percentile(sorted(s[0] for s in base), 95) or 0.01
    base_cpu = percentile(sorted(s[1] for s in base), 50) or 0.01
    ping = samples.by_op.get(BASELINES[1], [])
    ping_p95 = percentile(sorted(s[0] for s in ping), 95) or 0.01
    for name in (*OPS, *BASELINES):
        got = samples.by_op.get(name, [])
        app = sorted(s[0] for s in got)
        cpu = sorted(s[1] for s in got if s[1] == s[1])
        socket = name in ("chat send", BASELINES[1])
        p95 = percentile(app, 95)
        rows.append(
            {
                "name": name,
                "n": len(got),
                "per_s": round(len(got) / seconds, 1),
                "server_p50_ms": round(percentile(app, 50), 2),
                "server_p95_ms": round(p95, 2),
                "cpu_p50_ms": round(percentile(cpu, 50), 2) if cpu else None,
                "cpu_p95_ms": round(percentile(cpu, 95), 2) if cpu else None,
                "x_baseline_p95": round(p95 / (ping_p95 if socket else base_p95), 2),
                "x_baseline_cpu": round(percentile(cpu, 50) / base_cpu, 2) if cpu else None,
            }
        )
    return rows


# --- slow requests, from the nodes' access lines -------------------------------------------
# The nodes run with LOG_FORMAT=json and SLOW_REQUEST_MS (``--slow-ms``): a request slower
# than that writes its access line as a warning, with its time in the database's queries
# (db_ms) and the serving thread's CPU (cpu_ms). What is neither is waiting: for a core,
# the GIL, a pooled connection or Redis.


def log_offsets(log_dir: Path, names: list[str]) -> dict[str, int]:
    """Where each node's log ends now: a mode reads only what was written after."""
    return {
        name: (log_dir / f"web-{name}.log").stat().st_size
        if (log_dir / f"web-{name}.log").exists()
        else 0
        for name in names
    }


def slow_requests(log_dir: Path, offsets: dict[str, int]) -> list[dict[str, Any]]:
    """The slow requests' access lines written since ``offsets``, summed per route: how
    many, and their mean duration split into database, CPU and the rest."""
    by_route: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, offset in offsets.items():
        path = log_dir / f"web-{name}.log"
        if not path.exists():
            continue
        with path.open("rb") as f:
            f.seek(offset)
            for raw in f:
                if not raw.startswith(b"{"):
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue
                if line.get("logger") == "openjobcenter.access" and "db_ms" in line:
                    by_route[f"{line['method']} {line['route']}"].append(line)
    rows = []
    for route, lines in sorted(by_route.items(), key=lambda kv: -len(kv[1])):
        n = len(lines)
        duration = sum(x["duration_ms"] for x in lines) / n
        db = sum(x["db_ms"] for x in lines) / n
        cpu = sum(x["cpu_ms"] for x in lines) / n
        rows.append(
            {
                "route": route,
                "n": n,
                "mean_ms": round(duration, 1),
                "db_ms": round(db, 1),
                "cpu_ms": round(cpu, 1),
                "rest_ms": round(max(0.0, duration - db - cpu), 1),
                "max_ms": round(max(x["duration_ms"] for x in lines), 1),
                "queries": round(sum(x["db_queries"] for x in lines) / n, 1),
            }
        )
    return rows


def print_slow(mode: dict[str, Any]) -> None:
    rows = mode.get("slow") or []
    if not rows:
        return
    print(
        f"   slower than {mode['slow_ms']} ms (the nodes' own lines), mean per request: "
        "database, CPU, the rest (waiting for a core, the GIL, a connection, Redis)"
    )
    for r in rows[:8]:
        print(
            f"      {r['route'][:44]:44} {r['n']:>5} × {r['mean_ms']:7.1f} ms = db "
            f"{r['db_ms']:6.1f} ({r['queries']:g} q) + cpu {r['cpu_ms']:5.1f} + rest "
            f"{r['rest_ms']:6.1f}; max {r['max_ms']:.0f}"
        )


def print_size(r: dict[str, Any]) -> None:
    rows = ", ".join(f"{v:,} {k}" for k, v in r["rows"].items())
    print(f"\n== {r['customers']:,} customers: {rows}")
    print(f"   idle sockets opened per node: {r['idle_opened']}, after the load: {r.get('idle')}")
    print(f"   node RSS MB before/after opening them: {r['rss_mb_with_idle']}")
    ic = r["idle_cost"]
    print(
        f"   idle sockets only, {ic['seconds']} s: node CPU % of a core {ic['node_cpu_pct']}, "
        f"holder {ic['holder_cpu_pct']} %"
    )
    for mode in r["modes"]:
        print(
            f"\n   {mode['mode']}, {mode['seconds']} s, load {mode['load_before']} → "
            f"{mode['load_after']}, node CPU per HTTP request {mode['node_cpu_ms_per_http_request']} ms, "
            f"PG connections per node {mode['connections']}, errors {mode['error_count']}"
        )
        print(
            f"   CPU % of a core: nodes {mode['node_cpu_pct']}, load generator "
            f"{mode['generator_cpu_pct']}, idle-socket holder {mode['holder_cpu_pct']}"
        )
        print(f"   pooled connections per node (waits): {mode.get('pool')}")
        print(f"   garbage collector per node (pauses): {mode.get('gc')}")
        print(
            f"   {'operation':24} {'n':>6} {'/s':>6} {'srv p50':>8} {'srv p95':>8} "
            f"{'cpu p50':>8} {'cpu p95':>8} {'×base p95':>9} {'×base cpu':>9}"
        )
        for t in mode["timings"]:
            cpu50 = "-" if t["cpu_p50_ms"] is None else f"{t['cpu_p50_ms']:.1f}"
            cpu95 = "-" if t["cpu_p95_ms"] is None else f"{t['cpu_p95_ms']:.1f}"
            xcpu = "-" if t["x_baseline_cpu"] is None else f"{t['x_baseline_cpu']:.2f}"
            print(
                f"   {t['name']:24} {t['n']:>6} {t['per_s']:>6} {t['server_p50_ms']:>8.1f} "
                f"{t['server_p95_ms']:>8.1f} {cpu50:>8} {cpu95:>8} {t['x_baseline_p95']:>9.2f} {xcpu:>9}"
            )
        print_slow(mode)
        for e in mode["errors"][:5]:
            print(f"   error: {e}")
    for name, e in r.get("explain", {}).items():
        print(
            f"\n   EXPLAIN {name}: {e['queries']} queries (status {e['status']}), SELECTs "
            f"{e['select_ms']} ms, seq scans of big tables: {e['seq_scans'] or 'none'}"
        )
        for p in e["slowest"]:
            print(f"      {p['ms']:7.2f} ms  {p['sql']}")


def print_growth(results: list[dict[str, Any]]) -> None:
    if len(results) < 2:
        return
    first, last = results[0], results[-1]
    print(f"\n== growth {first['customers']:,} → {last['customers']:,} customers")
    for m in range(len(first["modes"])):
        print(f"   {first['modes'][m]['mode']}: p95 (×baseline) and CPU p50, smaller → larger")
        for a, b in zip(first["modes"][m]["timings"], last["modes"][m]["timings"], strict=True):
            grow_p95 = b["server_p95_ms"] / max(a["server_p95_ms"], 0.01)
            cpu = (
                f"cpu {a['cpu_p50_ms']:.1f} → {b['cpu_p50_ms']:.1f} ms"
                if a["cpu_p50_ms"] is not None and b["cpu_p50_ms"] is not None
                else ""
            )
            print(
                f"   {a['name']:24} p95 {a['server_p95_ms']:.1f} (×{a['x_baseline_p95']}) → "
                f"{b['server_p95_ms']:.1f} (×{b['x_baseline_p95']}) ms: ×{grow_p95:.2f}  {cpu}"
            )


def verdict(results: list[dict[str, Any]]) -> None:
    from bench.scale_load import OPS

    for r in results:
        for mode in r["modes"]:
            over = [
                f"{t['name']} {t['server_p95_ms']:.0f} ms"
                for t in mode["timings"]
                if t["name"] in OPS and t["server_p95_ms"] >= TARGET_P95_MS
            ]
            state = "PASS" if not over else "FAIL: " + ", ".join(over)
            print(
                f"target p95 < {TARGET_P95_MS:.0f} ms, {r['customers']:,}, {mode['mode']}: {state}"
            )

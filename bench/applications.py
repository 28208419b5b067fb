"""Benchmark of the applications module: saving a step, submitting, the staff inbox.

    .venv/bin/python bench/applications.py                      # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/applications.py --rows 50000         # smaller inbox table
    .venv/bin/python bench/applications.py --check --json var/bench-applications.json

(a) **Saving one step** (``services.application_step_save``: the draft's row lock by a
    conditional UPDATE, the steps its checks read, validation of this step, optimistic
    version check, audit entry) by ``--clients`` concurrent customers, each with its own
    draft and database connection, ``--saves`` saves each, back to back (the worst case)
    or with ``--think-ms`` between a customer's saves; the same again for first saves of
    steps (each invalidates and tells the customer's home). Baseline in the same run,
    alternating with it (``--rounds``): a bare ``UPDATE`` of the step row with the same
    concurrency. Latency and CPU per save in the saving process. Targets: p95 < 50 ms,
    CPU ≤ 3 × the bare UPDATE's (issue 19).
(b) **Submitting** ``--submits`` complete drafts at once (``services.application_submit``:
    freeze the data, SHA-256, events, audit, and the hand-off deliveries and the PDFs'
    outbox rows in the same transaction), then the time until each summary and receipt
    PDF is stored (and all of the batch) and each hand-off (the built-in inbox) delivered
    by ``db_worker`` processes (``--pdf-workers``, started before the submissions, polling
    every 0.1 s), with CPU per submission in the submitting process and in the workers.
    The write path before (the rows one statement each, the tasks enqueued after the
    commit, ``rows_one_by_one``) runs in the same run, rounds alternating (``--rounds``
    each), with a bare ``UPDATE`` of an application row in every round as the baseline;
    then the render CPU of summary and receipt with WeasyPrint's font configuration made
    per render (old) and kept per thread (new). Targets: submit p95 < 300 ms at 20
    clients (``--submits 20``); all PDFs of 10 concurrent submissions within 5 s on two
    workers (``--submits 10``, the default).
(c) **Staff inbox** with ``--rows`` applications (default 500,000; about 10 % drafts) over
    ``--jobcenters`` job centres (default 50), loaded with ``COPY``: the first page (50
    rows + the count) and a search by customer number, through ``selectors_staff.inbox`` +
    the paginator, and the whole page (``GET /<jc>/staff/antraege/``, in-process, staff
    session with second factor). Baseline: the bare SQL of the first page. Target: < 200 ms
    p95 each.

PostgreSQL only on 127.0.0.1 (user ``postgres``, trust auth); the database
``ojc_bench_apps`` is created and dropped. The machine may be shared: the load average
is printed with the figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.applications_common import (
    ANSWERS,
    FILING,
    complete_draft,
    make_customers,
    run_concurrently,
    start_draft,
    warm_up,
)
from bench.applications_inbox import bench_inbox
from bench.applications_submit import bench_submit
from bench.common import (
    ADMIN_URL,
    LOCAL_HOSTS,
    SMOKE_HELP,
    database_url,
    pool_env,
    recreate_database,
    smoke_db_name,
    smoke_require,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "ojc_bench_apps"
STEP_TARGET_MS = 50.0
STEP_CPU_TARGET = 3.0

# --- Django ----------------------------------------------------------------


def django_env(database: str, base_dir: Path, redis_url: str = "") -> dict[str, str]:
    return {
        # With Redis (as in production) the cache and the channel layer are Redis's;
        # without, the embedded defaults (database cache, in-memory layer).
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "DATABASE_URL": database,
        "OJC_BASE_DIR": str(base_dir),
        "OJC_ENV": "development",
        "DEBUG": "0",
        "LOG_LEVEL": "warning",
        "TASKS_IMMEDIATE": "0",
        "EMAIL_HOST": "",
        # As production has it: without it every sealed row (the receipt mail of each
        # submission) logs a warning that the development key is used.
        "DOCUMENTS_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        # Up to --clients forked processes plus the workers each open a pool: a small one
        # (the default minimum of 18 connections each exhausts PostgreSQL's 100).
        **pool_env(),
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    if not env.get("REDIS_URL"):
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


# --- (a) saving a step ------------------------------------------------------------------


def bench_step_save(  # noqa: PLR0915 - three interleaved jobs share the set-up
    jobcenter: Any, clients: int, saves: int, think_ms: int, rounds: int
) -> dict[str, Any]:
    """``clients`` customers save the housing step ``saves`` times each, at once; the
    baseline, a bare ``UPDATE`` of the same step row, runs with the same concurrency, the
    two alternating ``rounds`` times each (A/B/B/A...). Latency and the CPU of the
    saving process per save (``time.process_time``)."""
    from openjobcenter.applications import services
    from openjobcenter.applications.models import Application, ApplicationStep

    customers = make_customers(jobcenter, clients, "step")
    apps = [start_draft(c) for c in customers]

    def stored_version(app_id: int) -> int:
        found = ApplicationStep.objects.filter(
            application_id=app_id, step_key="housing"
        ).values_list("version", flat=True)
        return int(found[0]) if found else 0

    def service_job(number: int) -> list[float]:
        warm_up()
        app = Application.objects.select_related("jobcenter", "customer__user").get(
            pk=apps[number].pk
        )
        version = stored_version(app.pk)
        out: list[float] = []
        rng = random.Random(number)
        for i in range(saves):
            if think_ms:
                # A person reads and types between two saves (0.5–1.5 × think time).
                time.sleep(think_ms / 1000 * rng.uniform(0.5, 1.5))
            answers = {**ANSWERS["housing"], "cold_rent": str(400 + i)}
            cpu, started = time.process_time(), time.perf_counter()
            row = services.application_step_save(
                request=None,
                application=app,
                step_key="housing",
                answers=answers,
                base_version=version,
            )
            out += [(time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000]
            version = row.version
        return out

    def bare_job(number: int) -> list[float]:
        app_id = apps[number].pk
        version = stored_version(app_id)
        if not version:  # the step's row, as the first save would have written it
            ApplicationStep.objects.create(
                application_id=app_id, step_key="housing", answers=ANSWERS["housing"], version=1
            )
            version = 1
        pk = ApplicationStep.objects.get(application_id=app_id, step_key="housing").pk
        out: list[float] = []
        rng = random.Random(number)
        for i in range(saves):
            if think_ms:
                time.sleep(think_ms / 1000 * rng.uniform(0.5, 1.5))
            cpu, started = time.process_time(), time.perf_counter()
            ApplicationStep.objects.filter(pk=pk, version=version).update(
                answers={**ANSWERS["housing"], "cold_rent": str(500 + i)}, version=version + 1
            )
            out += [(time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000]
            version += 1
        return out

    # First saves: each save is a step's first (the home's next step moves on, so the
    # customer's home is invalidated and told, once, after the commit). One draft gives
    # one per step of ``first_steps``; each client gets enough drafts for ``saves`` per round.
    first_steps = [k for k in ANSWERS if k not in {"filing", "personal", "household"}]
    per_client = -(-saves // len(first_steps)) * rounds
    firsts = make_customers(jobcenter, clients * per_client, "first")
    first_apps = [start_draft(c) for c in firsts]
    first_round = [0]
    # Once in the parent, untimed, so the forked clients inherit what a server process
    # loads once (e.g. the IBAN registry on the first bank step: ~150 ms).
    warm_app = start_draft(make_customers(jobcenter, 1, "warm")[0])
    for key in first_steps:
        services.application_step_save(
            request=None, application=warm_app, step_key=key, answers=ANSWERS[key], base_version=0
        )

    def first_job(number: int) -> list[float]:
        # A server process is long-lived: its first cache write and publish (connecting
        # to Redis) are not part of a save.
        warm_up()
        todo = first_apps[number * per_client : (number + 1) * per_client]
        skip = first_round[0] * -(-saves // len(first_steps))
        plan = [(a, k) for a in todo[skip:] for k in first_steps][:saves]
        out: list[float] = []
        rng = random.Random(number)
        for app_row, key in plan:
            app = Application.objects.select_related("jobcenter", "customer__user").get(
                pk=app_row.pk
            )
            if think_ms:
                time.sleep(think_ms / 1000 * rng.uniform(0.5, 1.5))
            cpu, started = time.process_time(), time.perf_counter()
            services.application_step_save(
                request=None, application=app, step_key=key, answers=ANSWERS[key], base_version=0
            )
            out += [(time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000]
        return out

    jobs = {
        "bare UPDATE (baseline)": bare_job,
        "application_step_save()": service_job,
        "first save of a step": first_job,
    }
    names = list(jobs)
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    for round_no in range(rounds):
        for name in names if round_no % 2 == 0 else names[::-1]:
            pairs = run_concurrently(clients, jobs[name])
            wall[name] += pairs[0::2]
            cpu[name] += pairs[1::2]
        first_round[0] += 1
    results = [
        summary(n, wall[n], cpu_ms=round(statistics.fmean(cpu[n]), 3) if cpu[n] else 0.0)
        for n in names
    ]
    bare_cpu, save_cpu = results[0]["cpu_ms"], results[1]["cpu_ms"]
    cpu_ratio = round(save_cpu / bare_cpu, 2) if bare_cpu else None
    first_ratio = round(results[2]["cpu_ms"] / bare_cpu, 2) if bare_cpu else None
    return {
        "clients": clients,
        "saves_each": saves,
        "rounds": rounds,
        "think_ms": think_ms,
        "timings": results,
        "cpu_ratio": cpu_ratio,
        "first_save_cpu_ratio": first_ratio,
        "target_p95_ms": STEP_TARGET_MS,
        "target_cpu_ratio": STEP_CPU_TARGET,
        "pass": results[1]["p95_ms"] < STEP_TARGET_MS
        and cpu_ratio is not None
        and cpu_ratio <= STEP_CPU_TARGET
        and first_ratio is not None
        and first_ratio <= STEP_CPU_TARGET,
    }


# --- report ---------------------------------------------------------------------------------


def print_table(title: str, timings: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    print(f"    {'':40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>7}")
    for t in timings:
        print(
            f"    {t['name']:40} {t['n']:5d} {t['p50_ms']:8.1f} {t['p95_ms']:8.1f} "
            f"{t['max_ms']:8.1f} {t.get('queries', ''):>7}"
        )


def print_report(result: dict[str, Any]) -> None:
    d = result["describe"]
    print(
        f"applications benchmark on {d['database']}, {d['cpus']} CPUs, "
        f"load average before {d['load_before']} / after {d['load_after']}"
    )
    if result.get("step"):
        s = result["step"]
        print_table(
            f"(a) saving one step, {s['clients']} concurrent customers × {s['saves_each']} saves"
            f", think time {s['think_ms']} ms",
            s["timings"],
        )
        print(
            "    CPU ms per save: "
            + ", ".join(f"{t['name']}: {t['cpu_ms']}" for t in s["timings"])
            + f"; ratio {s['cpu_ratio']} (saved again), {s['first_save_cpu_ratio']} (first save)"
        )
        print(
            f"    targets p95 < {s['target_p95_ms']:.0f} ms, CPU ≤ {s['target_cpu_ratio']} × "
            f"bare: {'PASS' if s['pass'] else 'FAIL'}"
        )
    if result.get("submit"):
        s = result["submit"]
        print_table(
            f"(b) submitting, {s['concurrent']} at once, {s['rounds']} rounds per path "
            "(interleaved)",
            s["timings"],
        )
        print(
            "    submit CPU ms per submission (submitting process): "
            + ", ".join(f"{t['name']}: {t['cpu_ms']}" for t in s["timings"] if "cpu_ms" in t)
        )
        for path, p in s["paths"].items():
            print(
                f"    {path}: summary PDF ready p50 {p['pdf_ready_s']['p50']} s p95 "
                f"{p['pdf_ready_s']['p95']} s; receipt p50 {p['receipt_ready_s']['p50']} s "
                f"p95 {p['receipt_ready_s']['p95']} s; all PDFs of a batch max "
                f"{p['all_pdfs_of_batch_s']['max']} s; hand-off delivered p50 "
                f"{p['handoff_delivered_s']['p50']} s p95 {p['handoff_delivered_s']['p95']} s; "
                f"worker CPU {p['worker_cpu_ms_per_submit']} ms per submission "
                f"({s['pdf_workers']} worker processes)"
            )
        print(f"    ratios new/old: {s['ratios']}; not done within 120 s: {s['missing']}")
        r = s["render"]
        print(
            f"    render CPU ms (this process): {r['cpu_ms']}; new/old summary "
            f"{r['summary_new_over_old']}, receipt {r['receipt_new_over_old']}"
        )
        print(
            f"    targets submit p95 < {s['target_submit_p95_ms']:.0f} ms, all PDFs < "
            f"{s['target_pdf_s']:.0f} s: {'PASS' if s['pass'] else 'FAIL'}"
        )
    if result.get("inbox"):
        s = result["inbox"]
        print_table(
            f"(c) staff inbox: {s['rows']:,} applications over {s['jobcenters']} job "
            f"centres ({s['rows_in_measured_jobcenter']:,} in the measured one; "
            f"loaded in {s['load_s']} s)",
            s["timings"],
        )
        print(
            f"    target p95 < {s['target_p95_ms']:.0f} ms (first page, customer-number "
            f"search): {'PASS' if s['pass'] else 'FAIL'}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pg-admin-url", default=ADMIN_URL)
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--saves", type=int, default=25)
    parser.add_argument(
        "--think-ms",
        type=int,
        default=0,
        help="pause between a customer's saves (0: back to back, the worst case)",
    )
    parser.add_argument("--submits", type=int, default=10)
    parser.add_argument("--redis-url", default="", help="Redis for cache and channel layer")
    parser.add_argument("--pdf-workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds per path, alternating (step: bare/service; submit: old/new)",
    )
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--jobcenters", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--only", choices=["step", "submit", "inbox"], action="append")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.saves, args.submits, args.rounds = 2, 3, 2, 1
        args.rows, args.jobcenters, args.iterations = 2_000, 2, 3
        if args.db_name == DB_NAME:
            args.db_name = smoke_db_name(DB_NAME)
    if (urlsplit(args.pg_admin_url).hostname or "") not in LOCAL_HOSTS:
        parser.error("--pg-admin-url must point to this machine (127.0.0.1)")
    if "bench" not in args.db_name:
        parser.error("--db-name must contain 'bench' (the database is dropped)")
    if not 1 <= args.clients <= 60 or not 1 <= args.submits <= 40:
        parser.error("--clients 1..60, --submits 1..40 (PostgreSQL's connection limit)")
    if not 0 <= args.rows <= 5_000_000 or not 1 <= args.jobcenters <= 500:
        parser.error("--rows 0..5,000,000, --jobcenters 1..500")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    parts = set(args.only or ["step", "submit", "inbox"])
    load_before = round(os.getloadavg()[0], 2)
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ojc-bench-apps-") as tmp:
        recreate_database(args.pg_admin_url, args.db_name, create=True)
        env = django_env(database_url(args.pg_admin_url, args.db_name), Path(tmp), args.redis_url)
        try:
            setup_django(env)
            from openjobcenter.tenants.demo import load_jobcenters
            from openjobcenter.tenants.models import Jobcenter

            load_jobcenters()
            jobcenter = Jobcenter.objects.get(slug="fulda")
            jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "applications"})
            jobcenter.save()
            if "step" in parts:
                result["step"] = bench_step_save(
                    jobcenter, args.clients, args.saves, args.think_ms, args.rounds
                )
            if "submit" in parts:
                result["submit"] = bench_submit(
                    jobcenter, args.submits, env, args.pdf_workers, args.rounds
                )
            if "inbox" in parts and args.rows:
                result["inbox"] = bench_inbox(
                    args.rows, args.jobcenters, args.iterations, args.seed
                )
        finally:
            from django.db import connections

            connections.close_all()
            recreate_database(args.pg_admin_url, args.db_name, create=False)
    result["describe"] = {
        "database": f"PostgreSQL ({args.db_name} on 127.0.0.1)",
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
        "python": sys.version.split()[0],
    }
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str))
    ok = all(result[p]["pass"] for p in ("step", "submit", "inbox") if p in result)
    if args.smoke:  # errors in the clients raised above; every timing must have samples
        for part in ("step", "submit", "inbox"):
            for timing in result.get(part, {}).get("timings", []):
                smoke_require(timing["n"] > 0, f"{part}: {timing['name']} has no samples")
        smoke_require(
            not result.get("submit", {}).get("missing"), "a submission's PDF or hand-off never came"
        )
    return 0 if ok or not args.check else 1


__all__ = ["ANSWERS", "FILING", "complete_draft", "main", "start_draft"]

if __name__ == "__main__":
    raise SystemExit(main())

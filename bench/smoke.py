"""Every benchmark in its smoke mode: seconds each, tiny data, the real code paths.

    make bench-smoke                     # PostgreSQL + Redis when DATABASE_URL/REDIS_URL say so
    .venv/bin/python bench/smoke.py      # the same
    .venv/bin/python bench/smoke.py --only home,chat --jobs 1

With ``DATABASE_URL`` pointing to PostgreSQL the scripts use that server (each its own
throw-away database, ``<name>_smoke_<pid>``, dropped after; the admin connection is the
URL's with the database ``postgres``) and, with ``REDIS_URL``, that Redis (the chat
benchmark flushes its database). Without it the scripts that can run on SQLite do, and
the PostgreSQL-only ones are skipped with a note; under ``CI=true`` nothing is skipped:
a missing service or a missing ``--smoke`` flag is a failure. Each script runs as a
subprocess with a time limit; the output of a failed one is printed. Exit status 1 when
any failed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if __package__ in {None, ""}:  # run as ``python bench/smoke.py``: make ``bench`` importable
    sys.path.insert(0, str(ROOT))


@dataclass
class Script:
    name: str
    sqlite: bool  # can run without PostgreSQL (with --sqlite unless ``needs_flag`` is False)
    sqlite_flag: bool = True
    pg_admin: bool = True  # takes --pg-admin-url
    redis: bool = False  # takes --redis-url


# Longest first, so the parallel runs end together.
SCRIPTS = [
    Script("applications", sqlite=False, redis=True),
    Script("chat", sqlite=False, pg_admin=False, redis=True),
    Script("appointments", sqlite=True, redis=True),
    Script("home", sqlite=True, redis=True),
    Script("news", sqlite=True, redis=True),
    Script("checkin", sqlite=True, redis=True),
    Script("http_baseline", sqlite=True),
    Script("staff_queue", sqlite=False),
    Script("scale", sqlite=False, redis=True),
    Script("scale_ops", sqlite=False, redis=True),
    Script("inbox", sqlite=False),
    Script("retention", sqlite=False),
    Script("documents", sqlite=True, sqlite_flag=False, pg_admin=False),
    Script("videos", sqlite=True, sqlite_flag=False, pg_admin=False),
    Script("benefits", sqlite=True, sqlite_flag=False, pg_admin=False),
    Script("metrics_overhead", sqlite=True, sqlite_flag=False, pg_admin=False),
    Script("feedback", sqlite=True, redis=True),
    Script("mandates", sqlite=True, redis=True),
    Script("postbox", sqlite=True, redis=True),
    Script("login", sqlite=True, redis=True),
    Script("handoff", sqlite=True, sqlite_flag=False, pg_admin=False),
    Script("sso", sqlite=True, redis=True),
]


@dataclass
class Outcome:
    name: str
    status: str  # ok, FAILED, skipped
    seconds: float
    note: str = ""
    output: str = ""


def admin_url(database_url: str) -> str:
    parts = urlsplit(database_url.replace("postgresql://", "postgres://", 1))
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def has_smoke_flag(path: Path) -> bool:
    """Whether the script takes ``--smoke``: its own option, or the shared database options
    (``bench.common.add_database_args``, also through ``parse_database_args``) that
    include it."""
    text = path.read_text(encoding="utf-8")
    return any(mark in text for mark in ('"--smoke"', "add_database_args(", "parse_database_args("))


def command(script: Script, postgres: str | None, redis: str | None) -> list[str] | str:
    """The command line, or why the script cannot run here."""
    path = ROOT / "bench" / f"{script.name}.py"
    if not has_smoke_flag(path):
        return "no --smoke flag"
    cmd = [sys.executable, str(path), "--smoke"]
    if postgres is None:
        if not script.sqlite:
            return "needs PostgreSQL (DATABASE_URL)"
        return cmd + (["--sqlite"] if script.sqlite_flag else [])
    if script.pg_admin:
        cmd += ["--pg-admin-url", admin_url(postgres)]
    if script.redis and redis:
        cmd += ["--redis-url", redis]
    return cmd


def drop_smoke_databases(admin: str, pid: int) -> None:
    """Drop the databases a killed smoke run left (``<name>_smoke_<pid>``)."""
    import psycopg

    from bench.common import recreate_database

    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1)) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"%bench%_smoke_{pid}"]
            )
        ]
    for name in names:
        recreate_database(admin, name, create=False)


def migrated_template(admin: str, pid: int) -> str:
    """A database migrated once to this tree's schema (``bench_template_smoke_<pid>``): each
    script's fresh database is a copy of it (``bench.common.recreate_database``), so the
    scripts' own ``migrate`` finds nothing to do. Migrating costs about 22 s of CPU; 15
    scripts did it each."""
    import tempfile

    from bench.common import database_url, recreate_database

    name = f"bench_template_smoke_{pid}"
    recreate_database(admin, name, create=True)
    with tempfile.TemporaryDirectory(prefix="ojc-bench-template-") as base:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "BENCH_TEMPLATE_DATABASE"}
        }
        env.update(
            {
                "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
                "DATABASE_URL": database_url(admin, name),
                "OJC_BASE_DIR": base,
                "OJC_ENV": "development",
                "DEBUG": "0",
                "LOG_LEVEL": "warning",
            }
        )
        for args in (["migrate", "--no-input", "-v", "0"], ["createcachetable", "-v", "0"]):
            subprocess.run(
                [sys.executable, "-m", "openjobcenter.manage", *args],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=600,
            )
    return name


def run(script: Script, cmd: list[str], timeout: float, postgres: str | None) -> Outcome:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    # The scripts set their own database, cache and settings; an inherited test setting
    # must not leak into them (REDIS_URL reaches a script only as --redis-url).
    for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    started = time.perf_counter()
    # Its own process group: a script that hangs is stopped with the servers it started.
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        if postgres:  # killed: its database was not dropped (named by the script's pid)
            drop_smoke_databases(admin_url(postgres), proc.pid)
        return Outcome(
            script.name,
            "FAILED",
            time.perf_counter() - started,
            f"no end within {timeout:.0f} s",
            output,
        )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        return Outcome(script.name, "FAILED", seconds, f"exit status {proc.returncode}", output)
    return Outcome(script.name, "ok", seconds)


def run_all(
    runnable: list[tuple[Script, list[str]]], args: argparse.Namespace, postgres: str | None
) -> list[Outcome]:
    """The scripts, ``args.jobs`` at once, each outcome printed as it ends."""
    outcomes = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(run, script, cmd, args.timeout, postgres) for script, cmd in runnable
        ]
        for future in futures:
            outcome = future.result()
            outcomes.append(outcome)
            print(
                f"  {outcome.name:<14} {outcome.status:<7} {outcome.seconds:6.1f} s  {outcome.note}",
                flush=True,
            )
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", help="comma-separated script names")
    parser.add_argument("--jobs", type=int, default=3, help="scripts at once")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per script")
    args = parser.parse_args(argv)
    strict = os.environ.get("CI", "").lower() == "true"
    database = os.environ.get("DATABASE_URL", "")
    postgres = database if database.startswith(("postgres://", "postgresql://")) else None
    redis = os.environ.get("REDIS_URL") or None
    wanted = set(args.only.split(",")) if args.only else {s.name for s in SCRIPTS}
    unknown = wanted - {s.name for s in SCRIPTS}
    if unknown:
        parser.error(f"unknown scripts: {', '.join(sorted(unknown))}")
    if strict and postgres is None:
        print("CI=true: the smoke run needs DATABASE_URL on PostgreSQL (nothing may skip)")
        return 1
    print(
        "bench smoke on "
        + (f"PostgreSQL ({urlsplit(postgres).hostname})" if postgres else "SQLite")
        + (f" and Redis ({redis})" if postgres and redis else "")
        + f", {args.jobs} at once, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    outcomes: list[Outcome] = []
    runnable: list[tuple[Script, list[str]]] = []
    for script in SCRIPTS:
        if script.name not in wanted:
            continue
        cmd = command(script, postgres, redis)
        if isinstance(cmd, str):
            outcomes.append(Outcome(script.name, "FAILED" if strict else "skipped", 0.0, cmd))
        else:
            runnable.append((script, cmd))
    started = time.perf_counter()
    template = None
    if postgres and runnable:
        template = migrated_template(admin_url(postgres), os.getpid())
        os.environ["BENCH_TEMPLATE_DATABASE"] = template
        print(f"  migrated template {template} ({time.perf_counter() - started:.1f} s)", flush=True)
    try:
        outcomes += run_all(runnable, args, postgres)
    finally:
        if template and postgres:
            from bench.common import recreate_database

            os.environ.pop("BENCH_TEMPLATE_DATABASE", None)
            recreate_database(admin_url(postgres), template, create=False)
    for outcome in outcomes:
        if outcome.status != "ok" and not outcome.output:
            print(f"  {outcome.name:<14} {outcome.status:<7} {'':>8}  {outcome.note}")
    for outcome in outcomes:
        if outcome.output:
            print(f"\n== {outcome.name}: {outcome.note}; its last output:")
            print(outcome.output[-6000:])
    failed = [o.name for o in outcomes if o.status == "FAILED"]
    total = time.perf_counter() - started
    print(f"bench smoke: {'FAILED: ' + ', '.join(failed) if failed else 'ok'} ({total:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the daily deletion run (``retention.services``) on chat history, the
largest kind of personal data, against a bare ``DELETE`` of the same rows.

    .venv/bin/python bench/retention.py                          # 20,000 conversations × 10 messages per round
    .venv/bin/python bench/retention.py --conversations 5000 --messages 20 --rounds 4
    .venv/bin/python bench/retention.py --smoke

A throw-away PostgreSQL database (``ojc_bench_retention``, dropped after) is migrated and
one job centre with 1,000 customers is created. Each round seeds a fresh set of N
conversations with M messages each (every one past its retention date, bulk INSERT …
SELECT generate_series), then deletes them either by the retention rule
``messaging.conversations`` (in batches of 500: one queryset cascade and one audit
INSERT with an entry per conversation, files through the storage API, each batch a
transaction with its report count) or by the baseline: two bare ``DELETE … WHERE id IN (…)`` statements per batch of
500 conversations, nothing else. Rounds alternate A/B/A/B so drift on the shared machine
hits both. Figures per round: rows (messages + conversations) per second of wall time, CPU
seconds of this process per 1,000 rows (the database's own CPU is not in it), and the
retention run's rows/s as a ratio to the bare DELETE of the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    ADMIN_URL,
    SMOKE_HELP,
    database_url,
    python_speed_ms,
    recreate_database,
    smoke_db_name,
    smoke_require,
)

DB_NAME = "ojc_bench_retention"
CUSTOMERS = 1000
BATCH = 500


def setup_django(database: str, base_dir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
            "DATABASE_URL": database,
            "OJC_BASE_DIR": str(base_dir),
            "OJC_ENV": "development",
            "DEBUG": "0",
            "LOG_LEVEL": "warning",
            "TASKS_IMMEDIATE": "0",
            "EMAIL_HOST": "",
            "DATABASE_POOL_MIN": "0",
            "DATABASE_POOL_SIZE": "2",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def seed_world() -> Any:
    from django.core.management import call_command

    from bench.seed import series
    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_jobcenters()
    jc = Jobcenter.objects.get(slug="fulda")
    series(
        User,
        CUSTOMERS,
        {"email": "'bench-' || i || '@example.org'", "password": "'!'", "is_active": "true"},
    )
    first_user = User.objects.order_by("pk").values_list("pk", flat=True).first()
    series(
        CustomerProfile,
        CUSTOMERS,
        {"user_id": f"{first_user} + i - 1", "jobcenter_id": str(jc.pk), "customer_number": "NULL"},
    )
    return jc


def seed_round(jc: Any, conversations: int, messages: int) -> int:
    """N old conversations with M messages each; returns the rows (both kinds)."""
    from django.db import connection

    from bench.seed import series
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.messaging.models import Conversation, Message

    first = CustomerProfile.objects.order_by("pk").values_list("pk", flat=True).first()
    old = "now() - interval '12 years'"
    series(
        Conversation,
        conversations,
        {
            "jobcenter_id": str(jc.pk),
            "customer_id": f"{first} + (i % {CUSTOMERS})",
            "subject": "'Frage'",
            "created_at": old,
            "last_message_at": old,
        },
    )
    # The table is empty before each round: the new conversations are all there is.
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT MIN(id) FROM "{Conversation._meta.db_table}"')  # noqa: S608
        base = int(cursor.fetchone()[0]) - 1
    series(
        Message,
        conversations * messages,
        {
            "conversation_id": f"{base} + 1 + ((i - 1) / {messages})",
            "side": "'customer'",
            "body": "'Guten Tag, anbei mein Nachweis.'",
            "created_at": old,
        },
    )
    return conversations * (messages + 1)


def run_retention(jc: Any) -> int:
    from openjobcenter.retention import registry
    from openjobcenter.retention.services import _run_rule

    report = _run_rule(
        registry.get("messaging.conversations"), jc, run_id="bench", now=_now(), batch=BATCH
    )
    return int(report.deleted)


def run_bare(jc: Any) -> int:
    from django.db import connection, transaction

    from openjobcenter.messaging.models import Conversation, Message

    conv, msg = Conversation._meta.db_table, Message._meta.db_table
    deleted = 0
    while True:
        ids = list(
            Conversation.objects.filter(jobcenter=jc, last_message_at__lt=_now())
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return deleted
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{msg}" WHERE conversation_id = ANY(%s)', [ids])  # noqa: S608
            cursor.execute(f'DELETE FROM "{conv}" WHERE id = ANY(%s)', [ids])  # noqa: S608
        deleted += len(ids)


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from openjobcenter.messaging.models import Conversation

    jc = seed_world()
    rounds = []
    for i in range(args.rounds):
        kind = "retention rule" if i % 2 else "bare DELETE"
        rows = seed_round(jc, args.conversations, args.messages)
        wall0, cpu0 = time.perf_counter(), time.process_time()
        deleted = run_retention(jc) if i % 2 else run_bare(jc)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        smoke_require(deleted == args.conversations, f"{kind}: deleted {deleted}")
        smoke_require(not Conversation.objects.exists(), f"{kind}: rows left")
        rounds.append(
            {
                "kind": kind,
                "rows": rows,
                "wall_s": wall,
                "rows_per_s": rows / wall,
                "cpu_ms_per_1000_rows": cpu * 1000 / rows * 1000,
            }
        )
        print(
            f"round {i + 1} {kind:15s} {rows:>9,} rows  {wall:7.2f} s  "
            f"{rows / wall:>10,.0f} rows/s  CPU {cpu * 1000 / rows * 1000:7.1f} ms/1000 rows",
            flush=True,
        )
    return rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=10, help="messages per conversation")
    parser.add_argument("--rounds", type=int, default=4, help="A/B rounds (even)")
    parser.add_argument("--pg-admin-url", default=ADMIN_URL)
    parser.add_argument("--db-name", default=DB_NAME, help="bench database (dropped)")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args(argv)
    if args.smoke:
        args.conversations, args.messages, args.rounds = 60, 3, 2
        if args.db_name == DB_NAME:
            args.db_name = smoke_db_name(DB_NAME)
    if "bench" not in args.db_name:
        parser.error("--db-name must contain 'bench' (the database is dropped)")
    print(f"Python speed: {python_speed_ms()} ms (fixed loop; compare figures only beside it)")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    recreate_database(args.pg_admin_url, args.db_name, create=True)
    try:
        with tempfile.TemporaryDirectory() as base:
            setup_django(database_url(args.pg_admin_url, args.db_name), Path(base))
            rounds = measure(args)
            from django.db import connections

            connections.close_all()
    finally:
        recreate_database(args.pg_admin_url, args.db_name, create=False)
    by_kind: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for r in rounds:
        by_kind.setdefault(r["kind"], []).append(r["rows_per_s"])
        cpu.setdefault(r["kind"], []).append(r["cpu_ms_per_1000_rows"])
    if len(by_kind) == 2:
        bare = statistics.median(by_kind["bare DELETE"])
        rule = statistics.median(by_kind["retention rule"])
        print(
            f"median rows/s: bare DELETE {bare:,.0f}, retention rule {rule:,.0f} "
            f"(×{rule / bare:.2f} of bare); CPU ms/1000 rows: bare "
            f"{statistics.median(cpu['bare DELETE']):.1f}, rule "
            f"{statistics.median(cpu['retention rule']):.1f}"
        )
        one_m = 1_000_000 / rule
        print(
            f"at this rate 1,000,000 messages (with their conversations) take ≈ {one_m / 60:.0f} min"
        )
    print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

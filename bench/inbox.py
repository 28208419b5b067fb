"""Benchmark of the staff applications inbox and the work queue's application counts at
500,000 applications in ONE job centre (issue 19, item 4).

    .venv/bin/python bench/inbox.py                                  # 10k, 100k, 500k
    .venv/bin/python bench/inbox.py --sizes 10000,100000 --rounds 20
    .venv/bin/python bench/inbox.py --smoke                           # seconds, tiny data
    .venv/bin/python bench/inbox.py --json var/bench-inbox.json
    .venv/bin/python bench/inbox.py --redis-url redis://127.0.0.1:6379/0  # cache as in production

One fresh PostgreSQL database (``ojc_bench_inbox``, created and dropped) is migrated and
grown to each size in turn with bulk ``INSERT … SELECT generate_series`` (no Python per
row): 2,000 customers, applications in every status (a fifth assigned to 11 caseworkers,
10 % renewals, a tenth drafts), names drawn from 40 first × 50 last names so that a common
name ("Müller") matches 2 % of all rows, submissions spread over two years.

At each size one logged-in caseworker (the whole middleware stack, session, template,
through Django's test client, one process) asks in interleaved rounds (A/B/A/B: every
operation once per round, the order rotated) for:

* ``baseline: pk lookup`` — one application by primary key (the floor of a page's SQL),
* ``first page`` — ``/<jc>/staff/antraege/``, the newest 50,
* ``next page`` — the keyset link ``?nach=<id>`` from the first page,
* ``filter status`` / ``filter kind`` / ``filter kind (none match)`` (change notices: none
  are seeded, the worst case of a rare value) / ``filter mine`` / ``filter unassigned`` /
  ``filter date`` (the last 7 days),
* ``search name (common)`` (``Müller``: ~2 % of rows match, ranked by trigram similarity
  among at most 500 candidates), ``search name (rare)`` (one person's full name),
  ``search number`` (a customer number), ``search reference``,
* ``work queue counts`` — ``ApplicationsQueueProvider.queue`` (capped counts, one query).

Per operation: p50/p95 wall time, p95 CPU time of this process (``time.thread_time``:
Django's share; PostgreSQL's CPU is in the wall time), p50/p95 of the time spent in SQL
(the sum of the operation's queries, as the client sees it), and the ratio of p95 to the
same round's baseline. Across sizes: growth of each p95 from the smallest size (flat ≈
1.0). The machine's load average is printed beside the figures. Target: p95 < 100 ms at
every size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ADMIN_URL, database_url, percentile, recreate_database, smoke_db_name
from bench.seed import seed_customers, seed_staff, series
from bench.staff_queue import logged_in, migrate, setup_django

DB_NAME = "ojc_bench_inbox"  # --db-name: helpers sharing one server each use their own
TARGET_P95_MS = 100.0
BASELINE = "baseline: pk lookup"
QUEUE_COLD = "work queue page (cold cache)"
# The modules whose work-queue providers have a backlog here (see ``grow_backlog``).
MODULES = ["applications", "documents", "messaging"]
FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Ida", "Jonas"]
FIRST += ["Karl", "Lena", "Mia", "Noah", "Olga", "Paul", "Quirin", "Rosa", "Sven", "Tina"]
FIRST += ["Uwe", "Vera", "Wilhelm", "Xenia", "Yusuf", "Zoe", "Ahmet", "Fatma", "Olena", "Taras"]
FIRST += ["Mehmet", "Ayşe", "Dmytro", "Iryna", "Omar", "Leyla", "Jürgen", "Björn", "Sören", "Ülkü"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"]
LAST += ["Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf"]
LAST += ["Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann"]
LAST += ["Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid"]
LAST += ["Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber"]
LAST += ["Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Yılmaz"]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def seed_base() -> dict[str, Any]:
    """The job centre, 12 staff members and 2,000 customers."""
    from openjobcenter.messaging import services as chat
    from openjobcenter.tenants.models import Jobcenter

    jobcenter = Jobcenter.objects.create(
        slug="bench", name="Jobcenter Bench", enabled_modules=MODULES
    )
    chat.topics_ensure_defaults(jobcenter=jobcenter)
    staff = seed_staff(jobcenter)
    customers = 2000
    first_customer = seed_customers(jobcenter, customers)
    return {
        "jobcenter": jobcenter,
        "staff": staff,
        "first_customer": first_customer,
        "customers": customers,
        "size": 0,
    }


def reuse_base() -> dict[str, Any] | None:
    """The world an earlier ``--keep`` run left in the database, or ``None``."""
    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.applications.models import Application
    from openjobcenter.tenants.models import Jobcenter

    jobcenter = Jobcenter.objects.filter(slug="bench").first()
    if jobcenter is None:
        return None
    if jobcenter.enabled_modules != MODULES:  # kept by a run before the work queue's backlog
        from openjobcenter.messaging import services as chat

        Jobcenter.objects.filter(pk=jobcenter.pk).update(enabled_modules=MODULES)
        jobcenter.refresh_from_db()
        chat.topics_ensure_defaults(jobcenter=jobcenter)
    staff = list(
        User.objects.filter(
            email__endswith="@bench.example.org", memberships__jobcenter=jobcenter
        ).order_by("pk")
    )
    profiles = CustomerProfile.objects.filter(jobcenter=jobcenter).order_by("pk")
    return {
        "jobcenter": jobcenter,
        "staff": staff,
        "first_customer": int(profiles[0].pk),
        "customers": profiles.count(),
        "size": Application.objects.filter(jobcenter=jobcenter).count(),
    }


def grow(world: dict[str, Any], size: int) -> float:
    """Add applications until the job centre has ``size``; the seconds it took."""
    from django.db import connection

    from openjobcenter.applications.models import Application

    start, add = world["size"], size - world["size"]
    if add <= 0:
        return 0.0
    started = time.perf_counter()
    n = f"(i + {start})"
    first, last = _sql_array(FIRST), _sql_array(LAST)
    s0 = world["staff"][0].pk
    # n % 10: 0 draft, 1 filed draft, 2-4 received, 5 in progress, 6 documents requested,
    # 7-8 decided, 9 complete. A fifth assigned (in progress, documents requested).
    status = (
        "(ARRAY['draft','draft','received','received','received','in_progress',"
        f"'documents_requested','decided','decided','complete'])[{n} % 10 + 1]"
    )
    series(
        Application,
        add,
        {
            "jobcenter_id": str(world["jobcenter"].pk),
            "customer_id": f"{world['first_customer']} + ({n}::bigint * 7919) % {world['customers']}",
            "kind": f"CASE WHEN {n} % 10 = 3 THEN 'renewal' ELSE 'initial' END",
            "status": status,
            "reference": f"'EA-2026-B' || lpad({n}::text, 8, '0')",
            "form_key": "'initial'",
            "form_version": "1",
            "filed_at": f"CASE WHEN {n} % 10 = 0 THEN NULL "
            f"ELSE now() - ({size} - {n}) * interval '2 minutes' END",
            "submitted_at": f"CASE WHEN {n} % 10 < 2 THEN NULL "
            f"ELSE now() - ({size} - {n}) * interval '2 minutes' END",
            "submitted_data": f"CASE WHEN {n} % 10 < 2 THEN NULL ELSE '{{}}'::jsonb END",
            "assignee_id": f"CASE WHEN {n} % 10 IN (5, 6) THEN {s0} + ({n} % 11) ELSE NULL END",
            "customer_name": f"({first})[{n} % 40 + 1] || ' ' || ({last})[({n} / 40) % 50 + 1]"
            f" || CASE WHEN {n} % 3 = 0 THEN '-' || ({last})[({n} / 7) % 50 + 1] ELSE '' END",
            "customer_number": f"'K' || (({n}::bigint * 7919) % {world['customers']} + 1)",
            "created_at": "now()",
            "updated_at": "now()",
        },
    )
    grow_backlog(world, start, add)
    # Newer submissions: the seed's times are relative to its size; keep them ordered by id.
    # VACUUM as autovacuum would after such a load: it sets the visibility map, without
    # which PostgreSQL cannot answer from an index alone (the name search's window).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) applications_application")
        # The backlogs' statistics too (autovacuum would; without them the planner takes
        # the bulk-loaded tables for empty and joins them in nested loops).
        for table in (
            "documents_document",
            "documents_documentrequest",
            "documents_requestitem",
            "messaging_conversation",
        ):
            cursor.execute(f"ANALYZE {table}")
    world["size"] = size
    return round(time.perf_counter() - started, 1)


def grow_backlog(world: dict[str, Any], start: int, add: int) -> None:
    """The work queue's other backlogs, growing with the applications: per 10 applications
    2 documents (one in 10 received, not yet checked: 10,000 at 500,000; a fifth of those
    health documents), 0.2 document requests (open, past their deadline) and one
    conversation (a fifth waiting for the job centre)."""
    from openjobcenter.documents.models import Document, DocumentRequest, RequestItem
    from openjobcenter.messaging.models import Conversation, Topic

    jc = world["jobcenter"].pk
    cust = f"{world['first_customer']} + ((i + {start})::bigint * 7919) % {world['customers']}"
    kinds = "(ARRAY['payslip','bank_statement','rent_statement','sick_note','other'])"
    series(
        Document,
        add // 5,
        {
            "jobcenter_id": str(jc),
            "customer_id": cust,
            "kind": f"{kinds}[i % 5 + 1]",
            "state": "CASE WHEN i % 10 = 0 THEN 'received' ELSE 'accepted' END",
            "submitted_at": "now() - (i % 700) * interval '1 day'",
            "created_at": "now()",
        },
    )
    before = DocumentRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    series(
        DocumentRequest,
        add // 50,
        {
            "jobcenter_id": str(jc),
            "customer_id": cust,
            "created_by_id": str(world["staff"][0].pk),
            "deadline": "current_date - (i % 600) - 1",
            "created_at": "now()",
        },
    )
    series(
        RequestItem,
        add // 50,
        {"request_id": f"{before} + i", "kind": "'payslip'", "fulfilled_at": "NULL"},
    )
    topics = list(Topic.objects.filter(jobcenter_id=jc).values_list("pk", flat=True))
    series(
        Conversation,
        add // 10,
        {
            "jobcenter_id": str(jc),
            "customer_id": cust,
            "topic_id": f"(ARRAY{topics})[i % {len(topics)} + 1]",
            "subject": "'Frage ' || i",
            "status": "CASE WHEN i % 5 = 0 THEN 'open' ELSE 'answered' END",
            "created_at": "now()",
            "last_message_at": "now() - (i % 700) * interval '1 hour'",
            "last_message_id": f"(i + {start}) * 10",
            "staff_read_upto": f"CASE WHEN i % 5 = 0 THEN (i + {start}) * 10 - 1 "
            f"ELSE (i + {start}) * 10 END",
        },
    )


def operations(world: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    from openjobcenter.accounts.models import Role
    from openjobcenter.applications.models import Application
    from openjobcenter.applications.queue import ApplicationsQueueProvider
    from openjobcenter.home.staff_queue import Scope, StaffContext

    jc = world["jobcenter"]
    user = world["staff"][0]
    client = logged_in(user)
    inbox = f"/{jc.slug}/staff/antraege/"
    queue = f"/{jc.slug}/staff/"
    lead = logged_in(world["staff"][-1])  # the team lead: the load and the unassigned too
    newest = Application.objects.filter(jobcenter=jc).order_by("-pk").values_list("pk", "reference")
    pk, reference = newest.exclude(submitted_at=None)[0]
    week = time.strftime("%Y-%m-%d", time.localtime(time.time() - 7 * 86400))
    first = client.get(inbox).content.decode()
    marker = 'href="?nach='
    cursor = first.split(marker, 1)[1].split('"', 1)[0] if marker in first else ""
    ctx = StaffContext(jobcenter=jc, user=user, roles=frozenset({Role.CASEWORKER}), scope=Scope.ALL)
    provider = ApplicationsQueueProvider()
    api = f"/api/v1/applications/staff/{jc.slug}/"
    api_first = client.get(api).json()
    api_cursor = api_first["next_after"]

    def cold(get: Callable[[], Any]) -> Callable[[], Any]:
        # ``measure`` empties the cache before timing it (``prepare``): not part of the page.
        get.prepare = empty_cache  # type: ignore[attr-defined]
        return get

    def page(query: str, base: str = inbox, who: Any = client) -> Callable[[], Any]:
        def get() -> Any:
            response = who.get(base + query)
            if response.status_code != 200:
                msg = f"{base}{query} answered {response.status_code}"
                raise RuntimeError(msg)
            return response

        return get

    return {
        BASELINE: lambda: Application.objects.only("pk", "reference").get(pk=pk),
        "first page": page(""),
        "next page": page(f"?nach={cursor}"),
        "filter status": page("?status=in_progress"),
        "filter kind": page("?kind=renewal"),
        "filter kind (none match)": page("?kind=change_notice"),
        "filter mine": page("?assignee=mine"),
        "filter unassigned": page("?assignee=unassigned"),
        "filter date": page(f"?von={week}"),
        "search name (common)": page("?q=M%C3%BCller"),
        "search name (rare)": page("?q=Xenia+Yılmaz-Schröder"),
        "search number": page("?q=K1234"),
        "search reference": page(f"?q={reference}"),
        "work queue counts": lambda: provider.queue(ctx),
        # The whole start page as a team lead sees it after a change (every provider's
        # counts computed: the cache emptied first), and as it is served between changes.
        QUEUE_COLD: cold(page("", queue, lead)),
        "work queue page (cached)": page("", queue, lead),
        # The staff API's inbox (JSON): the same keyset paging, no counts.
        "API first page": page("", api),
        "API next page": page(f"?nach={api_cursor}", api),
        "API filter status": page("?status=in_progress", api),
        "API search name (common)": page("?q=M%C3%BCller", api),
        "API search number": page("?q=K1234", api),
    }


def measure(world: dict[str, Any], rounds: int) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ops = operations(world)
    names = list(ops)
    for op in ops.values():  # warm caches, sessions, plans
        op()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    sql: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            prepare = getattr(ops[name], "prepare", None)
            if prepare is not None:
                prepare()
            with CaptureQueriesContext(connection) as queries:
                cpu0, wall0 = time.thread_time(), time.perf_counter()
                ops[name]()
                wall, cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
            samples[name].append((wall * 1000, cpu * 1000))
            sql[name].append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    out: dict[str, dict[str, float]] = {}
    for name in names:
        walls = sorted(w for w, _ in samples[name])
        cpus = sorted(c for _, c in samples[name])
        out[name] = {
            "p50_ms": round(percentile(walls, 50), 2),
            "p95_ms": round(percentile(walls, 95), 2),
            "cpu_p50_ms": round(percentile(cpus, 50), 2),
            "cpu_p95_ms": round(percentile(cpus, 95), 2),
            "sql_p50_ms": round(percentile(sorted(sql[name]), 50), 2),
            "sql_p95_ms": round(percentile(sorted(sql[name]), 95), 2),
        }
    base = out[BASELINE]["p95_ms"] or 0.01
    base_cpu = out[BASELINE]["cpu_p50_ms"] or 0.01
    for name in names:
        out[name]["x_baseline_p95"] = round(out[name]["p95_ms"] / base, 1)
        out[name]["x_baseline_cpu"] = round(out[name]["cpu_p50_ms"] / base_cpu, 1)
    return out


# Name searches whose plans are shown: a common surname (~2 % of rows), a double name, a
# first and last name, one person's full name, a name nobody has.
EXPLAINED = ("Müller", "Müller-Schmidt", "Clara Weber", "Xenia Yılmaz-Schröder", "Niemandsname")


def explain(world: dict[str, Any], *, verbose: bool = False) -> dict[str, dict[str, float]]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of every statement a name search runs: the buffers
    (8 KB pages, hit or read) and milliseconds, summed per search. Pages read are what grows
    with the data if anything does, and depend less on the machine's load than time."""
    from django.db import connection, transaction

    from openjobcenter.applications.selectors_staff import InboxFilter, inbox_page

    user = world["staff"][0]
    out: dict[str, dict[str, float]] = {}
    print(f"  {'EXPLAIN of the name search':34} {'statements':>10} {'buffers':>8} {'ms':>8}")
    for query in EXPLAINED:
        captured: list[str] = []
        with connection.execute_wrapper(_Keep(captured)):
            inbox_page(world["jobcenter"], user, InboxFilter(q=query))
        buffers, ms = 0, 0.0
        selects = 0
        # A ``SET LOCAL`` the search ran before a statement (the name window's plan
        # settings) applies to that statement's EXPLAIN, in its own transaction, and to
        # no other (the search runs the statements after it without).
        pending = ""
        for statement in captured:
            if statement.lstrip().upper().startswith("SET"):
                pending = statement
                continue
            selects += 1
            with transaction.atomic(), connection.cursor() as cursor:
                if pending:
                    cursor.execute(pending)
                    pending = ""
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement)
                plan = cursor.fetchone()[0][0]
                top = plan["Plan"]
                buffers += int(top.get("Shared Hit Blocks", 0)) + int(
                    top.get("Shared Read Blocks", 0)
                )
                ms += float(plan["Execution Time"])
                if verbose:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
                    text = "\n      ".join(row[0] for row in cursor.fetchall())
                    print(f"    plan for {query!r}:\n      {text}")
        out[query] = {"statements": selects, "buffers": buffers, "ms": round(ms, 2)}
        print(f"  {query!r:34} {selects:10d} {buffers:8d} {ms:8.2f}")
    return out


def empty_cache() -> None:
    """Every entry of the bench's cache: in Redis only the keys under its own prefix
    (``cache.clear()`` would empty the whole Redis database, other users' keys too)."""
    from django.core.cache import cache

    redis = getattr(cache, "redis", None)
    if redis is None:
        cache.clear()
        return
    client = redis()
    keys = list(client.scan_iter(match=cache.make_key("*"), count=1000))
    if keys:
        client.delete(*keys)


def cold_queue_sql(world: dict[str, Any]) -> None:
    """The cold work queue page's three slowest statements (the cache emptied first)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(world["staff"][-1])
    empty_cache()
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/{world['jobcenter'].slug}/staff/")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    print(f"  cold work queue page: {len(queries.captured_queries)} statements, slowest:")
    for q in slowest:
        print(f"    {float(q['time']) * 1000:8.1f} ms  {q['sql'][:150]}")


class _Keep:
    """An execute wrapper keeping each statement with its parameters bound."""

    def __init__(self, into: list[str]) -> None:
        self.into = into

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        from django.db import connection

        self.into.append(connection.cursor().mogrify(sql, params))
        return execute(sql, params, many, context)


def report(size: int, figures: dict[str, dict[str, float]], seed_s: float) -> None:
    load = os.getloadavg()
    print(
        f"\n== {size:,} applications in one job centre (seeded in {seed_s} s; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}) =="
    )
    print(
        f"{'operation':28} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8} "
        f"{'SQL p50':>8} {'SQL p95':>8} {'×base':>7} {'×b CPU':>7}"
    )
    for name, f in figures.items():
        flag = "" if name == BASELINE or f["p95_ms"] < TARGET_P95_MS else "  > target"
        print(
            f"{name:28} {f['p50_ms']:8.2f} {f['p95_ms']:8.2f} {f['cpu_p50_ms']:8.2f} "
            f"{f['cpu_p95_ms']:8.2f} {f['sql_p50_ms']:8.2f} {f['sql_p95_ms']:8.2f} "
            f"{f['x_baseline_p95']:7.1f} {f['x_baseline_cpu']:7.1f}{flag}"
        )


def growth(results: dict[int, dict[str, dict[str, float]]]) -> dict[str, dict[int, float]]:
    """Growth of each operation's p95 and CPU p50 from the smallest size, each also as a
    multiple of the same size's baseline (the machine's load at that size divided out)."""
    sizes = sorted(results)
    smallest = results[sizes[0]]
    out: dict[str, dict[int, float]] = {}
    for key, what in (("p95_ms", "p95"), ("cpu_p50_ms", "CPU p50")):
        print(
            f"\n== growth of {what} from {sizes[0]:,} (1.0 = flat; "
            f"in brackets: the same relative to the baseline's {what}) =="
        )
        print(f"{'operation':28} " + " ".join(f"{s:>16,}" for s in sizes))
        for name in smallest:
            row = {
                s: round(results[s][name][key] / (smallest[name][key] or 0.01), 2) for s in sizes
            }
            rel = {
                s: round(
                    row[s]
                    / (results[s][BASELINE][key] / (smallest[BASELINE][key] or 0.01) or 0.01),
                    2,
                )
                for s in sizes
            }
            if key == "p95_ms":
                out[name] = row
            print(f"{name:28} " + " ".join(f"{row[s]:8.2f} ({rel[s]:5.2f})" for s in sizes))
    return out


def explain_growth(plans: dict[int, dict[str, dict[str, float]]]) -> None:
    sizes = sorted(plans)
    print(f"\n== name search SQL per size: buffers / ms (EXPLAIN ANALYZE; {sizes[0]:,} = 1.0) ==")
    print(f"{'search':26} " + " ".join(f"{s:>20,}" for s in sizes))
    for query in plans[sizes[0]]:
        first = plans[sizes[0]][query]
        cells = []
        for s in sizes:
            f = plans[s][query]
            ratio = f["buffers"] / (first["buffers"] or 1)
            cells.append(f"{f['buffers']:6.0f} /{f['ms']:6.1f} ×{ratio:4.1f}")
        print(f"{query!r:26} " + " ".join(f"{c:>20}" for c in cells))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,500000")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, few rounds")
    parser.add_argument("--admin-url", "--pg-admin-url", dest="admin_url", default=ADMIN_URL)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--db-name", default=DB_NAME, help="bench database (dropped after)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database after the run and reuse what an earlier --keep run seeded "
        "(sizes below the kept one are then measured at the kept size)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the name searches' buffers and ms per size (EXPLAIN ANALYZE)",
    )
    parser.add_argument("--plans", action="store_true", help="with --explain: the whole plans")
    parser.add_argument("--check", action="store_true", help="exit 1 when a p95 misses 100 ms")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="the cache in Redis, as in production (default $REDIS_URL; without it the "
        "database cache of the embedded default)",
    )
    args = parser.parse_args()
    if args.smoke:
        # The EXPLAIN pass too: a smoke run must break when it does.
        args.sizes, args.rounds, args.explain = "300,1200", 3, True
        if args.db_name == DB_NAME:
            args.db_name = smoke_db_name(DB_NAME)
    if "bench" not in args.db_name or not args.db_name.replace("_", "").isalnum():
        parser.error("--db-name must be an identifier containing 'bench' (it is dropped)")
    return args


def main() -> int:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rounds = args.rounds
    if not (args.keep and _exists(args.admin_url, args.db_name)):
        recreate_database(args.admin_url, args.db_name, create=True)
    base_dir = Path(tempfile.mkdtemp(prefix="ojc-bench-inbox-"))
    try:
        setup_django(database_url(args.admin_url, args.db_name), base_dir, args.redis_url)
        migrate()
        world = (reuse_base() if args.keep else None) or seed_base()
        results: dict[int, dict[str, dict[str, float]]] = {}
        plans: dict[int, dict[str, dict[str, float]]] = {}
        for size in sizes:
            seed_s = grow(world, size)
            results[size] = measure(world, rounds)
            report(size, results[size], seed_s)
            if args.explain:
                plans[size] = explain(world, verbose=args.plans)
                cold_queue_sql(world)
        ratios = growth(results)
        if len(plans) > 1:
            explain_growth(plans)
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(
                json.dumps(
                    {"sizes": results, "growth": ratios, "plans": plans, "load": os.getloadavg()},
                    indent=2,
                )
            )
        missed = [
            (s, n)
            for s, figures in results.items()
            for n, f in figures.items()
            if n != BASELINE and f["p95_ms"] >= TARGET_P95_MS
        ]
        if args.check and missed:
            print(f"missed the {TARGET_P95_MS:.0f} ms target: {missed}")
            return 1
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(args.admin_url, args.db_name, create=False)


def _exists(admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1)) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return found is not None


if __name__ == "__main__":
    sys.exit(main())

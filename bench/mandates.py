"""Benchmark of the mandate check (issue 25 §3, Measure: "a mandate check adds under
2 ms per request").

    .venv/bin/python bench/mandates.py                  # PostgreSQL at 127.0.0.1:5432 + Redis
    .venv/bin/python bench/mandates.py --sqlite         # the embedded default (database cache)
    .venv/bin/python bench/mandates.py --smoke          # seconds, tiny data (bench/smoke.py)

The same customer page ("Meine Unterlagen", ``/<jc>/mein-bereich/unterlagen/``, with a
few documents) through Django's test client (the whole middleware stack, a session),
timed interleaved and rotated in this process:

- **customer, own account (baseline)**: the customer asks for their own page;
- **representative acting for the customer**: someone with their own account whose
  session is switched to the customer under a mandate (scopes read + documents): the
  gate re-checks the mandate (one query) and every audit entry names "acting for".

Figures per case: p50/p95 wall time, p50/p95 CPU time of this thread, SQL queries; and
the difference representative − customer. Target: CPU p50 difference < 2 ms (the
wall-time difference is printed beside it; on a machine shared with other load it swings
by more than the check costs, in both directions).
PostgreSQL only on 127.0.0.1 (user ``postgres``, trust auth); the database
``ojc_bench_mandates`` is created and dropped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    Timing,
    bench_database,
    describe_run,
    finish_run,
    parse_database_args,
    print_results,
    setup_bench_django,
    smoke_require_samples,
    start_run,
    time_interleaved,
)

DB_NAME = "ojc_bench_mandates"
TARGET_ADDED_MS = 2.0


def _world() -> tuple[Any, Any, str]:
    from django.utils import timezone

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.documents.models import Document
    from openjobcenter.mandates import services
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "documents", "mandates"})
    jobcenter.save()
    customer_user = User.objects.create_user(
        email="kunde@bench.example", password=None, first_name="Karl", last_name="Kunde"
    )
    customer = CustomerProfile.objects.create(user=customer_user, jobcenter=jobcenter)
    for _ in range(5):
        Document.objects.create(jobcenter=jobcenter, customer=customer, kind="payslip")
    representative = User.objects.create_user(
        email="vertreterin@bench.example", password=None, first_name="Vera", last_name="V"
    )
    _m, code = services.mandate_invite(
        request=None,
        customer=customer,
        actor=customer_user,
        data=services.MandateInput(
            scopes=["read", "documents"], valid_until=timezone.localdate() + timedelta(days=200)
        ),
    )
    mandate = services.mandate_accept(
        request=None, user=representative, jobcenter=jobcenter, code=code
    )
    return customer_user, (representative, mandate.pk), jobcenter.slug


def run(iterations: int) -> list[dict[str, Any]]:
    from django.test import Client

    from openjobcenter.core.access import ACTING_SESSION_KEY

    customer_user, (representative, mandate_id), jc = _world()
    own = Client(HTTP_HOST="127.0.0.1")
    own.force_login(customer_user)
    acting = Client(HTTP_HOST="127.0.0.1")
    acting.force_login(representative)
    session = acting.session
    session[ACTING_SESSION_KEY] = mandate_id
    session.save()
    path = f"/{jc}/mein-bereich/unterlagen/"

    def call(client: Client) -> Callable[[], None]:
        def fn() -> None:
            response = client.get(path)
            if response.status_code != 200:
                msg = f"GET {path} answered {response.status_code}"
                raise RuntimeError(msg)

        return fn

    cases = [
        (Timing("customer, own account (baseline)"), call(own)),
        (Timing("representative acting for the customer"), call(acting)),
    ]
    return time_interleaved(cases, iterations)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return parse_database_args(
        argv, doc=__doc__, db_name=DB_NAME, iterations=400, smoke_iterations=4
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = start_run()
    with bench_database(args, name="mandates") as (database, base):
        setup_bench_django(
            database, base, name="mandates", redis_url=None if args.sqlite else args.redis_url
        )
        results = run(args.iterations)
    base_r, rep = results
    added = {
        f"added_{k}": round(rep[k] - base_r[k], 2)
        for k in ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms")
    }
    describe = describe_run(args, load, **added, added_queries=rep["queries"] - base_r["queries"])
    print_results(results, width=42, ratios=False)
    ok = added["added_cpu_p50_ms"] < TARGET_ADDED_MS
    smoke_require_samples(args, results)
    print(
        f"target: mandate check adds < {TARGET_ADDED_MS:.0f} ms CPU per request (p50): "
        f"+{added['added_p50_ms']:.2f} ms wall, +{added['added_cpu_p50_ms']:.2f} ms CPU,",
        "PASS" if ok else "FAIL",
    )
    return finish_run(args, describe, results, ok=ok)


if __name__ == "__main__":
    raise SystemExit(main())

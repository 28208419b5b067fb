"""Benchmark of the customer's postbox listing ("Mein Postfach", issue 25 §2).

    .venv/bin/python bench/postbox.py                  # PostgreSQL at 127.0.0.1:5432 + Redis
    .venv/bin/python bench/postbox.py --sqlite         # the embedded default (database cache)
    .venv/bin/python bench/postbox.py --smoke          # seconds, tiny data (bench/smoke.py)

Timed one after the other, interleaved and rotated in this process, through Django's
test client (the whole middleware stack, a logged-in session):

- **bare view (baseline)**: ``bench/bench_urls.py``'s bare view: the middleware alone;
- **empty postbox (baseline)**: ``GET /<jc>/mein-bereich/postfach/`` of a customer
  without notices: the page without its list;
- **postbox, 200 notices**: the same page of a customer with 200 notices (electronic,
  half of them retrieved, some copies of notices sent by post);
- **API list, 200 notices**: ``GET /api/v1/postbox/<jc>/notices`` for that customer
  (each notice with its Bekanntgabe and objection deadline computed).

Figures per case: p50/p95 wall time, p50/p95 CPU time of this thread, SQL queries per
request, each also as a ratio to the bare view. Target: the 200-notice listing (page and
API) p95 < 50 ms. PostgreSQL only on 127.0.0.1 (user ``postgres``, trust auth); the
database ``ojc_bench_postbox`` is created and dropped.
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

DB_NAME = "ojc_bench_postbox"
TARGET_P95_MS = 50.0
NOTICES = 200


def setup_django(database: str, base_dir: Path, redis_url: str | None = None) -> None:
    setup_bench_django(database, base_dir, name="postbox", redis_url=redis_url)
    from django.conf import settings
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.bench_urls"
    clear_url_caches()


def seed(count: int) -> tuple[Any, Any, str]:
    """Two customers of one job centre; the first with ``count`` notices (rows only: the
    listing never reads a file)."""
    from django.utils import timezone

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.postbox.models import Channel, Notice, NoticeConsent, NoticeKind
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "postbox"})
    jobcenter.save()
    people = []
    for email in ("voll@example.org", "leer@example.org"):
        user = User.objects.create_user(email=email, password=None, first_name="Erika")
        people.append(CustomerProfile.objects.create(user=user, jobcenter=jobcenter))
    full, empty = people
    now = timezone.now()
    NoticeConsent.objects.create(customer=full, electronic=True, changed_at=now)
    kinds = list(NoticeKind.values)
    Notice.objects.bulk_create(
        Notice(
            jobcenter=jobcenter,
            customer=full,
            kind=kinds[i % len(kinds)],
            dated=(now - timedelta(days=i)).date(),
            channel=Channel.ELECTRONIC,
            file_name=f"{jobcenter.storage_id}/notices/bench{i}.pdf",
            size=1000,
            sha256="0" * 64,
            created_at=now - timedelta(days=i),
            notified_at=now - timedelta(days=i),
            retrieved_at=now - timedelta(days=i) if i % 2 else None,
            posted_at=now - timedelta(days=i - 11) if i % 10 == 0 and i > 20 else None,
        )
        for i in range(count)
    )
    return full, empty, jobcenter.slug


def run(iterations: int, count: int) -> list[dict[str, Any]]:
    from django.test import Client

    full, empty, jc = seed(count)
    full_client, empty_client, bare_client = (
        Client(HTTP_HOST="127.0.0.1"),
        Client(HTTP_HOST="127.0.0.1"),
        Client(HTTP_HOST="127.0.0.1"),
    )
    full_client.force_login(full.user)
    empty_client.force_login(empty.user)

    def call(client: Client, path: str, expect: str) -> Callable[[], None]:
        def fn() -> None:
            response = client.get(path)
            if response.status_code != 200 or expect.encode() not in response.content:
                msg = f"GET {path} answered {response.status_code}"
                raise RuntimeError(msg)

        return fn

    page = f"/{jc}/mein-bereich/postfach/"
    cases = [
        (Timing("bare view (baseline)"), call(bare_client, "/bench/bare", "")),
        (Timing("empty postbox (baseline)"), call(empty_client, page, "Ihr Postfach ist leer")),
        (Timing(f"postbox, {count} notices"), call(full_client, page, "Bewilligung")),
        (
            Timing(f"API list, {count} notices"),
            call(full_client, f"/api/v1/postbox/{jc}/notices", "objection_deadline"),
        ),
    ]
    return time_interleaved(cases, iterations)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return parse_database_args(
        argv,
        doc=__doc__,
        db_name=DB_NAME,
        iterations=300,
        smoke_iterations=3,
        options=lambda parser: parser.add_argument("--notices", type=int, default=NOTICES),
        smoke={"notices": 12},
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = start_run()
    with bench_database(args, name="postbox") as (database, base):
        setup_django(database, base, None if args.sqlite else args.redis_url)
        results = run(args.iterations, args.notices)
    describe = describe_run(args, load, notices=args.notices)
    print_results(results)
    ok = all(r["p95_ms"] < TARGET_P95_MS for r in results[2:])
    smoke_require_samples(args, results)
    print(
        f"target: postbox listing with {args.notices} notices p95 < {TARGET_P95_MS:.0f} ms:",
        "PASS" if ok else "FAIL",
    )
    return finish_run(args, describe, results, ok=ok)


if __name__ == "__main__":
    raise SystemExit(main())

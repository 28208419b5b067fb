"""Benchmark of the feedback write ("War diese Seite verständlich?", issue 22 §3).

    .venv/bin/python bench/feedback.py                  # PostgreSQL at 127.0.0.1:5432 + Redis
    .venv/bin/python bench/feedback.py --sqlite         # the embedded default (database cache)
    .venv/bin/python bench/feedback.py --smoke          # seconds, tiny data (bench/smoke.py)

Timed one after the other, interleaved and rotated in this process, through Django's
test client (the whole middleware stack, a session, CSRF off as in the test client):

- **bare view (baseline)**: ``bench/bench_urls.py``'s bare view, POSTed to: what the
  middleware costs without any page;
- **plain page GET (baseline)**: the job centre's imprint page, the cheapest real page
  (with the widget in it);
- **feedback write, htmx, with comment**: ``POST /<jc>/rueckmeldung/`` as the widget
  sends it with htmx, a comment holding an e-mail address, an IBAN and a phone number
  (the scrubber runs), answered with the widget fragment;
- **feedback write, no JavaScript**: the same without comment and without htmx,
  answered with the redirect back to the page (a message in the session).

Every write passes the per-session rate limit (one ``INCR`` in the shared cache); the
benchmark raises the limit so one session can write all its samples. Figures per case:
p50/p95 wall time, p50/p95 CPU time of this thread (robust when other processes compete
for the cores), SQL queries per request, each also as a ratio to the bare view. Target:
feedback write p95 < 50 ms. PostgreSQL only on 127.0.0.1 (user ``postgres``, trust
auth); the database ``ojc_bench_feedback`` is created and dropped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
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
    smoke_require,
    smoke_require_samples,
    start_run,
    time_interleaved,
)

DB_NAME = "ojc_bench_feedback"
TARGET_P95_MS = 50.0
COMMENT = (
    "Ich verstehe den zweiten Absatz nicht. Schreiben Sie mir an erika.muster@example.org "
    "oder rufen Sie an: 0661 / 123 45-67. Meine IBAN ist DE89 3704 0044 0532 0130 00."
)


def setup_django(database: str, base_dir: Path, redis_url: str | None = None) -> None:
    setup_bench_django(database, base_dir, name="feedback", redis_url=redis_url)
    from django.conf import settings
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.bench_urls"
    clear_url_caches()


def run(iterations: int) -> tuple[list[dict[str, Any]], int]:
    from django.test import Client

    from openjobcenter.feedback import ratelimit
    from openjobcenter.feedback.models import Feedback
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "feedback"})
    jobcenter.save()
    ratelimit.LIMIT = 10**9  # one session writes every sample (the INCR still runs)
    client = Client(HTTP_HOST="127.0.0.1")
    jc = jobcenter.slug

    def call(method: str, path: str, expect: int, **kw: Any) -> Callable[[], None]:
        def fn() -> None:
            response = getattr(client, method)(path, **kw)
            if response.status_code != expect:
                msg = f"{method.upper()} {path} answered {response.status_code}"
                raise RuntimeError(msg)

        return fn

    write = {"page": "tenant:imprint", "answer": "partly", "next": f"/{jc}/impressum/"}
    cases = [
        (Timing("bare view POST (baseline)"), call("post", "/bench/bare", 200)),
        (Timing("plain page GET (baseline)"), call("get", f"/{jc}/impressum/", 200)),
        (
            Timing("feedback write, htmx, with comment"),
            call(
                "post",
                f"/{jc}/rueckmeldung/",
                200,
                data={**write, "text": COMMENT},
                HTTP_HX_REQUEST="true",
            ),
        ),
        (
            Timing("feedback write, no JavaScript"),
            call("post", f"/{jc}/rueckmeldung/", 302, data={**write, "answer": "no"}),
        ),
    ]
    results = time_interleaved(cases, iterations)
    stored = Feedback.objects.count()
    leaked = Feedback.objects.filter(comment__contains="@").count()
    if leaked:
        msg = f"{leaked} stored comments still hold an e-mail address"
        raise RuntimeError(msg)
    return results, stored


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return parse_database_args(
        argv, doc=__doc__, db_name=DB_NAME, iterations=300, smoke_iterations=3
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = start_run()
    with bench_database(args, name="feedback") as (database, base):
        setup_django(database, base, None if args.sqlite else args.redis_url)
        results, stored = run(args.iterations)
    describe = describe_run(args, load, rows_written=stored)
    print_results(results)
    ok = all(r["p95_ms"] < TARGET_P95_MS for r in results[2:])
    smoke_require_samples(args, results)
    if args.smoke:
        smoke_require(stored > 0, "no feedback row was written")
    print(f"target: feedback write p95 < {TARGET_P95_MS:.0f} ms:", "PASS" if ok else "FAIL")
    return finish_run(args, describe, results, ok=ok)


if __name__ == "__main__":
    raise SystemExit(main())

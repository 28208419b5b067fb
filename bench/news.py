"""Benchmark of the news feeds and the ActivityPub endpoints (``news/``, issue 22).

    .venv/bin/python bench/news.py                  # PostgreSQL at 127.0.0.1:5432 + Redis
    .venv/bin/python bench/news.py --sqlite         # the embedded default (database cache)
    .venv/bin/python bench/news.py --check --json var/bench-news.json

One job centre with 30 published posts (every third with an image) and 50 followers.
Timed one after the other, interleaved and rotated in this process, through Django's test
client (the whole middleware stack):

- **bare view (baseline)**: ``/bench/bare`` of ``bench/bench_urls.py``, a constant "ok"
  behind the full middleware stack (the full-stack bare view of ``http_baseline.py``);
- **Atom feed**, **RSS feed**: the newest 20 posts;
- **actor**: the ActivityPub actor document with its public key;
- **WebFinger**: ``/.well-known/webfinger?resource=acct:<slug>@<host>``;
- **outbox page**: the first page (20 ``Create`` activities);
- **news page**: the HTML list (10 posts, for comparison; no target).

Figures per case: p50/p95 wall time and CPU time of this thread, SQL queries per request;
"% bare" is the bare view's CPU p50 per request as a share of the case's. Target: the
feeds, the actor and WebFinger at >= 50 % of the bare view.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    Timing,
    add_database_args,
    bench_database,
    check_database_args,
    python_speed_ms,
    setup_bench_django,
    smoke_require,
    time_interleaved,
)

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "ojc_bench_news"
TARGET_SHARE_PCT = 50.0
TARGETED = ("Atom feed", "RSS feed", "actor", "WebFinger")


def setup_django(database: str, base_dir: Path, redis_url: str | None = None) -> None:
    setup_bench_django(
        database,
        base_dir,
        name="news",
        redis_url=redis_url,
        extra={"SITE_URL": "http://127.0.0.1:8000"},
    )


def build_world(posts: int, followers: int) -> dict[str, Any]:
    import io
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from openjobcenter.news import images, services
    from openjobcenter.news.models import Follower
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "news"})
    jobcenter.save()
    buf = io.BytesIO()
    Image.new("RGB", (640, 360), (30, 90, 160)).save(buf, "JPEG")
    now = timezone.now()
    for n in range(posts):
        image = None
        if n % 3 == 0:
            image = images.clean_image(SimpleUploadedFile("b.jpg", buf.getvalue()))
        services.post_create(
            request=None,
            jobcenter=jobcenter,
            author=None,  # type: ignore[arg-type]
            data=services.PostInput(
                text=f"Meldung {n}: Das Jobcenter informiert über https://fulda.example/{n}",
                link="https://fulda.example/",
                image=image,
                image_alt="Bild" if image else "",
                published_at=now - timedelta(hours=n),
                expires_at=None,
            ),
        )
    for n in range(followers):
        Follower.objects.create(
            jobcenter=jobcenter,
            actor_id=f"https://social{n % 5}.example/users/u{n}",
            inbox=f"https://social{n % 5}.example/users/u{n}/inbox",
            shared_inbox=f"https://social{n % 5}.example/inbox",
        )
    return {"jobcenter": jobcenter, "made": {"posts": posts, "followers": followers}}


def run(w: dict[str, Any], iterations: int) -> list[dict[str, Any]]:
    from django.conf import settings
    from django.test import Client
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.bench_urls"
    clear_url_caches()
    slug = w["jobcenter"].slug
    client = Client(HTTP_HOST="127.0.0.1:8000")
    activity = {"HTTP_ACCEPT": "application/activity+json"}

    def get(path: str, **extra: str) -> Callable[[], int]:
        def call() -> int:
            response = client.get(path, **extra)  # type: ignore[arg-type]
            if response.status_code != 200:
                msg = f"{path} answered {response.status_code}"
                raise RuntimeError(msg)
            return len(response.content)

        return call

    cases = [
        (Timing("bare view (baseline)"), get("/bench/bare")),
        (Timing("Atom feed"), get(f"/{slug}/neuigkeiten/feed.atom")),
        (Timing("RSS feed"), get(f"/{slug}/neuigkeiten/feed.rss")),
        (Timing("actor"), get(f"/{slug}/ap/actor", **activity)),
        (
            Timing("WebFinger"),
            get(f"/.well-known/webfinger?resource=acct:{slug}@127.0.0.1:8000"),
        ),
        (Timing("outbox page"), get(f"/{slug}/ap/outbox?page=1", **activity)),
        (Timing("news page (no target)"), get(f"/{slug}/neuigkeiten/")),
    ]
    results = time_interleaved(cases, iterations)
    bare = results[0]["cpu_p50_ms"] or 1e-9
    for result in results:
        result["pct_bare"] = round(100 * bare / (result["cpu_p50_ms"] or 1e-9), 1)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=400)
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--followers", type=int, default=50)
    add_database_args(parser, db_name=DB_NAME)
    args = parser.parse_args(argv)
    if args.smoke:
        args.iterations, args.posts, args.followers = 3, 4, 2
    check_database_args(parser, args, db_name=DB_NAME)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with bench_database(args, name="news") as (database, base):
        setup_django(database, base, None if args.sqlite else args.redis_url)
        w = build_world(args.posts, args.followers)
        results = run(w, args.iterations)
    describe = {
        "database": "SQLite, database cache"
        if args.sqlite
        else f"PostgreSQL ({args.db_name} on 127.0.0.1), Redis cache",
        "load_average": None if load is None else round(load, 2),
        "python_speed_ms": python_speed_ms(),
        "world": w["made"],
    }
    print(json.dumps(describe))
    print(
        f"{'case':26} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>7} {'cpu p95':>7} "
        f"{'queries':>7} {'% bare':>7}"
    )
    for r in results:
        print(
            f"{r['name']:26} {r['p50_ms']:7.2f} {r['p95_ms']:7.2f} {r['cpu_p50_ms']:7.2f} "
            f"{r['cpu_p95_ms']:7.2f} {r['queries']:7d} {r['pct_bare']:7.1f}"
        )
    missed = [
        r["name"] for r in results if r["name"] in TARGETED and r["pct_bare"] < TARGET_SHARE_PCT
    ]
    if args.smoke:
        smoke_require(all(r["n"] == args.iterations for r in results), "a case has no samples")
    print(
        f"target: {', '.join(TARGETED)} >= {TARGET_SHARE_PCT:.0f} % of the bare view's CPU:",
        "PASS" if not missed else f"FAIL ({', '.join(missed)})",
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"describe": describe, "results": results}, indent=2))
    return 0 if not missed or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())

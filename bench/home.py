"""Benchmark of the customer's home ("Mein Bereich", ``home/``) with a busy customer.

    .venv/bin/python bench/home.py                  # PostgreSQL at 127.0.0.1:5432 + Redis
    .venv/bin/python bench/home.py --sqlite         # the embedded default (database cache)
    .venv/bin/python bench/home.py --check --json var/bench-home.json

The busy customer of issue 17: 5 document requests (2 items each), 3 appointments (one
today, an invitation, the next one), 40 unread messages in 2 conversations, 2
applications (a draft and a submitted one with an unseen status change). Timed one
after the other, interleaved and rotated in this process, through Django's test client
(the whole middleware stack, session login, template):

- **static menu (baseline)**: the page "Mein Bereich" was before this issue, a static
  list of the modules, served by the same middleware under the same base layout;
- **home page**: the new page, built from the registry's providers;
- **home fragment**: the JSON the open page fetches after a ``home`` event;
- **home page, quiet customer**: the same page for a customer with nothing waiting;
- **home page, after a change**: the busy home right after ``home_changed`` (the
  version bumped before each request, so the home is computed, not read from the cache).

The home is cached in the shared cache (home/cache.py): Redis with PostgreSQL
(``--redis-url``, default ``$REDIS_URL`` or redis://127.0.0.1:6379/0, keys under a random
prefix), the database cache with ``--sqlite`` (the embedded default: one SQL query for
the cache read).

Figures per case: p50/p95 wall time, p50/p95 CPU time of this thread (robust when other
processes compete for the cores), SQL queries per request (which must not depend on the
number of items: ``tests/home/test_home_queries.py``), each also as a ratio to the
baseline of the same run. Target: p95 < 50 ms for the home page. PostgreSQL only on 127.0.0.1 (user ``postgres``, trust auth); the database
``ojc_bench_home`` is created and dropped.
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
    smoke_require_samples,
    start_run,
    time_interleaved,
)

DB_NAME = "ojc_bench_home"
TARGET_P95_MS = 50.0

# The page as it was (accounts/customer_home.html before issue 17), for the baseline.
STATIC_MENU = """{% extends "web/base.html" %}
{% load i18n %}
{% block title %}{% translate "Mein Bereich" %}{% endblock %}
{% block main %}
<h1>{% blocktranslate with name=user.display_name %}Guten Tag, {{ name }}{% endblocktranslate %}</h1>
<dl class="summary">
  <dt>{% translate "Ihr Jobcenter" %}</dt><dd>{{ jobcenter.name }}</dd>
  <dt>{% translate "Kundennummer" %}</dt><dd>{{ request.customer.customer_number|default_if_none:_("noch nicht vergeben") }}</dd>
</dl>
<ul class="card-list">
  <li class="card"><a class="card-title" href="{% url 'customer:profile' jc=jobcenter.slug %}">{% translate "Meine Angaben" %}</a></li>
  <li class="card"><a class="card-title" href="{% url 'mfa_index' %}">{% translate "Zwei-Faktor-Anmeldung" %}</a></li>
  <li class="card"><a class="card-title" href="{% url 'account_change_password' %}">{% translate "Passwort ändern" %}</a></li>
  {% for module in enabled_modules %}<li class="card">{% if module.url %}<a class="card-title" href="{{ module.url }}">{{ module.label }}</a>{% else %}<span class="card-title">{{ module.label }}</span>{% endif %}<p>{{ module.description }}</p></li>{% endfor %}
</ul>
{% endblock %}
"""


def setup_django(database: str, base_dir: Path, redis_url: str | None = None) -> None:
    # One thread: one connection.
    setup_bench_django(database, base_dir, name="home", redis_url=redis_url)


def install_baseline_route() -> str:
    """Serve the old static menu at ``/<jc>/mein-bereich/menu-vorher/`` (same decorator,
    same middleware, same base layout) and return that route's suffix."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, include, path

    from openjobcenter.config import urls as real
    from openjobcenter.core.access import customer_required
    from openjobcenter.tenants import modules

    template = engines["django"].from_string(STATIC_MENU)

    @customer_required
    def static_menu(request: HttpRequest, jc: str) -> HttpResponse:
        # The badge was not there before: its count is not part of the baseline.
        request.home_total = 0  # type: ignore[attr-defined]
        enabled = modules.entries_for(request.jobcenter)  # type: ignore[attr-defined]
        return HttpResponse(template.render({"enabled_modules": enabled}, request))

    class Urls:
        urlpatterns = [
            path(
                "<slug:jc>/mein-bereich/menu-vorher/",
                include(([path("", static_menu, name="static_menu")], "bench")),
            ),
            *real.urlpatterns,
        ]
        handler404 = real.handler404
        handler500 = real.handler500

    settings.ROOT_URLCONF = Urls  # a module-like object is accepted (django.urls.resolvers)
    clear_url_caches()
    return "menu-vorher/"


def build_world() -> dict[str, Any]:
    from tests.home import world

    from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership, User
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    world.enable_modules(jobcenter)
    staff = User.objects.create_user(
        email="berater@bench.example", password=None, first_name="Petra", last_name="Berger"
    )
    StaffMembership.objects.create(user=staff, jobcenter=jobcenter, role=Role.JOB_ADVISOR)
    people = []
    for n in (1, 2):
        user = User.objects.create_user(
            email=f"kunde{n}@bench.example", password=None, first_name="Karl", last_name="Kunde"
        )
        people.append(CustomerProfile.objects.create(user=user, jobcenter=jobcenter))
    busy = world.make_busy(people[0], staff)
    return {
        "jobcenter": jobcenter,
        "busy": people[0],
        "quiet": people[1],
        "made": world.summary(busy),
    }


def run(w: dict[str, Any], iterations: int) -> list[dict[str, Any]]:
    from django.test import Client

    from openjobcenter.home.cache import version_bump
    from openjobcenter.home.registry import customer_home

    base = f"/{w['jobcenter'].slug}/mein-bereich/"
    baseline = install_baseline_route()
    busy, quiet = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    busy.force_login(w["busy"].user)
    quiet.force_login(w["quiet"].user)
    items = len(customer_home(w["busy"]).items)

    def get(client: Client, path: str) -> Callable[[], int]:
        def call() -> int:
            response = client.get(path)
            if response.status_code != 200:
                msg = f"{path} answered {response.status_code}"
                raise RuntimeError(msg)
            return len(response.content)

        return call

    busy_home = get(busy, base)

    def after_change() -> int:
        version_bump(w["busy"].user_id)
        return busy_home()

    cases = [
        (Timing("static menu (baseline)"), get(busy, base + baseline)),
        (Timing(f"home page, busy ({items} items)"), busy_home),
        (Timing("home fragment (JSON), busy"), get(busy, base + "stand/")),
        (Timing("home page, nothing waiting"), get(quiet, base)),
        (Timing("home page, busy, after a change"), after_change),
    ]
    return time_interleaved(cases, iterations)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return parse_database_args(
        argv, doc=__doc__, db_name=DB_NAME, iterations=300, smoke_iterations=3
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = start_run()
    with bench_database(args, name="home") as (database, base):
        setup_django(database, base, None if args.sqlite else args.redis_url)
        w = build_world()
        results = run(w, args.iterations)
    describe = describe_run(args, load, world=w["made"])
    print_results(results, width=36, sql=True)
    ok = results[1]["p95_ms"] < TARGET_P95_MS
    smoke_require_samples(args, results)  # a page that failed raised above
    print(f"target: home page p95 < {TARGET_P95_MS:.0f} ms:", "PASS" if ok else "FAIL")
    return finish_run(args, describe, results, ok=ok)


if __name__ == "__main__":
    raise SystemExit(main())

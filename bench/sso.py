"""Benchmark of the staff login through the administration's provider (issue 24).

    .venv/bin/python bench/sso.py                  # PostgreSQL at 127.0.0.1:5432 + Redis
    .venv/bin/python bench/sso.py --sqlite         # the embedded default (database cache)
    .venv/bin/python bench/sso.py --smoke          # seconds, tiny data (bench/smoke.py)

A real OpenID Connect provider runs in a second process (``tests/idp/``, django-oauth-
toolkit, a new RSA key per run). Timed interleaved and rotated in this process, through
Django's test client:

- **password login (baseline)**: ``POST /konto/login/`` of a staff member without a
  second factor of the platform, answered with the redirect onwards;
- **SSO login round trip**: the platform's two requests of a login through the provider:
  the button (``POST /konto/oidc/<key>/login/``, the provider's discovery document is
  fetched) and the callback (``GET …/login/callback/``: code for tokens at the provider,
  its keys fetched, the ID token verified, account and roles synchronised, audit). The
  person's part at the provider (its login form) runs between them and is not timed; the
  wall time includes the provider's answers (the platform waits for them), the CPU time
  is this thread's only (the provider's CPU is its own process).

Each sample logs out first (untimed). Figures: p50/p95 wall and CPU per login, SQL
queries, each as a ratio to the password login. The provider is on loopback: in
production its answers take a network round trip more.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
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
    start_run,
)

DB_NAME = "ojc_bench_sso"
PASSWORD = "Bench-Passwort-123"  # noqa: S105 - a throw-away account of the run
HOST = "127.0.0.1"


def run(iterations: int, state: Path) -> list[dict[str, Any]]:
    from tests.identity.idp import CLIENT_ID, CLIENT_SECRET, TestProvider, callback_uris

    from openjobcenter.accounts.models import Role, StaffMembership, User
    from openjobcenter.identity.models import IdentityProvider
    from openjobcenter.identity.services import identity_provider_save
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    local = User.objects.create_user("lokal@bench.example", PASSWORD)
    StaffMembership.objects.create(user=local, jobcenter=jobcenter, role=Role.CASEWORKER)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=local, email=local.email, verified=True, primary=True)
    idp = TestProvider(state, extra_redirects=callback_uris(f"http://{HOST}"))
    try:
        identity_provider_save(
            request=None,
            actor=None,
            provider=IdentityProvider(
                jobcenter=jobcenter,
                key="sso-test",
                name="Kreisverwaltung Bench",
                issuer=idp.issuer,
                client_id=CLIENT_ID,
            ),
            secret=CLIENT_SECRET,
            group_roles=[("JC-Leistung", Role.CASEWORKER)],
        )
        idp.set_user("klara", groups=["JC-Leistung"], amr=["otp"])
        password, sso = measure(idp, local.email, iterations)
        smoke_require(len(sso.samples_ms) == iterations, "every SSO login timed")
    finally:
        idp.stop()
    results = [password.summary(), sso.summary()]
    base = results[0]
    for result in results:
        for figure in ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms"):
            result[f"{figure.removesuffix('_ms')}_x_base"] = round(
                result[figure] / (base[figure] or 1e-9), 2
            )
    return results


def measure(idp: Any, email: str, iterations: int) -> tuple[Timing, Timing]:
    """The two logins, interleaved and rotated; each sample logs out first (untimed)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from tests.identity.idp import finish_login, provider_login

    client = Client(HTTP_HOST=HOST)
    password = Timing("password login (baseline)")
    sso = Timing("SSO login round trip (platform)")

    def password_login() -> None:
        response = client.post("/konto/login/", {"login": email, "password": PASSWORD})
        if response.status_code != 302:
            msg = f"password login answered {response.status_code}"
            raise RuntimeError(msg)

    def sso_login() -> tuple[float, float]:
        """Both platform requests timed, the provider's login form between them not."""
        started, cpu = time.perf_counter(), time.thread_time()
        response = client.post("/konto/oidc/sso-test/login/")
        wall, used = time.perf_counter() - started, time.thread_time() - cpu
        if response.status_code != 302:
            msg = f"SSO login answered {response.status_code}"
            raise RuntimeError(msg)
        callback = provider_login(idp, str(response["Location"]), "klara")
        started, cpu = time.perf_counter(), time.thread_time()
        response = finish_login(client, callback, host=HOST, follow=False)
        wall += time.perf_counter() - started
        used += time.thread_time() - cpu
        if response.status_code != 302 or "_auth_user_id" not in client.session:
            msg = f"SSO callback answered {response.status_code}"
            raise RuntimeError(msg)
        return wall * 1000, used * 1000

    def timed_password() -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.thread_time()
        password_login()
        return (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000

    cases = [(password, timed_password), (sso, sso_login)]
    for timing, fn in cases:  # warm up, then count the queries of one login
        for _ in range(3):
            client.logout()
            fn()
        client.logout()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        timing.queries = len(ctx.captured_queries)
    for iteration in range(iterations):
        shift = iteration % len(cases)
        for timing, fn in [*cases[shift:], *cases[:shift]]:
            client.logout()
            wall, used = fn()
            timing.samples_ms.append(wall)
            timing.cpu_ms.append(used)
    return password, sso


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return parse_database_args(
        argv, doc=__doc__, db_name=DB_NAME, iterations=100, smoke_iterations=3
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = start_run()
    with (
        bench_database(args, name="sso") as (database, base),
        tempfile.TemporaryDirectory(prefix="ojc-bench-idp-") as state,
    ):
        setup_bench_django(
            database, base, name="sso", redis_url=None if args.sqlite else args.redis_url
        )
        results = run(args.iterations, Path(state))
    describe = describe_run(args, load)
    print_results(results)
    return finish_run(args, describe, results, key="setup")


if __name__ == "__main__":
    raise SystemExit(main())

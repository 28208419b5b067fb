"""Part (c) of ``bench/applications.py``: the staff inbox over many applications."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import summary

INBOX_TARGET_MS = 200.0


# --- (c) the inbox -------------------------------------------------------------------------


def load_inbox_rows(rows: int, jobcenters: int, seed: int) -> tuple[Any, str]:
    """``rows`` applications over ``jobcenters`` job centres, with COPY; returns the
    measured job centre and one of its customer numbers."""
    from django.db import connection

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.tenants.models import Jobcenter

    rng = random.Random(seed)
    existing = list(Jobcenter.objects.order_by("pk"))
    for n in range(len(existing), jobcenters):
        existing.append(
            Jobcenter.objects.create(slug=f"bench-jc-{n}", name=f"Bench {n}", kind="municipal")
        )
    centres = existing[:jobcenters]
    per_centre_customers = 200
    users = [
        User(email=f"inbox{j}-{n}@bench.example.org", first_name="A", last_name=str(n))
        for j in range(len(centres))
        for n in range(per_centre_customers)
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=5000)
    by_email = dict(User.objects.filter(email__startswith="inbox").values_list("email", "pk"))
    CustomerProfile.objects.bulk_create(
        [
            CustomerProfile(
                user_id=by_email[f"inbox{j}-{n}@bench.example.org"],
                jobcenter=jc,
                customer_number=f"K{j:02d}{n:05d}",
            )
            for j, jc in enumerate(centres)
            for n in range(per_centre_customers)
        ],
        batch_size=5000,
    )
    profiles: dict[int, list[tuple[int, str | None]]] = {}
    for pk, jc_id, number in CustomerProfile.objects.filter(
        user__email__startswith="inbox"
    ).values_list("pk", "jobcenter_id", "customer_number"):
        profiles.setdefault(jc_id, []).append((pk, number))
    statuses = (
        ["received"] * 4 + ["in_progress"] * 3 + ["documents_requested", "complete", "decided"]
    )
    kinds = ["initial"] * 6 + ["renewal"] * 3 + ["change_notice"]
    first_names = [
        "Anna",
        "Ben",
        "Clara",
        "David",
        "Emine",
        "Farid",
        "Greta",
        "Hasan",
        "Ida",
        "Jonas",
        "Katarzyna",
        "Lukas",
        "Mila",
        "Noah",
        "Olena",
        "Paul",
    ]
    last_names = [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Yilmaz",
        "Kowalski",
        "Shevchenko",
    ]
    now = datetime.now(UTC)
    columns = (
        "jobcenter_id",
        "customer_id",
        "kind",
        "status",
        "reference",
        "form_key",
        "form_version",
        "filed_at",
        "submitted_at",
        "submission_sha256",
        "submitted_data",
        "pdf_name",
        "receipt_pdf_name",
        "customer_name",
        "customer_number",
        "created_at",
        "updated_at",
    )
    data = json.dumps({"answers": {"housing": {"kind": "rent", "cold_rent": "450.00"}}})
    with connection.cursor() as cursor:
        raw = cursor.connection
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY applications_application ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for n in range(rows):
                jc = centres[n % len(centres)]
                customer_id, number = rng.choice(profiles[jc.pk])
                draft = rng.random() < 0.1
                at = now - timedelta(seconds=rng.randrange(0, 2 * 365 * 86400))
                kind = rng.choice(kinds)
                copy.write_row(
                    (
                        jc.pk,
                        customer_id,
                        kind,
                        "draft" if draft else rng.choice(statuses),
                        f"BX-{n:09d}",
                        kind,
                        1,
                        at,
                        None if draft else at,
                        "",
                        None if draft else data,
                        "",
                        "",
                        f"{rng.choice(first_names)} {rng.choice(last_names)}",
                        number,
                        at,
                        at,
                    )
                )
        cursor.execute("ANALYZE applications_application")
    measured = centres[0]
    return measured, str(profiles[measured.pk][0][1])


def staff_client(jobcenter: Any) -> tuple[Any, Any]:
    import time as _time

    from allauth.mfa.totp.internal.auth import TOTP
    from django.test import Client

    from openjobcenter.accounts.models import Role, StaffMembership, User

    user = User.objects.create_user(email="sachbearbeitung@bench.example.org", password=None)
    StaffMembership.objects.create(user=user, jobcenter=jobcenter, role=Role.CASEWORKER)
    TOTP.activate(user, "BENCHSECRETFORPERSONASABCDEFG234")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    now = _time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp", "id": 1},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client, user


def bench_inbox(rows: int, jobcenters: int, iterations: int, seed: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openjobcenter.applications.models import Application
    from openjobcenter.applications.selectors_staff import CappedPaginator, InboxFilter, inbox

    started = time.perf_counter()
    jobcenter, number = load_inbox_rows(rows, jobcenters, seed)
    load_s = time.perf_counter() - started
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "applications"})
    jobcenter.save()
    client, user = staff_client(jobcenter)

    def page(flt: InboxFilter) -> int:
        p = CappedPaginator(inbox(jobcenter, user, flt), 50).get_page(1)
        return len(list(p.object_list)) + p.paginator.count * 0

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, reference, customer_name, customer_number, kind, status, "
                "submitted_at FROM applications_application WHERE jobcenter_id = %s AND "
                "submitted_at IS NOT NULL ORDER BY submitted_at DESC LIMIT 50",
                [jobcenter.pk],
            )
            return len(cursor.fetchall())

    def view(query: str) -> Callable[[], int]:
        def run() -> int:
            response = client.get(f"/{jobcenter.slug}/staff/antraege/{query}")
            if response.status_code != 200:
                msg = f"inbox answered {response.status_code}"
                raise RuntimeError(msg)
            return len(response.content)

        return run

    cases: list[tuple[str, Callable[[], int]]] = [
        ("bare SQL first page (baseline)", bare),
        ("inbox first page (selector)", lambda: page(InboxFilter())),
        ("search customer number (selector)", lambda: page(InboxFilter(q=number))),
        ("search name (selector)", lambda: page(InboxFilter(q="Yilmaz"))),
        (
            "filter status+kind (selector)",
            lambda: page(InboxFilter(status="in_progress", kind="renewal")),
        ),
        ("GET inbox page (view)", view("")),
        ("GET search customer number (view)", view(f"?q={number}")),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in cases}
    queries: dict[str, int] = {}
    for name, fn in cases:
        for _ in range(3):
            fn()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries[name] = len(ctx.captured_queries)
    for iteration in range(iterations):
        order = cases[iteration % len(cases) :] + cases[: iteration % len(cases)]
        for name, fn in order:
            t0 = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t0) * 1000)
    results = [summary(name, samples[name], queries=queries[name]) for name, _ in cases]
    # The targets: the first page and the customer-number search (selector and
    # whole page); name search and filters are shown beside them.
    targets = {
        "inbox first page (selector)",
        "search customer number (selector)",
        "GET inbox page (view)",
        "GET search customer number (view)",
    }
    measured = [r for r in results if r["name"] in targets]
    return {
        "rows": Application.objects.count(),
        "jobcenters": jobcenters,
        "rows_in_measured_jobcenter": Application.objects.filter(jobcenter=jobcenter).count(),
        "load_s": round(load_s, 1),
        "timings": results,
        "target_p95_ms": INBOX_TARGET_MS,
        "pass": all(r["p95_ms"] < INBOX_TARGET_MS for r in measured),
    }

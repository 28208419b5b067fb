"""What the parts of ``bench/applications.py`` share: a complete application's answers,
customers and drafts, and running a job in concurrent processes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

FILING = {
    "first_name": "Kim",
    "last_name": "Kunde",
    "birth_date": "1985-04-12",
    "street": "Hauptstraße 1",
    "postcode": "36037",
    "city": "Fulda",
    "email": "kunde@example.org",
}
# A single person's complete first application (raw, as the web form or an app sends it).
ANSWERS: dict[str, dict[str, Any]] = {
    "filing": FILING,
    "personal": {"birth_place": "Fulda", "nationality": "german", "marital_status": "single"},
    "bank": {"has_account": "yes", "iban": "DE89370400440532013000", "account_holder": "Kim"},
    "situation": {
        "able_to_work": "yes",
        "education": "none",
        "in_institution": "no",
        "pension": "no",
    },
    "household": {"members": []},
    "housing": {
        "kind": "rent",
        "cold_rent": "450",
        "service_charges": "90",
        "heating_kind": "central",
        "heating_costs": "70",
        "hot_water": "central",
        "floor_space": "45",
        "moved_in": "2020-01-01",
    },
    "income:p1": {
        "kinds": ["employment"],
        "employer": "Muster GmbH",
        "gross_earnings": "600",
        "net_earnings": "480",
    },
    "person_assets:p1": {"has_assets": "no"},
    "maintenance_claims": {"separated_partner": "no"},
    "additional_needs": {"pregnant": "no", "disability": "no", "diet": "no", "other": "no"},
    "person_health_insurance:p1": {"kind": "statutory", "insurer": "AOK"},
    "damages": {"third_party": "no"},
    "declarations": {"truthful": True, "report_changes": True, "data_processing": True},
}


def run_concurrently(
    workers: int,
    job: Callable[[int], list[float]],
    prepare: Callable[[int], None] | None = None,
) -> list[float]:
    """``job(worker_no)`` in ``workers`` processes (forked, one connection each), released
    together. Processes, not threads: a server runs several worker processes, and threads
    of one process would measure the GIL rather than the code. ``prepare(worker_no)``
    runs in each process before the release (e.g. opening its connections, as a
    long-lived server process has them open)."""
    import multiprocessing

    from django.db import connections

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(workers)
    queue: Any = ctx.Queue()
    connections.close_all()
    # The psycopg pool's threads do not survive a fork: close it, each child opens its own.
    close_pool = getattr(connections["default"], "close_pool", None)
    if close_pool is not None:
        close_pool()

    def work(number: int) -> None:
        try:
            if prepare is not None:
                prepare(number)
            barrier.wait(timeout=120)
            queue.put(("ok", job(number)))
        except BaseException as exc:
            queue.put(("error", repr(exc)))
        finally:
            connections.close_all()

    procs = [ctx.Process(target=work, args=(n,)) for n in range(workers)]
    for proc in procs:
        proc.start()
    samples: list[float] = []
    errors: list[str] = []
    for _ in procs:
        kind, value = queue.get(timeout=600)
        if kind == "ok":
            samples.extend(value)
        else:
            errors.append(value)
    for proc in procs:
        proc.join()
    if errors:
        raise RuntimeError(errors[0])
    return samples


def process_cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of the processes ``pids`` so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def warm_up() -> None:
    """What a long-lived server process has done before the request measured: its
    connections to the shared cache and the channel layer are open (a forked client
    opens them on first use)."""
    from django.core.cache import cache

    from openjobcenter.messaging.realtime import push_now

    cache.set("bench:warm-up", 1)
    push_now(["bench.warm-up"], {"type": "bench.warm_up"})


# --- people -----------------------------------------------------------------------------


def make_customers(jobcenter: Any, count: int, prefix: str) -> list[Any]:
    from openjobcenter.accounts.models import CustomerProfile, User

    users = [
        User(email=f"{prefix}{n}@bench.example.org", first_name="Kim", last_name=f"Kunde {n}")
        for n in range(count)
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    users = list(
        User.objects.filter(email__startswith=prefix, email__endswith="@bench.example.org")
    )
    CustomerProfile.objects.bulk_create(
        CustomerProfile(
            user=u, jobcenter=jobcenter, city="Fulda", customer_number=f"{prefix.upper()}-{u.pk}"
        )
        for u in users
    )
    return list(CustomerProfile.objects.filter(user__in=users).select_related("user", "jobcenter"))


def start_draft(customer: Any) -> Any:
    from openjobcenter.applications import services
    from openjobcenter.applications.models import ApplicationStep

    app = services.application_start(request=None, customer=customer, kind="initial")
    row = ApplicationStep.objects.filter(application=app, step_key="filing").first()
    services.application_file(
        request=None, application=app, answers=FILING, base_version=row.version if row else 0
    )
    return app


def complete_draft(customer: Any) -> Any:
    from openjobcenter.applications import services
    from openjobcenter.applications.models import ApplicationStep

    app = start_draft(customer)
    for key, answers in ANSWERS.items():
        if key == "filing":
            continue
        row = ApplicationStep.objects.filter(application=app, step_key=key).first()
        services.application_step_save(
            request=None,
            application=app,
            step_key=key,
            answers=answers,
            base_version=row.version if row else 0,
        )
    return app

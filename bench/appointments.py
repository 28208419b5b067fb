"""Benchmark of the appointments module: free-slot search, and a booking race.

    .venv/bin/python bench/appointments.py                  # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/appointments.py --sqlite         # search only, on SQLite
    .venv/bin/python bench/appointments.py --check --json var/bench-appointments.json
    .venv/bin/python bench/appointments.py --redis-url redis://127.0.0.1:6379/15  # cache in Redis

(a) **Free-slot search** for one advisor over 8 weeks while 2,000 appointments exist
    (10 advisors, Mon-Fri 08:00-16:00, 30-minute slots; the measured advisor holds 400 of
    them, about two thirds of their slots). Timed one after the other, interleaved, in
    this process: the bare database query of the advisor's appointments in the window
    (the baseline: what any search has to pay), ``selectors.free_slots`` (hours, absences
    and appointments read, slots generated), and the API endpoint
    ``GET /api/v1/appointments/<jc>/types/<id>/slots`` through Django's test client (the
    whole middleware stack, session auth, JSON), three ways: as it was before the slot
    cache (the previous handler swapped into the same route: uncached search, pydantic
    validation per slot; the baseline for the endpoint), right after a booking changed
    availability (cache miss), and answered from the shared cache (the usual case).
    Target: p95 < 50 ms for the search (the selector) and for the API's usual case.
(b) **Race**: 200 customers want one of 20 slots (one advisor, one day), booked by 20
    threads, each with its own database connection, released together. A customer
    tries a random slot and, when it is taken, one of the alternatives offered, until
    booked or none is left. Target: exactly 20 bookings, no error other than "taken".
    Baseline in the same run: the same race with bare ``INSERT``s (no service: no
    free-slot check, audit entry or notification), only the unique index deciding.

PostgreSQL only on 127.0.0.1 (user ``postgres``, trust auth); the database
``ojc_bench_appt`` is created and dropped. Django runs with the platform's settings
(development defaults, ``DEBUG=0``; notifications go to the database task queue, as in
production, and are not sent).
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in {None, ""}:  # run as ``python bench/<name>.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    ADMIN_URL,
    LOCAL_HOSTS,
    SMOKE_HELP,
    database_url,
    percentile,
    pool_env,
    recreate_database,
    smoke_db_name,
    smoke_require,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "ojc_bench_appt"

ADVISORS = 10
EXISTING = 2_000
MINE = 400
CUSTOMERS = 200
RACE_SLOTS = 20
SEARCH_TARGET_P95_MS = 50.0


# --- database ---------------------------------------------------------------------------------


def setup_django(database: str, base_dir: Path, redis_url: str | None = None) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
            "DATABASE_URL": database,
            "OJC_BASE_DIR": str(base_dir),
            "OJC_ENV": "development",
            "DEBUG": "0",
            "LOG_LEVEL": "warning",
            "TASKS_IMMEDIATE": "0",
            # The race's threads take one connection each; nothing is held when idle.
            **pool_env(size=84, minimum=1),
        }
    )
    # Default: the embedded set-up, the slot cache lives in the database cache (like rate
    # limits). ``--redis-url``: the production set-up, the cache in Redis (its keys get a
    # bench prefix and expire; nothing else is touched).
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        os.environ["CACHE_KEY_PREFIX"] = "ojc-bench-appt"
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


# --- figures ----------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    samples_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this thread's CPU: robust under load
    queries: int = 0
    result_size: int = 0

    def summary(self) -> dict[str, Any]:
        return summary(
            self.name,
            self.samples_ms,
            cpu_p50_ms=round(percentile(sorted(self.cpu_ms), 50), 2),
            cpu_p95_ms=round(percentile(sorted(self.cpu_ms), 95), 2),
            queries=self.queries,
            result_size=self.result_size,
        )


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    jobcenter: Any
    office: Any
    appt_type: Any
    advisors: list[Any]
    customers: list[Any]
    race_advisor: Any
    race_day: date
    race_slots: list[datetime]


def build_world(seed: int) -> World:
    from django.db import transaction
    from django.utils import timezone

    from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership, User
    from openjobcenter.appointments.models import (
        Absence,
        Appointment,
        AppointmentType,
        WeeklyHours,
    )
    from openjobcenter.appointments.selectors import free_slots
    from openjobcenter.appointments.slots import BERLIN
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    rng = random.Random(seed)
    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "appointments"})
    jobcenter.save()
    office = jobcenter.offices.order_by("position").first()
    with transaction.atomic():
        appt_type = AppointmentType.objects.create(
            jobcenter=jobcenter,
            name="Beratung",
            duration_min=30,
            channels=["in_person", "phone", "video"],
            own_advisor_only=True,
            horizon_days=56,
            notice_hours=12,
        )
        staff = []
        for number in range(ADVISORS + 1):
            user = User.objects.create_user(
                email=f"advisor{number}@bench.example.org", password=None
            )
            StaffMembership.objects.create(user=user, jobcenter=jobcenter, role=Role.JOB_ADVISOR)
            staff.append(user)
        advisors, race_advisor = staff[:ADVISORS], staff[ADVISORS]
        WeeklyHours.objects.bulk_create(
            WeeklyHours(
                jobcenter=jobcenter,
                staff=a,
                office=office,
                weekday=d,
                start=dtime(8),
                end=dtime(16),
            )
            for a in advisors
            for d in range(5)
        )
        users = [
            User(email=f"kunde{n}@bench.example.org", first_name="Kim", last_name=f"Kunde {n}")
            for n in range(CUSTOMERS)
        ]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        users = list(
            User.objects.filter(email__endswith="@bench.example.org", email__startswith="kunde")
        )
        CustomerProfile.objects.bulk_create(
            CustomerProfile(user=u, jobcenter=jobcenter, advisor=advisors[0], city="Fulda")
            for u in users
        )
        customers = list(CustomerProfile.objects.filter(jobcenter=jobcenter).select_related("user"))

        # 2,000 appointments in the next 8 weeks: 400 of the measured advisor, the rest
        # spread over the colleagues.
        rows = []
        others, remainder = divmod(EXISTING - MINE, ADVISORS - 1)
        for index, advisor in enumerate(advisors):
            slots = free_slots(appt_type=appt_type, staff_ids=[advisor.pk])
            count = MINE if index == 0 else others + (1 if index <= remainder else 0)
            for slot in rng.sample(slots, count):
                rows.append(
                    Appointment(
                        jobcenter=jobcenter,
                        type=appt_type,
                        customer=rng.choice(customers),
                        staff=advisor,
                        office=office,
                        channel="in_person",
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                    )
                )
        Appointment.objects.bulk_create(rows)

        # The race: one advisor with one free day (08:00-18:00 = 20 slots) in the horizon.
        day = (timezone.now() + timedelta(days=3)).astimezone(BERLIN).date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        WeeklyHours.objects.create(
            jobcenter=jobcenter,
            staff=race_advisor,
            office=office,
            weekday=day.weekday(),
            start=dtime(8),
            end=dtime(18),
        )
        day_start = datetime.combine(day, dtime(0), tzinfo=BERLIN)
        Absence.objects.create(
            jobcenter=jobcenter,
            staff=race_advisor,
            starts_at=timezone.now() - timedelta(days=1),
            ends_at=day_start,
            reason="bench",
        )
        Absence.objects.create(
            jobcenter=jobcenter,
            staff=race_advisor,
            starts_at=day_start + timedelta(days=1),
            ends_at=timezone.now() + timedelta(days=120),
            reason="bench",
        )
    race_slots = [s.starts_at for s in free_slots(appt_type=appt_type, staff_ids=[race_advisor.pk])]
    if len(race_slots) != RACE_SLOTS:
        msg = f"expected {RACE_SLOTS} race slots, got {len(race_slots)}"
        raise RuntimeError(msg)
    return World(jobcenter, office, appt_type, advisors, customers, race_advisor, day, race_slots)


# --- (a) free-slot search ------------------------------------------------------------------------


def _previous_endpoint(url: str) -> Callable[[], contextlib.AbstractContextManager[None]]:
    """The slots endpoint as it was before the cache (issue 6): job centre and profile in
    two queries, the uncached search, and a list that ninja validates slot by slot against
    ``SlotOut``. Swapped into the same route, so both go through the same stack."""
    from typing import Any as _Any

    from django.http import Http404, HttpRequest
    from django.urls import resolve

    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.appointments import api_common as api
    from openjobcenter.appointments import selectors

    def old_list_slots(request: HttpRequest, jc: str, type_id: int, params: _Any) -> _Any:
        jobcenter = api._jobcenter(request, jc)
        try:
            customer = CustomerProfile.objects.select_related("jobcenter", "user").get(
                user=request.auth,  # type: ignore[attr-defined]
                jobcenter=jobcenter,
            )
        except CustomerProfile.DoesNotExist:
            raise Http404 from None
        appt_type = selectors.get_type_for(customer.jobcenter, type_id, self_bookable_only=True)
        appt_type.jobcenter = customer.jobcenter
        slots = selectors.free_slots(
            appt_type=appt_type, staff_ids=selectors.staff_for_type(appt_type, customer)
        )
        return [api._slot(s) for s in slots]

    # ninja's route view is a closure over its PathView, which holds the operations.
    path_view = inspect.getclosurevars(resolve(url).func).nonlocals.get("self")
    operations = [
        op
        for op in getattr(path_view, "operations", [])
        if getattr(op.view_func, "__name__", "") == "list_slots"
    ]
    if not operations:
        msg = "could not find the slots operation to swap in the previous endpoint"
        raise RuntimeError(msg)
    operation = operations[0]

    @contextlib.contextmanager
    def swapped() -> Iterator[None]:
        current = operation.view_func
        operation.view_func = old_list_slots
        try:
            yield
        finally:
            operation.view_func = current

    return swapped


def bench_search(world: World, iterations: int, profile: bool = False) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from openjobcenter.appointments.models import ACTIVE_STATUSES, Appointment
    from openjobcenter.appointments.selectors import free_slots, staff_for_type
    from openjobcenter.appointments.slot_cache import slots_changed

    advisor = world.advisors[0]
    customer = world.customers[0]
    appt_type = world.appt_type
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(customer.user)
    url = f"/api/v1/appointments/{world.jobcenter.slug}/types/{appt_type.pk}/slots"

    def bare() -> int:
        now = timezone.now()
        earliest = now + timedelta(hours=appt_type.notice_hours)
        latest = now + timedelta(days=appt_type.horizon_days)
        rows = list(
            Appointment.objects.filter(
                staff_id=advisor.pk,
                status__in=ACTIVE_STATUSES,
                starts_at__lt=latest,
                ends_at__gt=earliest,
            ).values_list("staff_id", "starts_at", "ends_at")
        )
        return len(rows)

    def search() -> int:
        return len(free_slots(appt_type=appt_type, staff_ids=staff_for_type(appt_type, customer)))

    def api() -> int:
        response = client.get(url)
        if response.status_code != 200:
            msg = f"slots API answered {response.status_code}: {response.content[:200]!r}"
            raise RuntimeError(msg)
        return len(response.json())

    previous = _previous_endpoint(url)

    def api_previous() -> int:
        with previous():
            return api()

    def forget() -> None:
        slots_changed(world.jobcenter.pk)  # as a booking does; outside the timed part

    cases: list[tuple[Timing, Callable[[], int]]] = [
        (Timing("bare DB query (baseline)"), bare),
        (Timing("free_slots() selector"), search),
        (Timing("GET .../slots before (baseline)"), api_previous),
        (Timing("GET .../slots, cache miss"), api),
        (Timing("GET .../slots (API, in-process)"), api),
    ]
    before_call: dict[str, Callable[[], None]] = {"GET .../slots, cache miss": forget}
    for timing, fn in cases:
        prepare = before_call.get(timing.name, lambda: None)
        for _ in range(10):  # warm-up: connections, caches, imports
            prepare()
            timing.result_size = fn()
        prepare()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        timing.queries = len(ctx.captured_queries)
    reset_queries()
    for iteration in range(iterations):
        # Interleaved and rotated, so drifting machine load hits all cases alike.
        shift = iteration % len(cases)
        order = cases[shift:] + cases[:shift]
        for timing, fn in order:
            before_call.get(timing.name, lambda: None)()
            started, cpu = time.perf_counter(), time.thread_time()
            fn()
            timing.samples_ms.append((time.perf_counter() - started) * 1000)
            timing.cpu_ms.append((time.thread_time() - cpu) * 1000)
    results = [t.summary() for t, _ in cases]
    baseline = results[0]["p95_ms"] or 1e-9
    for result in results:
        result["p95_vs_baseline"] = round(result["p95_ms"] / baseline, 1)
    api_result = results[-1]
    return {
        "existing_appointments": Appointment.objects.filter(staff__in=world.advisors).count(),
        "advisor_appointments": MINE,
        "free_slots_found": results[1]["result_size"],
        "timings": results,
        "target_p95_ms": SEARCH_TARGET_P95_MS,
        # The target is the search itself; the API figure adds the HTTP stack.
        "pass": results[1]["p95_ms"] < SEARCH_TARGET_P95_MS,
        "api_pass": api_result["p95_ms"] < SEARCH_TARGET_P95_MS,
    }


# --- (b) the race -----------------------------------------------------------------------------------


def run_threads(
    workers: int, customers: list[Any], attempt: Callable[[Any, random.Random], dict[str, int]]
) -> tuple[float, Counter[str], list[float]]:
    """Customers are handed out to ``workers`` threads (one connection each), started together."""
    from django.db import connections

    queue = list(customers)
    lock = threading.Lock()
    barrier = threading.Barrier(workers + 1)
    totals: Counter[str] = Counter()
    latencies: list[float] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        try:
            barrier.wait(timeout=60)
            while True:
                with lock:
                    if not queue:
                        return
                    customer = queue.pop()
                started = time.perf_counter()
                counts = attempt(customer, rng)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    totals.update(counts)
                    latencies.append(elapsed)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, totals, sorted(latencies)


def bench_race(world: World, workers: int) -> dict[str, Any]:
    from django.db import IntegrityError, transaction

    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.appointments import services
    from openjobcenter.appointments.models import ACTIVE_STATUSES, Appointment

    advisor = world.race_advisor
    appt_type = world.appt_type
    CustomerProfile.objects.filter(pk__in=[c.pk for c in world.customers]).update(advisor=advisor)
    customers = list(
        CustomerProfile.objects.filter(pk__in=[c.pk for c in world.customers]).select_related(
            "user", "jobcenter"
        )
    )
    slots = list(world.race_slots)

    def bare_attempt(customer: Any, rng: random.Random) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for starts_at in rng.sample(slots, len(slots)):
            counts["attempts"] += 1
            try:
                with transaction.atomic():
                    Appointment.objects.create(
                        jobcenter=world.jobcenter,
                        type=appt_type,
                        customer=customer,
                        staff=advisor,
                        office=world.office,
                        channel="in_person",
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(minutes=appt_type.duration_min),
                    )
            except IntegrityError:
                counts["taken"] += 1
                continue
            except Exception:  # counted and reported; fails the target
                counts["errors"] += 1
                return counts
            counts["booked"] += 1
            return counts
        counts["empty_handed"] += 1
        return counts

    def service_attempt(customer: Any, rng: random.Random) -> dict[str, int]:
        counts: Counter[str] = Counter()
        choice = rng.choice(slots)
        while True:
            counts["attempts"] += 1
            try:
                services.appointment_book(
                    request=None,
                    customer=customer,
                    booking=services.BookingRequest(
                        appt_type=appt_type,
                        staff_id=advisor.pk,
                        starts_at=choice,
                        channel="in_person",
                    ),
                    actor=customer.user,
                )
            except services.SlotTaken as exc:
                counts["taken"] += 1
                if not exc.alternatives:
                    counts["empty_handed"] += 1
                    return counts
                choice = rng.choice(exc.alternatives).starts_at
                continue
            except Exception:  # counted and reported; fails the target
                counts["errors"] += 1
                return counts
            counts["booked"] += 1
            return counts

    def active() -> Any:
        return Appointment.objects.filter(staff=advisor, status__in=ACTIVE_STATUSES)

    results = {}
    for name, attempt in (
        ("bare INSERT (baseline)", bare_attempt),
        ("appointment_book()", service_attempt),
    ):
        seconds, totals, latencies = run_threads(workers, customers, attempt)
        rows = active()
        booked_rows = rows.count()
        distinct = rows.values("starts_at").distinct().count()
        results[name] = {
            "customers": len(customers),
            "workers": workers,
            "seconds": round(seconds, 3),
            "booked": totals["booked"],
            "rows_in_db": booked_rows,
            "distinct_starts": distinct,
            "taken": totals["taken"],
            "empty_handed": totals["empty_handed"],
            "errors": totals["errors"],
            "attempts": totals["attempts"],
            "bookings_per_s": round(totals["booked"] / seconds, 1),
            "attempts_per_s": round(totals["attempts"] / seconds, 1),
            "customer_p50_ms": round(percentile(latencies, 50), 1),
            "customer_p95_ms": round(percentile(latencies, 95), 1),
            "pass": booked_rows == RACE_SLOTS == distinct == totals["booked"]
            and totals["errors"] == 0
            and totals["empty_handed"] == len(customers) - RACE_SLOTS,
        }
        # Start the next run from the same empty day (bench data only; no service writes).
        rows.delete()
    return results


# --- report ---------------------------------------------------------------------------------------


def print_report(
    search: dict[str, Any], race: dict[str, Any] | None, describe: dict[str, Any]
) -> None:
    print(f"\nappointments bench - {describe['database']}, load average {describe['load_average']}")
    print(
        f"\n(a) free-slot search, 1 advisor, 8 weeks; {search['existing_appointments']} appointments exist "
        f"({search['advisor_appointments']} of this advisor); {search['free_slots_found']} free slots found"
    )
    print(
        f"    {'':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU p50':>8} {'CPU p95':>8} "
        f"{'queries':>8} {'p95/base':>9}"
    )
    for t in search["timings"]:
        print(
            f"    {t['name']:34} {t['p50_ms']:8.2f} {t['p95_ms']:8.2f} {t['max_ms']:8.2f} "
            f"{t['cpu_p50_ms']:8.2f} {t['cpu_p95_ms']:8.2f} {t['queries']:8d} {t['p95_vs_baseline']:8.1f}x"
        )
    print("    (CPU: this process's thread only; the database server's time is not in it)")
    verdict = "PASS" if search["pass"] else "FAIL"
    api_verdict = "PASS" if search["api_pass"] else "FAIL"
    print(
        f"    target: p95 < {search['target_p95_ms']:.0f} ms for the search: {verdict} "
        f"(through the API: {api_verdict})"
    )
    if race is None:
        print("\n(b) race: skipped (needs PostgreSQL)")
        return
    print(
        f"\n(b) race: {CUSTOMERS} customers, {RACE_SLOTS} slots, {next(iter(race.values()))['workers']} threads/connections"
    )
    print(
        f"    {'':24} {'booked':>6} {'in DB':>6} {'taken':>6} {'none':>5} {'errors':>6} "
        f"{'attempts':>8} {'s':>7} {'book/s':>7} {'try/s':>7} {'p95 ms':>7}"
    )
    for name, r in race.items():
        print(
            f"    {name:24} {r['booked']:6d} {r['rows_in_db']:6d} {r['taken']:6d} {r['empty_handed']:5d} "
            f"{r['errors']:6d} {r['attempts']:8d} {r['seconds']:7.2f} {r['bookings_per_s']:7.1f} "
            f"{r['attempts_per_s']:7.1f} {r['customer_p95_ms']:7.1f}"
        )
    print("    (try/s compares per-attempt cost: the baseline's customers try every slot in turn)")
    service = race["appointment_book()"]
    verdict = "PASS" if service["pass"] else "FAIL"
    print(f"    target: exactly {RACE_SLOTS} bookings, no errors other than taken: {verdict}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sqlite", action="store_true", help="search on SQLite; no race")
    parser.add_argument("--pg-admin-url", default=ADMIN_URL)
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--workers", type=int, default=20, help="threads/connections in the race")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--redis-url",
        help="put the cache in this Redis (127.0.0.1), e.g. redis://127.0.0.1:6379/15",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args(argv)
    if args.smoke:
        args.iterations, args.workers = 3, 4
        if args.db_name == DB_NAME:
            args.db_name = smoke_db_name(DB_NAME)
    host = urlsplit(args.pg_admin_url).hostname or ""
    if not args.sqlite and host not in LOCAL_HOSTS:
        parser.error(f"--pg-admin-url must point to this machine (127.0.0.1), not {host!r}")
    if args.redis_url and (urlsplit(args.redis_url).hostname or "") not in LOCAL_HOSTS:
        parser.error("--redis-url must point to this machine (127.0.0.1)")
    if "bench" not in args.db_name:
        parser.error("--db-name must contain 'bench' (the database is dropped)")
    if not 1 <= args.workers <= 80:
        parser.error("--workers must be between 1 and 80 (PostgreSQL's connection limit)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="ojc-bench-appt-") as tmp:
        base = Path(tmp)
        if args.sqlite:
            database = f"sqlite:///{base / 'bench.sqlite3'}"
        else:
            recreate_database(args.pg_admin_url, args.db_name, create=True)
            database = database_url(args.pg_admin_url, args.db_name)
        try:
            setup_django(database, base, args.redis_url)
            world = build_world(args.seed)
            search = bench_search(world, args.iterations)
            race = None if args.sqlite else bench_race(world, args.workers)
        finally:
            from django.db import connections

            connections.close_all()
            if not args.sqlite:
                recreate_database(args.pg_admin_url, args.db_name, create=False)
    describe = {
        "database": ("SQLite" if args.sqlite else f"PostgreSQL ({args.db_name} on 127.0.0.1)")
        + (", cache in Redis" if args.redis_url else ", cache in the database"),
        "load_average": None if load is None else round(load, 2),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    print_report(search, race, describe)
    ok = search["pass"] and (race is None or race["appointment_book()"]["pass"])
    if args.smoke:
        smoke_require(search["free_slots_found"] > 0, "the search found no free slot")
        smoke_require(
            race is None or race["appointment_book()"]["pass"],
            "the race did not book every slot exactly once without errors",
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"describe": describe, "search": search, "race": race}, indent=2)
        )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())

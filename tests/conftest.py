"""Personas (DESIGN §4.7): customers, staff of job centre A in every role, staff of B."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Generator, Iterator
from datetime import time as clock
from typing import Any

import pytest
import redis
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core import mail
from django.core.cache import cache, caches
from django.db.backends.postgresql.operations import DatabaseOperations as _PostgresOperations
from django.test import Client, override_settings
from django.utils import translation

from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership, User
from openjobcenter.appointments.models import AppointmentType, WeeklyHours
from openjobcenter.core import clock as clock_module
from openjobcenter.core.cache import SharedRedisCache
from openjobcenter.tenants import jcwatch
from openjobcenter.tenants.demo import load_jobcenters
from openjobcenter.tenants.models import Jobcenter, Office
from tests import axe_report
from tests.clock import ManualClock
from tests.messaging.faults import RedisServer

PASSWORD = "Sicheres-Passwort-123"
TOTP_SECRET = "TESTSECRETFORPERSONASABCDEFG2345"
IN_CI = os.environ.get("CI", "").lower() == "true"


# --- Under CI=true a skip is a failure ------------------------------------------------------
# A suite that skips what it cannot run would go green without having tested it (a missing
# Tesseract, a pass without Redis). CI deselects what belongs to the other pass (``-m "not
# postgres"`` on SQLite); anything that still skips fails the run, named with its reason.


def _skip_reason(longrepr: Any) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: why")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _skip_as_failure(report: pytest.TestReport | pytest.CollectReport, nodeid: str) -> None:
    reason = _skip_reason(report.longrepr)
    hint = ""
    if "postgres" in reason.lower():
        hint = ' (on SQLite deselect it with -m "not postgres"; CI runs it in the PostgreSQL pass)'
    report.outcome = "failed"
    report.longrepr = f"{nodeid} was skipped, and under CI=true no test may skip: {reason}{hint}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        _skip_as_failure(report, item.nodeid)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    # A module-level ``pytest.skip(allow_module_level=True)`` or ``importorskip``.
    report = yield
    if IN_CI and report.skipped:
        _skip_as_failure(report, collector.nodeid)
    return report


# --- Tests that CI runs in one of its two passes only ---------------------------------------
# CI runs the suite twice, on the embedded default (SQLite, in-memory channel layer) and on
# the production services (PostgreSQL, Redis); `make test` anywhere runs all of it once.
# A test goes in one pass only when the configuration cannot change what it checks:
# - ``browser`` (the pages in Chromium, axe-core on each): the PostgreSQL + Redis pass, as in
#   production. The views, services and queries under them run in both passes through
#   their own tests; the ASGI browser tests (tests/browser/asgi.py) serve a SQLite file of
#   their own in either pass.
# - ``db_agnostic``: the modules below, which test pure Python (the benefits calculator, the
#   application form engine, slot arithmetic), the message catalogues (complete, matching
#   the marked source, Leichte Sprache of the core flows' texts) and formal German,
#   the release files, or the calculator's pages (no query of theirs depends
#   on the database), or start a process of their own with its own embedded database and
#   no shared services (the production start, settings checks): the SQLite pass only. A
#   module that reads or writes data whose behaviour may differ between databases
#   (locking, constraints, text search, NUL bytes, transactions) or that uses Redis does
#   not belong here. Nor do tests that run whole installations in processes of their own,
#   except where each has its own SQLite file and, if it needs one, its own Redis server
#   (the federation between two instances, two app processes through a Redis outage, a
#   metrics scrape across processes): the pass's database and Redis are not theirs, so
#   they run once.
DB_AGNOSTIC = (
    "tests/benefits/",
    "tests/applications/test_engine.py",
    "tests/applications/test_proofs.py",
    "tests/applications/test_schema.py",
    "tests/applications/test_validators.py",
    "tests/appointments/test_optional_labels.py",
    "tests/appointments/test_slots.py",
    "tests/documents/test_cli.py",
    "tests/documents/test_settings.py",
    "tests/messaging/test_layer_outage_processes.py",
    "tests/news/test_federation_instances.py",
    "tests/test_bench_scripts.py",
    "tests/test_calculator_web.py",
    "tests/test_catalogue_source.py",
    "tests/test_config.py",
    "tests/test_connection_budget.py",
    "tests/test_easy_language_flows.py",
    "tests/test_formal_german.py",
    "tests/test_metrics.py::test_one_scrape_sees_every_process_of_the_node",
    "tests/test_production_start.py",
    "tests/test_release_files.py",
    "tests/test_translations.py",
)


# --- Emptying the database after a transactional test, on PostgreSQL ---------------------
# Django empties it with one TRUNCATE of every table: on PostgreSQL that makes new files for
# each of the ~110 tables and their indexes, 0.6-1 s per test (about 165 transactional
# tests in CI's PostgreSQL pass: browser, live-server, race and process tests). Nearly all
# tables are empty by then, and a DELETE of an empty table costs nothing: 0.03 s for all.
# Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so the order of
# the DELETEs does not matter within the flush's transaction. Sequences are reset only
# when asked (``reset_sequences``), then by Django's own statements. Test runs only; the
# ``flush`` command of an installation keeps TRUNCATE (a DELETE of large tables is slow).


_KEPT_ON_FLUSH = {"django_content_type", "auth_permission"}


def _delete_flush(
    ops: Any, style: Any, tables: list[str], *, reset_sequences: bool = False, **kw: Any
) -> list[str]:
    if reset_sequences or not tables:
        return _truncate_flush(ops, style, tables, reset_sequences=reset_sequences, **kw)
    quote = ops.quote_name
    # Content types and permissions stay: the post_migrate signal after the flush would
    # write the same rows again (deleting them cost most of the time, their references
    # being checked at the commit).
    tables = [t for t in tables if t not in _KEPT_ON_FLUSH]
    # Table names from Django's introspection of its own models, quoted.
    return ["SET CONSTRAINTS ALL DEFERRED", *(f"DELETE FROM {quote(t)}" for t in tables)]  # noqa: S608


_truncate_flush = _PostgresOperations.sql_flush
_PostgresOperations.sql_flush = _delete_flush  # type: ignore[method-assign,assignment]


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(DB_AGNOSTIC):
            item.add_marker(pytest.mark.db_agnostic)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # A parallel worker hands its axe-core results to the controller.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput.update(axe_report.worker_output())


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: the controller gets it
def pytest_testnodedown(node: Any, error: Any) -> None:
    axe_report.add_worker_output(getattr(node, "workeroutput", {}) or {})


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = axe_report.summary_lines()
    if lines:
        terminalreporter.section("axe-core")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _ocr_only_where_tested(request: pytest.FixtureRequest) -> Iterator[None]:
    """OCR (Tesseract, about 0.5 s of CPU a page) only in tests marked ``ocr``.

    Most tests that upload a photo are about something else (who sees it, the retention
    rules, chat attachments, the home); for them the documents pipeline runs every step
    but the reading of the text (``DOCUMENTS["ocr"]``, the operator's ``DOCUMENTS_OCR``):
    the page, the PDF and a PDF's own text stay as they are, the document's OCR text and
    kind suggestion stay empty. Tests that look at the text or the suggestion are marked
    ``@pytest.mark.ocr``; the pipeline's own tests call its steps with ``ocr=True``
    directly. Servers started in a process of their own read ``DOCUMENTS_OCR`` from their
    environment and are not changed here. A fixture with a wider scope (a module's
    world) is built before this one and decides for itself.
    """
    if request.node.get_closest_marker("ocr") is not None:
        yield
        return
    with override_settings(DOCUMENTS={**settings.DOCUMENTS, "ocr": False}):
        yield


@pytest.fixture
def manual_clock() -> Iterator[ManualClock]:
    """Session and socket lifetimes read this clock (``core.clock``); the test moves it."""
    fake = ManualClock()
    previous = clock_module.use(fake)
    yield fake
    clock_module.use(previous)


@pytest.fixture
def one_rate_window(time_machine: Any) -> None:
    """Fixed-window rate limits (per minute or per hour, counted under the window's number)
    start anew at each full minute and hour: requests of one test that straddle that moment
    are counted in two windows, and the refusal the test expects does not come (seen in CI
    at 02:57:00). The test starts two seconds into the next full hour; time runs on."""
    now = time.time()
    time_machine.move_to(now - now % 3600 + 3602, tick=True)


def make_user(email: str, first: str = "Erika", last: str = "Muster", **extra: Any) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, first_name=first, last_name=last, **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@functools.cache
def _redis(url: str) -> redis.Redis:
    # One client for the whole run: its pooled connection is opened before a test starts,
    # so clearing after a test that patched name resolution still reaches Redis.
    return redis.Redis.from_url(url)


def clear_cache() -> None:
    """Empty the cache: rate-limit counters, lockouts, used TOTP codes.

    On Redis only this test worker's keys go (its ``KEY_PREFIX``, see ``tests/workers.py``):
    ``cache.clear()`` would flush the database that parallel workers share.
    """
    config = settings.CACHES["default"]
    if not config["BACKEND"].endswith("RedisCache"):
        cache.clear()
        return
    client = _redis(str(config["LOCATION"]))
    keys = list(client.scan_iter(match=f"{config.get('KEY_PREFIX', '')}:*", count=1000))
    if keys:
        client.delete(*keys)
    # The job centres' version went with the keys: what this process heard is forgotten.
    jcwatch.forget()


@pytest.fixture(autouse=True)
def _platform_language() -> None:
    # A page requested in another language leaves that language active in the thread:
    # each test starts in the platform's (parallel workers run tests in changing order).
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Rate-limit counters and lockouts live in the cache; each test starts without them.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def jobcenters(db: None) -> dict[str, Jobcenter]:
    load_jobcenters()
    return {jc.slug: jc for jc in Jobcenter.objects.all()}


@pytest.fixture
def jc_a(jobcenters: dict[str, Jobcenter]) -> Jobcenter:
    return jobcenters["fulda"]


@pytest.fixture
def jc_b(jobcenters: dict[str, Jobcenter]) -> Jobcenter:
    return jobcenters["wiesbaden"]


def make_customer(jobcenter: Jobcenter, email: str, number: str | None = None) -> CustomerProfile:
    user = make_user(email, "Karl", "Kunde")
    return CustomerProfile.objects.create(
        user=user, jobcenter=jobcenter, customer_number=number, city="Fulda"
    )


@pytest.fixture
def customer(jc_a: Jobcenter) -> CustomerProfile:
    return make_customer(jc_a, "kunde@example.org", "A-1001")


@pytest.fixture
def customer2(jc_a: Jobcenter) -> CustomerProfile:
    return make_customer(jc_a, "kundin2@example.org", "A-1002")


@pytest.fixture
def customer_b(jc_b: Jobcenter) -> CustomerProfile:
    return make_customer(jc_b, "kunde-b@example.org", "B-2001")


def make_staff(jobcenter: Jobcenter, role: Role, email: str, *, mfa: bool = True) -> User:
    user = make_user(email, "Sam", role.value.title())
    StaffMembership.objects.create(user=user, jobcenter=jobcenter, role=role)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def staff_a(jc_a: Jobcenter) -> dict[Role, User]:
    return {role: make_staff(jc_a, role, f"{role.value}@a.example.org") for role in Role}


@pytest.fixture
def staff_b(jc_b: Jobcenter) -> dict[Role, User]:
    return {role: make_staff(jc_b, role, f"{role.value}@b.example.org") for role in Role}


def login_with_mfa(client: Client, user: User) -> Client:
    """Log in as if password and second factor had both been given in this session."""
    client.force_login(user)
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp", "id": 1},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def staff_client(client: Client) -> Callable[[User], Client]:
    def _login(user: User) -> Client:
        return login_with_mfa(client, user)

    return _login


@pytest.fixture
def customer_client(client: Client, customer: CustomerProfile) -> Client:
    client.force_login(customer.user)
    return client


@pytest.fixture
def outbox() -> list[Any]:
    mail.outbox.clear()
    return mail.outbox


# --- Appointments: a bookable type and an advisor with consultation hours -------------


@pytest.fixture
def appt_type(jc_a: Jobcenter) -> AppointmentType:
    if "appointments" not in jc_a.enabled_modules:
        jc_a.enabled_modules = [*jc_a.enabled_modules, "appointments"]
        jc_a.save()
    return AppointmentType.objects.create(
        jobcenter=jc_a,
        name="Beratung bei Ihrer Ansprechperson",
        duration_min=30,
        buffer_min=0,
        channels=["in_person", "phone", "video"],
        self_bookable=True,
        own_advisor_only=True,
        horizon_days=56,
        notice_hours=12,
        what_to_bring="Personalausweis",
        legal_notice=(
            "Wenn Sie ohne wichtigen Grund nicht kommen, kann Ihr Bürgergeld gemindert "
            "werden (§ 32 SGB II)."
        ),
    )


@pytest.fixture
def advisor(jc_a: Jobcenter, staff_a: dict[Role, User], customer: CustomerProfile) -> User:
    """Fulda's job advisor, Mon–Fri 08:00–12:00 at the first office, the customer's advisor."""
    user = staff_a[Role.JOB_ADVISOR]
    office = Office.objects.filter(jobcenter=jc_a).order_by("position").first()
    for weekday in range(5):
        WeeklyHours.objects.create(
            jobcenter=jc_a,
            staff=user,
            office=office,
            weekday=weekday,
            start=clock(8),
            end=clock(12),
        )
    customer.advisor = user
    customer.save(update_fields=["advisor"])
    return user


@pytest.fixture
def after_commit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's transaction never commits: after-commit work (since issue 19 the home's
    and the work queue's invalidation waits for the commit, once per transaction) runs at
    once, as after a real commit, so the test's next request sees the change."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer | None]:
    """The module's own Redis server, or None when the run's cache is Redis already."""
    if isinstance(caches["default"], SharedRedisCache):
        yield None
        return
    server = RedisServer(tmp_path_factory.mktemp("own-redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()

"""Real worker processes killed mid-task, and a process killed right after a commit.

Each test starts ``manage.py db_worker`` subprocesses on the test database (data
committed: ``transaction=True``) with a fail point armed (``core/failpoints.py``): the
worker stops inside the task, the test kills it with SIGKILL, waits for the short lease
to run out and runs ``manage.py run_scheduler --once`` (the task-lease sweeper, the
outbox and hand-off sweepers) beside a fresh worker: the work completes, once.
PostgreSQL only (CI's second pass); each test takes about 15 s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import services as app_services
from openjobcenter.applications.models import Application, DeliveryStatus, HandoffDelivery
from openjobcenter.core.mail import send_after_commit
from openjobcenter.core.models import OutboxItem
from openjobcenter.documents import services as doc_services
from openjobcenter.documents.models import Document, DocumentState
from tests.applications.staff_data import enable_module
from tests.documents.conftest import photo, upload

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
ROOT = Path(__file__).resolve().parents[1]
LEASE_S = 2

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (real worker processes)"),
]


@pytest.fixture(autouse=True)
def _database_queue(settings: Any, tmp_path: Path) -> None:
    """This process enqueues into the database queue, as the web server does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def _env(tmp_path: Path, failpoints: str = "") -> dict[str, str]:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return {
        **os.environ,
        "DATABASE_URL": urlunsplit(
            parts._replace(path="/" + str(connection.settings_dict["NAME"]))
        ),
        "DATABASE_POOL_MIN": "0",
        "DATABASE_POOL_SIZE": "3",
        "SECRET_KEY": settings.SECRET_KEY,
        "OJC_ENV": "development",
        "DEBUG": "0",
        "TASKS_IMMEDIATE": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DOCUMENTS_OCR": "0",
        "TASKS_LEASE_S": str(LEASE_S),
        "OUTBOX_LEASE_S": str(LEASE_S),
        "APPLICATIONS_HANDOFF_LEASE_S": str(LEASE_S),
        "OJC_FAILPOINTS": failpoints,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
    }


class Processes:
    """The subprocesses of one test, killed at its end whatever happened."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[subprocess.Popen[bytes]] = []
        self.count = 0

    def start(self, *command: str, failpoints: str = "") -> tuple[subprocess.Popen[bytes], Path]:
        self.count += 1
        out = self.tmp_path / f"proc{self.count}.log"
        with out.open("wb") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "openjobcenter.manage", *command],
                env=_env(self.tmp_path, failpoints),
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
        self.started.append(proc)
        return proc, out

    def worker(self, failpoints: str = "") -> tuple[subprocess.Popen[bytes], Path]:
        return self.start(
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
            failpoints=failpoints,
        )

    def sweep(self) -> None:
        """The scheduler's round: task leases swept at once, the sweep tasks enqueued."""
        proc, out = self.start("run_scheduler", "--once")
        assert proc.wait(60) == 0, out.read_text()

    def kill_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    processes = Processes(tmp_path)
    try:
        yield processes
    finally:
        processes.kill_all()


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def kill_at_failpoint(proc: subprocess.Popen[bytes], log: Path, name: str) -> None:
    """Wait until the worker stands at the fail point ``name``, then SIGKILL it."""
    wait_for(lambda: f"failpoint {name}" in log.read_text(errors="replace"), name)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


def recover(procs: Processes) -> None:
    """After the lease: a fresh worker and one scheduler round."""
    time.sleep(LEASE_S + 0.5)
    procs.worker()
    procs.sweep()


def _running(task_suffix: str) -> list[Any]:
    return list(DBTaskResult.objects.filter(status="RUNNING", task_path__endswith=task_suffix))


def test_document_processing_survives_a_killed_worker(
    procs: Processes, customer: CustomerProfile
) -> None:
    jc = customer.jobcenter
    jc.enabled_modules = [*jc.enabled_modules, "documents"]
    jc.save()
    document = doc_services.document_draft_create(request=None, customer=customer, kind="payslip")
    doc_services.document_page_add(request=None, document=document, uploaded_file=upload(photo(3)))
    doc_services.document_submit(request=None, document=document, kind="payslip")

    proc, log = procs.worker("documents.process=hang")
    kill_at_failpoint(proc, log, "documents.process")
    assert _running("process_document_task"), "the dead worker's task row stays RUNNING"
    document.refresh_from_db()
    assert document.state == DocumentState.PROCESSING

    recover(procs)
    wait_for(
        lambda: Document.objects.get(pk=document.pk).state == DocumentState.RECEIVED,
        "the document to be received",
    )
    document.refresh_from_db()
    assert document.file_key and document.page_count == 1
    row = DBTaskResult.objects.get(task_path__endswith="process_document_task")
    wait_for(lambda: DBTaskResult.objects.get(pk=row.pk).status == "SUCCESSFUL", "task row")
    assert len(DBTaskResult.objects.get(pk=row.pk).worker_ids) == 2  # the dead one, the new one


def _complete_draft(customer: CustomerProfile) -> Application:
    from bench.applications import complete_draft

    enable_module(customer.jobcenter)
    app: Application = complete_draft(customer)
    return app


@pytest.mark.parametrize("point", ["applications.pdf", "applications.handoff"])
def test_submission_work_survives_a_killed_worker(
    procs: Processes, customer: CustomerProfile, point: str
) -> None:
    app = _complete_draft(customer)
    app_services.application_submit(request=None, application=app, idempotency_key="k1")

    proc, log = procs.worker(f"{point}=hang")
    kill_at_failpoint(proc, log, point)
    assert _running("deliver_outbox_item")

    recover(procs)
    wait_for(
        lambda: (
            HandoffDelivery.objects.filter(
                application=app, phase="submission", status=DeliveryStatus.DELIVERED
            ).count()
            == 1
        ),
        "the hand-off",
    )
    wait_for(
        lambda: OutboxItem.objects.filter(
            topic="applications.submitted", delivered_at__isnull=False
        ).exists(),
        "the outbox row",
    )
    # The receipt is drawn by its own outbox row (issue 19: the two PDFs in parallel).
    wait_for(
        lambda: OutboxItem.objects.filter(
            topic="applications.receipt", delivered_at__isnull=False
        ).exists(),
        "the receipt's outbox row",
    )
    app.refresh_from_db()
    assert app.pdf_name and app.receipt_pdf_name
    # The filing was handed off too (its own outbox row): wait for both phases, then the
    # hand-off the worker died in (the filing's or the submission's, whichever it reached
    # first) was tried twice, every other once.
    deliveries = HandoffDelivery.objects.filter(application=app)
    wait_for(
        lambda: (
            deliveries.count() == 2
            and not deliveries.exclude(status=DeliveryStatus.DELIVERED).exists()
        ),
        "both hand-offs",
    )
    attempts = sorted(deliveries.values_list("attempts", flat=True))
    assert attempts == ([1, 2] if point == "applications.handoff" else [1, 1])
    # Delivered once (the filing, handed off before, has its own delivery and event).
    assert app.events.filter(kind="handoff", data__phase="submission").count() == 1


def test_mail_survives_a_killed_worker(procs: Processes, tmp_path: Path) -> None:
    with transaction.atomic():
        send_after_commit(
            EmailMessage("Ihr Termin 4711", "Guten Tag", "noreply@example.org", ["k@example.org"])
        )
    proc, log = procs.worker("core.send_email=hang")
    kill_at_failpoint(proc, log, "core.send_email")
    assert "Ihr Termin 4711" not in log.read_text()

    recover(procs)
    wait_for(
        lambda: DBTaskResult.objects.filter(
            task_path__endswith="send_email", status="SUCCESSFUL"
        ).exists(),
        "the mail",
    )
    sent = "".join(p.read_text(errors="replace") for p in tmp_path.glob("proc*.log"))
    assert sent.count("Subject: Ihr Termin 4711") == 1


def test_a_process_killed_right_after_the_submit_commit_loses_nothing(
    procs: Processes, customer: CustomerProfile
) -> None:
    """The submitting process dies between the commit and every after-commit callback
    (``os._exit``): the outbox rows, the deliveries and the tasks committed with the
    submission; and without the tasks the sweepers deliver them."""
    app = _complete_draft(customer)
    DBTaskResult.objects.all().delete()  # the receipt's work from filing is not the point
    script = (
        "import django; django.setup()\n"
        "from openjobcenter.applications.models import Application\n"
        "from openjobcenter.applications.services import application_submit\n"
        f"application_submit(request=None, application=Application.objects.get(pk={app.pk}))\n"
        "print('not reached')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env=_env(procs.tmp_path, "applications.submitted=exit"),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 70, proc.stderr.decode()
    assert b"not reached" not in proc.stdout
    app.refresh_from_db()
    assert app.status == "received"
    # The tasks (receipt mail, the two outbox nudges) committed with the submission
    # (core/taskrows.py), not after it: the process's death lost none of them.
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "openjobcenter.core.tasks.deliver_outbox_item",
        "openjobcenter.core.tasks.deliver_outbox_item",
        "openjobcenter.core.tasks.send_email",
    ]
    # Even without them (a task row lost or pruned) the sweepers deliver everything.
    DBTaskResult.objects.all().delete()
    assert (
        HandoffDelivery.objects.filter(
            application=app, phase="submission", status="pending"
        ).count()
        == 1
    )
    assert OutboxItem.objects.filter(topic="applications.submitted", delivered_at=None).count() == 1

    # A customer's retry returns the application unchanged and records nothing twice.
    again = app_services.application_submit(request=None, application=app, idempotency_key="k")
    assert again.submitted_at == app.submitted_at
    assert OutboxItem.objects.filter(topic="applications.submitted").count() == 1
    assert app.events.filter(kind="submitted").count() == 1

    procs.worker()
    procs.sweep()
    wait_for(
        lambda: HandoffDelivery.objects.filter(
            application=app, phase="submission", status="delivered"
        ).exists(),
        "the hand-off",
    )
    app.refresh_from_db()
    assert app.pdf_name

"""A deletion run killed halfway (``core/failpoints.py``: the process exits right after a
batch committed) resumes: the next run marks the dead run's report interrupted and deletes
the rest, nothing twice. Real processes on the test database (committed data):
PostgreSQL only, like ``tests/test_worker_faults.py``."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.casefile.models import CaseNote
from openjobcenter.retention.models import DeletionReport, ReportStatus
from openjobcenter.tenants.models import Jobcenter

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (a real process killed)"),
]


def run(tmp_path: Path, failpoints: str = "") -> subprocess.CompletedProcess[str]:
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "DATABASE_URL": urlunsplit(
            parts._replace(path="/" + str(connection.settings_dict["NAME"]))
        ),
        "DATABASE_POOL_MIN": "0",
        "DATABASE_POOL_SIZE": "2",
        "SECRET_KEY": settings.SECRET_KEY,
        "OJC_ENV": "development",
        "DEBUG": "0",
        "TASKS_IMMEDIATE": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "OJC_FAILPOINTS": failpoints,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "openjobcenter.manage", "retention_run", "--batch-size", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_run_killed_after_a_batch_resumes(
    jc_a: Jobcenter, customer: CustomerProfile, tmp_path: Path, settings: Any
) -> None:
    old = timezone.make_aware(datetime(2001, 3, 1))
    notes = [
        CaseNote.objects.create(jobcenter=jc_a, customer=customer, category="general", text="x")
        for _ in range(5)
    ]
    CaseNote.objects.filter(pk__in=[n.pk for n in notes]).update(created_at=old)

    crashed = run(tmp_path, "retention.batch=exit")

    assert crashed.returncode == 70, crashed.stderr
    # The first batch of the notes committed (2 of 5), then the process died.
    report = DeletionReport.objects.get(status=ReportStatus.RUNNING)
    assert (report.rule, report.jobcenter, report.finished_at) == ("casefile.notes", jc_a, None)
    assert report.deleted == 2
    assert CaseNote.objects.count() == 3

    resumed = run(tmp_path)

    assert resumed.returncode == 0, resumed.stderr
    assert not CaseNote.objects.filter(pk__in=[n.pk for n in notes]).exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.INTERRUPTED
    assert report.deleted == 2  # the dead run's count stays as it was
    again = DeletionReport.objects.filter(rule="casefile.notes", jobcenter=jc_a).exclude(
        run_id=report.run_id
    )
    assert [(r.deleted, r.status) for r in again] == [(3, ReportStatus.DONE)]

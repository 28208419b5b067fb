"""Exactly one active scheduler (core.scheduler, core.scheduler_lock): a job is enqueued
once per period, whatever number of schedulers run, and when the leader dies another
takes over at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from openjobcenter.core import scheduler
from openjobcenter.core.models import ScheduledRun
from openjobcenter.core.scheduler import PeriodicJob, run_once_per_period
from tests.scheduler_process import TICK_JOB

ROOT = Path(__file__).resolve().parents[1]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
PRUNE = "openjobcenter.core.tasks.prune_task_results"


@pytest.mark.django_db
def test_a_second_scheduler_never_doubles_a_period() -> None:
    calls: list[str] = []
    # The same job as two processes see it (each with its own memory of what it ran).
    in_a = PeriodicJob("test.job", 60, lambda: calls.append("a"))
    in_b = PeriodicJob("test.job", 60, lambda: calls.append("b"))
    assert run_once_per_period(in_a, 1000, "node-a:1") is True
    assert run_once_per_period(in_b, 1000, "node-b:2") is False  # same period: nothing
    assert run_once_per_period(in_b, 1001, "node-b:2") is True
    assert calls == ["a", "b"]
    assert list(
        ScheduledRun.objects.order_by("period_start").values_list("period_start", "runner")
    ) == [
        (datetime.fromtimestamp(60_000, tz=UTC), "node-a:1"),
        (datetime.fromtimestamp(60_060, tz=UTC), "node-b:2"),
    ]


@pytest.mark.django_db
def test_a_period_whose_enqueue_failed_stays_open() -> None:
    def broken() -> None:
        raise ConnectionError("queue down")

    job = PeriodicJob("test.job", 60, broken)
    with pytest.raises(ConnectionError):
        run_once_per_period(job, 1000, "node-a:1")
    assert not ScheduledRun.objects.exists()  # the row went with the failed enqueue
    calls: list[int] = []
    job.enqueue = lambda: calls.append(1)
    assert run_once_per_period(job, 1000, "node-a:1") is True
    assert calls == [1]


@pytest.mark.django_db
def test_a_restarted_scheduler_does_not_run_the_period_again(monkeypatch: Any) -> None:
    calls: list[str] = []
    monkeypatch.setattr(scheduler, "_jobs", {})
    scheduler.register("test.hourly", 3600, lambda: calls.append("run"))
    now = 3600 * 500_000 + 10.0
    assert scheduler.run_due(now=now, runner="n:1") == ["test.hourly"]
    # A new process (nothing in memory) half an hour later: the hour has run already.
    scheduler.register("test.hourly", 3600, lambda: calls.append("run"))
    assert scheduler.run_due(now=now + 1800, runner="n:2") == []
    assert scheduler.run_due(now=now + 3600, runner="n:2") == ["test.hourly"]
    assert calls == ["run", "run"]


# --- Two real schedulers on PostgreSQL --------------------------------------------------


def _env() -> dict[str, str]:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return {
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
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
    }


@pytest.fixture
def schedulers(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"scheduler{len(started)}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.scheduler_process", "--tick", "0.2"],
            cwd=ROOT,
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(proc)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)


def _ticks() -> list[tuple[datetime, str, datetime]]:
    return list(
        ScheduledRun.objects.filter(job=TICK_JOB)
        .order_by("period_start")
        .values_list("period_start", "runner", "ran_at")
    )


def _wait(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (advisory lock, real processes)")
def test_one_leader_enqueues_each_period_once_and_another_takes_over(
    schedulers: Callable[[], subprocess.Popen[bytes]],
) -> None:
    procs = {proc.pid: proc for proc in (schedulers(), schedulers())}
    _wait(lambda: len(_ticks()) >= 4, "four periods")
    runners = {runner for _, runner, _ in _ticks()}
    assert len(runners) == 1, runners  # only the leader enqueued
    leader_pid = int(runners.pop().rsplit(":", 1)[1])
    assert leader_pid in procs
    (other_pid,) = set(procs) - {leader_pid}

    os.kill(leader_pid, signal.SIGKILL)
    procs[leader_pid].wait(10)
    killed_at = time.time()
    before = len(_ticks())
    _wait(lambda: any(r.endswith(f":{other_pid}") for _, r, _ in _ticks()), "the takeover", 10)
    took_over = next(ran for _, r, ran in _ticks() if r.endswith(f":{other_pid}"))
    # Within a tick and a period (1 s), not a lease of minutes.
    assert took_over.timestamp() - killed_at < 2.5
    _wait(lambda: len(_ticks()) >= before + 3, "three periods from the new leader")
    procs[other_pid].kill()
    procs[other_pid].wait(10)

    ticks = _ticks()
    periods = [start for start, _, _ in ticks]
    assert len(periods) == len(set(periods))  # never twice
    # Every second has its run, but for at most the seconds of the takeover.
    span = int((periods[-1] - periods[0]).total_seconds()) + 1
    assert span - len(periods) <= 3
    # Each run stands for exactly one task in the queue: nothing enqueued twice.
    runs = ScheduledRun.objects.filter(job__in=[TICK_JOB, "core.prune_task_results"]).count()
    assert DBTaskResult.objects.filter(task_path=PRUNE).count() == runs

"""Periodic jobs (DESIGN §4.4: a registry, not hidden wiring).

A module registers a task and an interval; ``manage.py run_scheduler`` enqueues each
task when it is due and the task worker runs it. Tasks must be idempotent, because a
second scheduler (another node) may enqueue them too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PeriodicJob:
    name: str
    interval_s: int
    enqueue: Callable[[], Any]
    next_run: float = field(default=0.0)


_jobs: dict[str, PeriodicJob] = {}


def register(name: str, interval_s: int, enqueue: Callable[[], Any]) -> None:
    _jobs[name] = PeriodicJob(name, interval_s, enqueue)


def registered() -> list[PeriodicJob]:
    return list(_jobs.values())


def run_due(now: float | None = None) -> list[str]:
    """Enqueue every job whose time has come; returns their names."""
    now = time.monotonic() if now is None else now
    ran: list[str] = []
    for job in _jobs.values():
        if now >= job.next_run:
            job.enqueue()
            job.next_run = now + job.interval_s
            ran.append(job.name)
    return ran

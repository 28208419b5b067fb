"""Enqueue periodic jobs when due, as the one active scheduler (``core.scheduler``).

``make run`` starts it beside the worker. Start it on as many nodes as you like: one holds
the scheduler lock and enqueues, the others wait and take over when it dies."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand

from openjobcenter.core import scheduler, scheduler_lock
from openjobcenter.core.metrics import SCHEDULER_LEADER

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue the registered periodic jobs (reminders, ...) when due, as the one leader."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="one round without the leader lock (periods already run are skipped), then exit",
        )
        parser.add_argument(
            "--tick", type=float, default=5.0, help="seconds between rounds (and lock tries)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runner = scheduler.runner_name()
        if options["once"]:
            self._round(runner)
            return
        lock = scheduler_lock.for_database()
        leader = False
        try:
            while True:
                if leader and not lock.held():
                    leader = False
                    SCHEDULER_LEADER.set(0)
                    log.warning("scheduler %s lost the scheduler lock", runner)
                if not leader and lock.acquire():
                    leader = True
                    SCHEDULER_LEADER.set(1)
                    log.info("scheduler %s is now the active scheduler", runner)
                if leader:
                    self._round(runner)
                time.sleep(options["tick"])
        finally:
            lock.release()

    def _round(self, runner: str) -> None:
        try:
            ran = scheduler.run_due(runner=runner)
            if ran:
                log.info("scheduler enqueued %s", ", ".join(ran))
        except Exception:
            log.exception("scheduler round failed")  # next round tries again

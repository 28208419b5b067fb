"""Enqueue periodic jobs when they are due. ``make run`` starts it beside the worker."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand

from openjobcenter.core import scheduler

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue the registered periodic jobs (reminders, ...) when due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue due jobs once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            try:
                ran = scheduler.run_due()
                if ran:
                    log.info("scheduler enqueued %s", ", ".join(ran))
            except Exception:
                log.exception("scheduler round failed")  # next round tries again
            if options["once"]:
                return
            time.sleep(5)

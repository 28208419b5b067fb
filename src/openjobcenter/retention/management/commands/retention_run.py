"""``manage.py retention_run [--dry-run] [--batch-size N]``: the daily deletion run now;
with ``--dry-run`` only what would be deleted (counts per rule and job centre)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openjobcenter.retention.services import BATCH, retention_plan, retention_run


class Command(BaseCommand):
    help = "Delete what the retention rules say is due; --dry-run prints what would go."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
        parser.add_argument("--batch-size", type=int, default=BATCH, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            for planned in retention_plan():
                jc = planned.jobcenter.slug if planned.jobcenter else "-"
                self.stdout.write(
                    f"would delete\t{planned.rule.key}\t{jc}\t{planned.due}\t"
                    f"before {planned.cutoff:%Y-%m-%d}"
                )
            return
        batch = max(1, int(options["batch_size"]))
        for report in retention_run(batch=batch):
            jc = report.jobcenter.slug if report.jobcenter else "-"
            self.stdout.write(
                f"deleted\t{report.rule}\t{jc}\t{report.deleted}\tskipped={report.skipped}\t"
                f"errors={report.errors}\t{report.status}"
            )

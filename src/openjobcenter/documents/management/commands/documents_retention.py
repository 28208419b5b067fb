"""``manage.py documents_retention [--report] [--run]``: the retention report and run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openjobcenter.documents.selectors import retention_report
from openjobcenter.documents.services import documents_retention_run


class Command(BaseCommand):
    help = (
        "Report documents by job centre and kind with their deletion dates; --run deletes due ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", action="store_true", help="delete what is due now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["run"]:
            result = documents_retention_run()
            self.stdout.write(f"deleted={result['deleted']} drafts={result['drafts']}")
        for row in retention_report():
            self.stdout.write(
                f"{row['jobcenter__slug']}\t{row['kind']}\t{row['count']}\t{row['next_deletion']}"
            )

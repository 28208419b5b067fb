"""``manage.py backup --to DIR``: database dump, every stored file and a manifest (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openjobcenter.core import backup


class Command(BaseCommand):
    help = "Back up the database and every stored file (documents, media) into a new folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", required=True, type=Path, help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.backup(options["to"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = sum(len(v) for v in result.manifest["files"].values())
        rows = sum(result.manifest["row_counts"].values())
        self.stdout.write(f"backup written to {result.folder}: {rows} rows, {files} files")

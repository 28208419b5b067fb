"""``manage.py restore --from DIR [--force]``: verify a backup, then restore database and files.

Verification comes first and changes nothing: the manifest is complete, every file and the
dump match their SHA-256, and the configured documents key has the fingerprint the backup
was made with. A non-empty database or storage is only replaced with ``--force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openjobcenter.core import backup


class Command(BaseCommand):
    help = "Restore a backup made with `backup` (verifies checksums and the documents key first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--from", dest="source", required=True, type=Path, help="the backup folder"
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a non-empty database and storage"
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="only check the backup, restore nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verify_only"]:
                manifest = backup.verify(options["source"].resolve())
                self.stdout.write(f"backup of {manifest['created_at']} verified; nothing restored")
                return
            manifest = backup.restore(options["source"], force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"restored the backup of {manifest['created_at']}: {rows} rows, counts equal"
        )

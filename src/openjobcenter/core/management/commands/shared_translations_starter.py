"""Load the operator's starter set of shared translations (core/shared_starter.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Adds the platform's shared translations of common job-centre texts; "
        "never overwrites a text the operator changed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from openjobcenter.core.models import SharedTranslation
        from openjobcenter.core.shared_starter import load_starter

        written = load_starter(SharedTranslation)
        self.stdout.write(f"{written} shared translation(s) added or completed.")

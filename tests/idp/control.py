"""What the tests control in the provider: its users (with groups, acr, amr) and what
it does wrong on purpose. A JSON file the tests rewrite; the provider reads it on each
request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings


def state() -> dict[str, Any]:
    path = Path(settings.STATE) / "control.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault("users", {})
    data.setdefault("faults", {})
    return data

"""What the tests control in the provider: its users (with groups, acr, amr) and what
it does wrong on purpose. A JSON file the tests rewrite; the provider reads it on each
request."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def state_dir() -> Path:
    return Path(os.environ["IDP_STATE_DIR"])


def state() -> dict[str, Any]:
    path = state_dir() / "control.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault("users", {})
    data.setdefault("faults", {})
    return data

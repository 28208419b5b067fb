"""Named points where the fault tests stop a real process (like FreeBSD's fail points or
TiKV's ``fail-rs``).

Off unless the environment variable ``OJC_FAILPOINTS`` names them, e.g.
``OJC_FAILPOINTS=documents.process=hang,applications.submitted=exit``:

- ``hang``: the process sleeps there (the test then kills it with SIGKILL, mid-task);
- ``exit``: the process ends at once with ``os._exit`` (no cleanup, no after-commit
  callbacks: a crash right after a commit).

The variable is read once per process; a point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import sys
import time
from functools import cache, partial

from django.db import transaction


@cache
def _armed() -> dict[str, str]:
    raw = os.environ.get("OJC_FAILPOINTS", "")
    points: dict[str, str] = {}
    for item in raw.split(","):
        name, _, action = item.strip().partition("=")
        if name:
            points[name] = action or "hang"
    return points


def hit(name: str) -> None:
    action = _armed().get(name)
    if action is None:
        return
    sys.stderr.write(f"failpoint {name}: {action}\n")
    sys.stderr.flush()
    if action == "exit":
        os._exit(70)
    time.sleep(3600)


def on_commit(name: str) -> None:
    """Hit ``name`` right after the current transaction commits, before any after-commit
    work registered later (only when armed: nothing is registered otherwise)."""
    if name in _armed():
        transaction.on_commit(partial(hit, name))

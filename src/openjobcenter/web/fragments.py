"""Parts of tenant pages rendered once per process and job-centre version (issue 19).

A job centre's start page shows the same name, introduction, online services and offices
to everyone of the same language (two variants: logged in or not). Rendering them, with
the offices query, was about 70 % of the page's CPU (bench/http_baseline.py). They are
kept here per process, keyed by the job centre's shared version (``tenants.jccache``: any
change of the job centre or one of its offices sets a new one, on every node), the
language and the login state. When the version is unknown (the shared cache unreachable)
the part is rendered afresh each time.

Nothing per person is kept: what differs between people (CSRF token, the navigation's
counts, messages) stays in the page around the part.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from openjobcenter.tenants.jccache import version_of

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

__all__ = ["cached_part", "reset"]

# Job centres x languages x variants: bounded, cleared when full.
MAX_ENTRIES = 2000

_lock = threading.Lock()
_parts: dict[tuple[int, str, str, str], SafeString] = {}
_seen: dict[str, str | None] = {"version": None}


def reset() -> None:
    with _lock:
        _parts.clear()
        _seen["version"] = None


def cached_part(
    name: str, jobcenter: Jobcenter, variant: str, render: Callable[[], str]
) -> SafeString:
    """The part ``name`` of ``jobcenter``'s pages, rendered by ``render`` once per version,
    language and ``variant`` (which must name everything else the part depends on)."""
    version = version_of(jobcenter)
    if version is None:
        return mark_safe(render())
    key = (jobcenter.pk, get_language() or "", name, variant)
    with _lock:
        if _seen["version"] != version:
            # One version for all job centres: a change anywhere renders every part anew.
            _parts.clear()
            _seen["version"] = version
        found = _parts.get(key)
    if found is None:
        found = mark_safe(render())
        with _lock:
            if _seen["version"] == version:
                if len(_parts) >= MAX_ENTRIES:
                    _parts.clear()
                _parts[key] = found
    return found

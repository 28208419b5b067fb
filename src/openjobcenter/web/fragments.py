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

Pages without a job centre (the platform's own: the login page without a chosen job
centre, the landing page) have layout parts that depend on nothing stored at all, only on
the language, the URL configuration, the static files and the translations, which a
process keeps until it ends: ``platform_part`` keeps those per process (a changed setting
in the tests forgets them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.signals import setting_changed
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from openjobcenter.tenants.jccache import current_version, version_of

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

__all__ = ["cached_part", "jobcenters_part", "platform_part", "reset"]

# Job centres x languages x variants: bounded, cleared when full.
MAX_ENTRIES = 2000

_lock = threading.Lock()
# Each part with the time it stops being right by itself (None: only a new version ends it).
_parts: dict[tuple[int, str, str, str], tuple[SafeString, datetime | None]] = {}
_seen: dict[str, str | None] = {"version": None}
# Parts without a job centre, by language, name and variant: bounded by the code.
_platform_parts: dict[tuple[str, str, str], SafeString] = {}


def reset(**_kwargs: object) -> None:
    with _lock:
        _parts.clear()
        _platform_parts.clear()
        _seen["version"] = None


setting_changed.connect(reset, dispatch_uid="openjobcenter.web.fragments.reset")


def platform_part(name: str, variant: str, render: Callable[[], str]) -> SafeString:
    """The part ``name`` of pages without a job centre, rendered by ``render`` once per
    process, language and ``variant`` (which must name everything else it depends on)."""
    key = (get_language() or "", name, variant)
    found = _platform_parts.get(key)
    if found is not None:
        return found
    html = mark_safe(render())
    with _lock:
        if len(_platform_parts) >= MAX_ENTRIES:
            _platform_parts.clear()
        _platform_parts[key] = html
    return html


def jobcenters_part(name: str, variant: str, render: Callable[[], str]) -> SafeString:
    """The part ``name`` of a page without a job centre that shows job centres' rows (the
    landing page's list of all of them), rendered by ``render`` once per process, language,
    ``variant`` and the job centres' shared version (``tenants.jccache``: any change of a
    job centre sets a new one, on every node). Rendered afresh while the version is
    unknown (the shared cache unreachable)."""
    return _versioned(current_version(), (0, get_language() or "", name, variant), render, None)


def cached_part(
    name: str,
    jobcenter: Jobcenter,
    variant: str,
    render: Callable[[], str],
    *,
    until: Callable[[], datetime | None] | None = None,
) -> SafeString:
    """The part ``name`` of ``jobcenter``'s pages, rendered by ``render`` once per version,
    language and ``variant`` (which must name everything else the part depends on).

    ``until`` (asked before each render) says when the part changes by itself, without a
    write (a scheduled news post appears, another expires): it is rendered anew then."""
    key = (int(jobcenter.pk or 0), get_language() or "", name, variant)
    return _versioned(version_of(jobcenter), key, render, until)


def _versioned(
    version: str | None,
    key: tuple[int, str, str, str],
    render: Callable[[], str],
    until: Callable[[], datetime | None] | None,
) -> SafeString:
    """The part kept under ``key`` for the job centres' ``version``, else rendered now."""
    if version is None:
        return mark_safe(render())
    now = timezone.now()
    with _lock:
        if _seen["version"] != version:
            # One version for all job centres: a change anywhere renders every part anew.
            _parts.clear()
            _seen["version"] = version
        found = _parts.get(key)
    if found is not None and (found[1] is None or now < found[1]):
        return found[0]
    valid_until = until() if until is not None else None
    html = mark_safe(render())
    with _lock:
        if _seen["version"] == version:
            if len(_parts) >= MAX_ENTRIES:
                _parts.clear()
            _parts[key] = (html, valid_until)
    return html

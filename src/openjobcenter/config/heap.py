"""Garbage-collector settings for a long-running server process.

A chat process holds thousands of open WebSockets, each with a few hundred small
objects, next to the large, never-freed heap of Django, the apps and their modules.
CPython's full collection walks all of it; on a 2-core machine one pass took 150 to
250 ms and stalled every open chat meanwhile (``bench/chat.py``: the p99 latency).
"""

from __future__ import annotations

import gc

# Young generations as CPython has them; a full pass only after 100 middle ones
# (default 10). CPython also waits until a quarter more objects have survived since
# the last full pass, so full passes follow real growth, not time.
THRESHOLDS = (700, 10, 100)


def settle() -> None:
    """Load what every request would load anyway, then take the start-up heap out of
    the collector's reach (``gc.freeze``: still freed by reference counting, never
    scanned again) and make full collections rarer."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view now, not mid-request
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

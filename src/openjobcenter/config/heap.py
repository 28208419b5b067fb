"""Garbage-collector settings for a long-running server process.

A chat process holds thousands of open WebSockets, each with a few hundred small
objects, next to the large, never-freed heap of Django, the apps and their modules.
CPython's full collection walks all of it; on a 2-core machine one pass took 150 to
250 ms and stalled every open chat meanwhile (``bench/chat.py``: the p99 latency).

The start-up freeze leaves out only what exists at start-up. A node whose sockets opened
later (5,000 on the scale bench, issue 20) still had full passes of 1.2-1.5 s
(``ojc_gc_pause_seconds``, core/metrics.py). With ``GC_FREEZE_EVERY_S`` set, a thread
freezes again at that period, after a young collection: what lived that long (open
sockets' consumers, caches) leaves the collector's sight, and a full pass walks only what
was created since. Frozen objects are still freed by reference counting; only garbage in
reference cycles among them waits, until ``GC_UNFREEZE_EVERY_S`` hands everything back to
the next full pass (one long pause per that period).
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time

logger = logging.getLogger(__name__)

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
    from django.conf import settings

    start_freezing(settings.GC_FREEZE_EVERY_S, settings.GC_UNFREEZE_EVERY_S)


_freezing: dict[str, int] = {}


def _freeze_periodically(every_s: float, unfreeze_every_s: float, stop: threading.Event) -> None:
    unfrozen_at = time.monotonic()
    while not stop.wait(every_s):
        if unfreeze_every_s and time.monotonic() - unfrozen_at >= unfreeze_every_s:
            gc.unfreeze()
            unfrozen_at = time.monotonic()
            logger.info("garbage collector: frozen objects handed back to the next full pass")
            continue
        gc.collect(1)
        gc.freeze()


def start_freezing(every_s: float, unfreeze_every_s: float) -> threading.Event | None:
    """Freeze every ``every_s`` seconds in a thread of this process (once per process; 0:
    off). Returns the event that stops it."""
    if every_s <= 0 or _freezing.get("pid") == os.getpid():
        return None
    _freezing["pid"] = os.getpid()
    stop = threading.Event()
    threading.Thread(
        target=_freeze_periodically,
        args=(every_s, unfreeze_every_s, stop),
        name="ojc-gc-freeze",
        daemon=True,
    ).start()
    return stop

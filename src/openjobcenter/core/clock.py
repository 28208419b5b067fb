"""The clock that session and socket lifetimes read, replaceable in tests.

The idle and absolute ends of a session (``accounts.middleware``) and the sockets that
close with it (the chat's and the video call's consumers) read the time and wait through
this module, never through ``time.time()`` or ``asyncio.sleep`` directly. Production uses
the wall clock and the event loop's timers. A test installs a clock it moves by hand
(``use()``; ``tests/clock.py``), so a 30-minute idle window is tested in no time and
without real sleeps that make the suite slow and flaky on a busy machine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], object]) -> Timer: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall-clock time (Unix seconds) and the running event loop's timers."""

    def now(self) -> float:
        return time.time()

    def call_later(self, delay: float, callback: Callable[[], object]) -> Timer:
        return asyncio.get_running_loop().call_later(delay, callback)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


_clock: Clock = SystemClock()


def now() -> float:
    """The current time as a Unix timestamp."""
    return _clock.now()


def call_later(delay: float, callback: Callable[[], object]) -> Timer:
    """Call ``callback`` in the running event loop once ``delay`` seconds have passed."""
    return _clock.call_later(delay, callback)


async def sleep(seconds: float) -> None:
    await _clock.sleep(seconds)


def use(clock: Clock) -> Clock:
    """Install ``clock``; returns the one it replaces (tests put it back)."""
    global _clock
    previous, _clock = _clock, clock
    return previous

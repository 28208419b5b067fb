"""A clock the test moves by hand (``openjobcenter.core.clock``): session and socket
idle windows are tested without waiting for them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class _Timer:
    when: float
    callback: Callable[[], object]
    loop: asyncio.AbstractEventLoop
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """Stands still until ``advance()``; then runs, in their event loops, the timers and
    sleeps that have become due."""

    def __init__(self, start: float | None = None) -> None:
        self.time = time.time() if start is None else start
        self.timers: list[_Timer] = []

    def now(self) -> float:
        return self.time

    def call_later(self, delay: float, callback: Callable[[], object]) -> _Timer:
        timer = _Timer(self.time + delay, callback, asyncio.get_running_loop())
        self.timers.append(timer)
        return timer

    async def sleep(self, seconds: float) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not done.done():
                done.set_result(None)

        self.call_later(seconds, wake)
        await done

    def advance(self, seconds: float) -> None:
        self.time += seconds
        due = [t for t in self.timers if t.when <= self.time]
        self.timers = [t for t in self.timers if t.when > self.time]
        for timer in sorted(due, key=lambda t: t.when):
            if not timer.cancelled and not timer.loop.is_closed():
                timer.loop.call_soon_threadsafe(timer.callback)


async def nudge_until_output(
    clock: ManualClock, nothing_yet: Callable[[float], Awaitable[bool]], limit_s: float = 30
) -> None:
    """Move the clock a second at a time until the application sends something.

    A timer is re-armed at the end of a check that is still running (its database call
    on the sync thread) when the test moves the clock; on a loaded machine the check
    ends after the move and arms its timer relative to the moved clock, so one move is
    not enough to fire it. ``nothing_yet(timeout)`` is the communicator's
    ``receive_nothing`` (which, unlike ``receive_output``, does not cancel the
    application when nothing came)."""
    deadline = time.monotonic() + limit_s
    while await nothing_yet(0.25):
        assert time.monotonic() < deadline, "nothing sent while the clock moved on"
        clock.advance(1)

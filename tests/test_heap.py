"""The web process's garbage-collector settings (``config/heap.py``, issue 20): with
``GC_FREEZE_EVERY_S`` a thread takes what lived that long out of the collector's sight,
and ``GC_UNFREEZE_EVERY_S`` hands it back to the next full pass."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator

import pytest

from openjobcenter.config import heap


@pytest.fixture
def _thawed_after() -> Iterator[None]:
    yield
    gc.unfreeze()  # what the thread froze goes back to the collector for later tests


def _tracked(obj: object) -> bool:
    """Whether a full pass would walk ``obj`` (frozen objects are in no generation)."""
    return any(o is obj for o in gc.get_objects())


def _until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s"
        time.sleep(0.02)


@pytest.mark.usefixtures("_thawed_after")
def test_long_lived_objects_are_frozen_and_handed_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(heap._freezing, "pid", -1)  # this process may start one
    gc.unfreeze()
    old: list[object] = ["lived long"]  # a container the collector tracks
    assert _tracked(old)
    caplog.set_level("INFO", logger="openjobcenter.config.heap")
    stop = heap.start_freezing(0.3, 1.5)
    assert stop is not None
    try:
        _until(lambda: not _tracked(old), 5)
        assert gc.get_freeze_count() > 0
        # After GC_UNFREEZE_EVERY_S the frozen objects are the collector's again.
        _until(lambda: "handed back" in caplog.text, 5)
        _until(lambda: gc.get_freeze_count() == 0 or _tracked(old), 1)
    finally:
        stop.set()
    # A second start in the same process does nothing.
    assert heap.start_freezing(0.1, 1.5) is None


def test_off_by_default_and_when_zero() -> None:
    from django.conf import settings

    assert heap.start_freezing(0, 3600) is None
    assert int(os.environ.get("GC_FREEZE_EVERY_S", "0")) == settings.GC_FREEZE_EVERY_S

"""Slot generation: consultation hours minus absences minus taken slots, DST-correct."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openjobcenter.appointments.slots import BusyIndex, Slot, Window, generate_slots, local_to_utc


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_local_to_utc_across_daylight_saving_changes() -> None:
    # Last Sunday of March 2026 (29th): clocks go from 02:00 CET to 03:00 CEST.
    assert local_to_utc(date(2026, 3, 28), time(9)) == _utc(2026, 3, 28, 8)
    assert local_to_utc(date(2026, 3, 30), time(9)) == _utc(2026, 3, 30, 7)
    assert local_to_utc(date(2026, 3, 29), time(2, 30)) is None  # does not exist
    # Last Sunday of October 2026 (25th): 03:00 CEST back to 02:00 CET.
    assert local_to_utc(date(2026, 10, 24), time(9)) == _utc(2026, 10, 24, 7)
    assert local_to_utc(date(2026, 10, 26), time(9)) == _utc(2026, 10, 26, 8)
    assert local_to_utc(date(2026, 10, 25), time(2, 30)) == _utc(
        2026, 10, 25, 0, 30
    )  # first of two


def _slots(
    windows: list[Window],
    busy: Sequence[tuple[int | None, datetime, datetime]] = (),
    earliest: datetime | None = None,
    latest: datetime | None = None,
    minutes: int = 30,
    step: int = 30,
) -> list[Slot]:
    return generate_slots(
        windows=windows,
        busy=BusyIndex(busy),
        duration=timedelta(minutes=minutes),
        step=timedelta(minutes=step),
        earliest=earliest or _utc(2026, 3, 23),
        latest=latest or _utc(2026, 4, 4),
    )


def test_monday_hours_keep_their_local_time_across_the_spring_change() -> None:
    slots = _slots([Window(1, 0, time(8), time(9), 10)])
    assert [s.starts_at for s in slots] == [
        _utc(2026, 3, 23, 7),
        _utc(2026, 3, 23, 7, 30),  # CET: 08:00 = 07:00 UTC
        _utc(2026, 3, 30, 6),
        _utc(2026, 3, 30, 6, 30),  # CEST: 08:00 = 06:00 UTC
    ]
    assert all(s.office_id == 10 and s.staff_id == 1 for s in slots)


def test_sunday_night_hours_skip_the_missing_hour() -> None:
    slots = _slots(
        [Window(1, 6, time(1), time(4), None)], earliest=_utc(2026, 3, 28), latest=_utc(2026, 3, 30)
    )
    local = [s.starts_at.astimezone(local_tz()).strftime("%H:%M") for s in slots]
    assert "02:00" not in local and "02:30" not in local
    assert local[0] == "01:00" and local[-1] == "03:30"


def local_tz() -> ZoneInfo:
    from openjobcenter.appointments.slots import BERLIN

    return BERLIN


def test_autumn_change_slots_are_not_doubled() -> None:
    slots = _slots(
        [Window(1, 6, time(1), time(4), None)],
        earliest=_utc(2026, 10, 24),
        latest=_utc(2026, 10, 26),
    )
    starts = [s.starts_at for s in slots]
    assert len(starts) == len(set(starts))
    assert starts[0] == _utc(2026, 10, 24, 23)  # 01:00 CEST


def test_taken_slots_absences_and_buffer() -> None:
    windows = [Window(1, 0, time(8), time(10), None), Window(2, 0, time(8), time(9), None)]
    busy = [
        (1, _utc(2026, 3, 23, 7, 30), _utc(2026, 3, 23, 8)),  # staff 1, 08:30 local taken
        (None, _utc(2026, 3, 23, 8, 30), _utc(2026, 3, 23, 9)),  # everyone away 09:30 local
        (2, _utc(2026, 3, 30, 0), _utc(2026, 3, 31, 0)),  # staff 2 absent all Monday 30th
    ]
    slots = _slots(windows, busy, latest=_utc(2026, 3, 31))
    first_monday = [
        (s.staff_id, s.starts_at.astimezone(local_tz()).strftime("%H:%M"))
        for s in slots
        if s.starts_at.day == 23
    ]
    assert first_monday == [(1, "08:00"), (2, "08:00"), (2, "08:30"), (1, "09:00")]
    assert not [s for s in slots if s.staff_id == 2 and s.starts_at.day == 30]
    # 30 minutes + 10 minutes buffer: slots at 08:00, 08:40, 09:20; the first two (with their
    # buffer) run into the appointment at 08:30-09:00, so only 09:20 is free.
    buffered = _slots(windows[:1], busy[:1], minutes=30, step=40, latest=_utc(2026, 3, 24))
    assert [s.starts_at.astimezone(local_tz()).strftime("%H:%M") for s in buffered] == ["09:20"]


def test_busy_index_overlap_edges() -> None:
    index = BusyIndex(
        [
            (1, _utc(2026, 1, 1, 10), _utc(2026, 1, 1, 11)),
            (1, _utc(2026, 1, 1, 8), _utc(2026, 1, 1, 12)),
        ]
    )
    assert index.is_busy(
        1, _utc(2026, 1, 1, 11, 30), _utc(2026, 1, 1, 11, 45)
    )  # inside the long one
    assert not index.is_busy(1, _utc(2026, 1, 1, 12), _utc(2026, 1, 1, 13))  # touching is free
    assert not index.is_busy(2, _utc(2026, 1, 1, 10), _utc(2026, 1, 1, 11))

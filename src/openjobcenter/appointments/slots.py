"""Free slots: consultation hours minus absences minus taken appointments.

Slots are laid out in local wall-clock time (Europe/Berlin) from the start of each
consultation window, one every ``duration + buffer`` minutes, and converted to UTC.
Wall-clock times that do not exist (the spring-forward hour) are skipped; times that
exist twice (autumn) are taken at their first occurrence.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    staff_id: int
    office_id: int | None


@dataclass(frozen=True)
class Window:
    """Recurring hours: weekday 0 = Monday, local times."""

    staff_id: int
    weekday: int
    start: time
    end: time
    office_id: int | None


@functools.lru_cache(maxsize=16384)  # pure function of its arguments; called per candidate slot
def local_to_utc(day: date, at: time) -> datetime | None:
    """The UTC instant of a Berlin wall-clock time, or None if that time does not exist."""
    local = datetime.combine(day, at).replace(tzinfo=BERLIN, fold=0)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(BERLIN).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return as_utc


class BusyIndex:
    """Sorted busy intervals per member of staff, for fast overlap checks."""

    def __init__(self, intervals: Iterable[tuple[int | None, datetime, datetime]]) -> None:
        self._by_staff: dict[int | None, tuple[list[datetime], list[datetime]]] = {}
        grouped: dict[int | None, list[tuple[datetime, datetime]]] = {}
        for staff_id, start, end in intervals:
            grouped.setdefault(staff_id, []).append((start, end))
        for staff_id, items in grouped.items():
            items.sort()
            # Running maximum of ends lets one bisect answer "does anything overlap?".
            starts, max_ends, running = [], [], datetime.min.replace(tzinfo=UTC)
            for start, end in items:
                running = max(running, end)
                starts.append(start)
                max_ends.append(running)
            self._by_staff[staff_id] = (starts, max_ends)

    def _overlaps(self, key: int | None, start: datetime, end: datetime) -> bool:
        entry = self._by_staff.get(key)
        if entry is None:
            return False
        starts, max_ends = entry
        index = bisect.bisect_left(starts, end)  # intervals starting before our end
        return index > 0 and max_ends[index - 1] > start

    def is_busy(self, staff_id: int, start: datetime, end: datetime) -> bool:
        # ``None`` holds absences of the whole job centre (e.g. a staff outing).
        return self._overlaps(staff_id, start, end) or self._overlaps(None, start, end)


def generate_slots(
    *,
    windows: Sequence[Window],
    busy: BusyIndex,
    duration: timedelta,
    step: timedelta,
    earliest: datetime,
    latest: datetime,
) -> list[Slot]:
    """All free slots starting in [earliest, latest), sorted by time then staff."""
    result: list[Slot] = []
    first_day = earliest.astimezone(BERLIN).date()
    last_day = latest.astimezone(BERLIN).date()
    by_weekday: dict[int, list[Window]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append(window)
    day = first_day
    while day <= last_day:
        for window in by_weekday.get(day.weekday(), ()):
            cursor = datetime.combine(day, window.start)
            window_end = datetime.combine(day, window.end)
            while cursor + duration <= window_end:
                starts_at = local_to_utc(day, cursor.time())
                ends_at = local_to_utc(day, (cursor + duration).time())
                cursor += step
                if starts_at is None or ends_at is None:
                    continue
                if not earliest <= starts_at < latest:
                    continue
                # The buffer after the slot must be free too.
                if busy.is_busy(window.staff_id, starts_at, ends_at + (step - duration)):
                    continue
                result.append(Slot(starts_at, ends_at, window.staff_id, window.office_id))
        day += timedelta(days=1)
    result.sort()
    return result

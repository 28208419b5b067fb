"""When a job centre is open: Hessian public holidays, weekends, an office's opening hours.

Pure Python, no database: staff invitations and bookings are checked against these
rules (``concerns_for``); a concern is a warning that staff can override with a reason,
never a silent refusal. Holidays are computed (Easter by the anonymous Gregorian
algorithm), so nothing is downloaded and every year works.

An office's opening hours are the free text the job centre keeps for its customers
("Mo–Fr 8:00–12:00 Uhr", "Do 14–17:30 Uhr", "Mo, Mi, Fr 8:30–12:00 Uhr"). Lines that
cannot be read are ignored; an office none of whose lines can be read has no hours
known, and only weekends and holidays are checked for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjobcenter.appointments.slots import BERLIN

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# --- Public holidays in Hessen --------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian calendar; anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


HOLIDAY_NAMES: dict[str, _StrPromise] = {
    "neujahr": gettext_lazy("Neujahr"),
    "karfreitag": gettext_lazy("Karfreitag"),
    "ostermontag": gettext_lazy("Ostermontag"),
    "maifeiertag": gettext_lazy("1. Mai"),
    "himmelfahrt": gettext_lazy("Christi Himmelfahrt"),
    "pfingstmontag": gettext_lazy("Pfingstmontag"),
    "fronleichnam": gettext_lazy("Fronleichnam"),
    "einheit": gettext_lazy("Tag der Deutschen Einheit"),
    "weihnachten1": gettext_lazy("1. Weihnachtstag"),
    "weihnachten2": gettext_lazy("2. Weihnachtstag"),
}


def hessen_holidays(year: int) -> dict[date, str]:
    """The statutory public holidays of Hessen in ``year``: date → key of HOLIDAY_NAMES."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "neujahr",
        easter - timedelta(days=2): "karfreitag",
        easter + timedelta(days=1): "ostermontag",
        date(year, 5, 1): "maifeiertag",
        easter + timedelta(days=39): "himmelfahrt",
        easter + timedelta(days=50): "pfingstmontag",
        easter + timedelta(days=60): "fronleichnam",
        date(year, 10, 3): "einheit",
        date(year, 12, 25): "weihnachten1",
        date(year, 12, 26): "weihnachten2",
    }


def holiday_on(day: date) -> str | None:
    """The key of the Hessian public holiday on ``day``, or None."""
    return hessen_holidays(day.year).get(day)


# --- Opening hours as the offices write them ------------------------------------------

DAYS = {"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6}
_DASH = r"\s*(?:-|–|—|bis)\s*"
_DAY = r"(?:mo|di|mi|do|fr|sa|so)[a-z]*\.?"
_DAYS_PART = re.compile(rf"^\s*({_DAY}(?:(?:{_DASH}|\s*,\s*|\s+und\s+){_DAY})*)\s*:?\s*(.*)$")
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?"
_RANGE = re.compile(rf"{_CLOCK}{_DASH}{_CLOCK}")

OpeningHours = dict[int, list[tuple[time, time]]]


def _days(text: str) -> set[int] | None:
    days: set[int] = set()
    for group in re.split(r"\s*,\s*|\s+und\s+", text):
        ends = re.split(_DASH, group)
        keys = [e.strip()[:2] for e in ends]
        if not keys or any(k not in DAYS for k in keys) or len(keys) > 2:
            return None
        first, last = DAYS[keys[0]], DAYS[keys[-1]]
        if last < first:
            return None
        days.update(range(first, last + 1))
    return days


def _clock(hour: str, minute: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    if h == 24 and m == 0:
        return time(23, 59, 59)
    if h > 23 or m > 59:
        return None
    return time(h, m)


def parse_opening_hours(text: str) -> OpeningHours:
    """Weekday (0 = Monday) → open periods, from lines like "Mo–Fr 8:00–12:00 Uhr"."""
    hours: OpeningHours = {}
    for raw in text.lower().splitlines():
        match = _DAYS_PART.match(raw)
        if match is None:
            continue
        days = _days(match.group(1))
        if not days:
            continue
        for h1, m1, h2, m2 in _RANGE.findall(match.group(2)):
            start, end = _clock(h1, m1), _clock(h2, m2)
            if start is None or end is None or end <= start:
                continue
            for day in days:
                hours.setdefault(day, []).append((start, end))
    return {day: sorted(periods) for day, periods in hours.items()}


# --- The check ------------------------------------------------------------------------


@dataclass(frozen=True)
class Concern:
    """Why a time is unusual: ``code`` for machines, ``message`` for people."""

    code: str  # "holiday", "weekend", "closed"
    message: str


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def concerns_for(
    starts_at: datetime, ends_at: datetime, *, opening_hours: str | None
) -> list[Concern]:
    """What speaks against an appointment from ``starts_at`` to ``ends_at`` (UTC).

    ``opening_hours`` is the office's text for appointments on site, None otherwise
    (phone and video appointments are checked against weekends and holidays only)."""
    start, end = starts_at.astimezone(BERLIN), ends_at.astimezone(BERLIN)
    day = start.date()
    concerns: list[Concern] = []
    holiday = holiday_on(day)
    if holiday is not None:
        concerns.append(
            Concern(
                "holiday",
                _("Der %(day)s ist ein Feiertag in Hessen (%(name)s).")
                % {"day": _fmt(day), "name": HOLIDAY_NAMES[holiday]},
            )
        )
    hours = parse_opening_hours(opening_hours) if opening_hours else {}
    weekend = day.weekday() >= 5
    if weekend and day.weekday() not in hours:
        concerns.append(
            Concern(
                "weekend",
                _("Der %(day)s ist ein Samstag.") % {"day": _fmt(day)}
                if day.weekday() == 5
                else _("Der %(day)s ist ein Sonntag.") % {"day": _fmt(day)},
            )
        )
    if hours and not (weekend and day.weekday() not in hours):
        open_periods = hours.get(day.weekday(), [])
        fits = end.date() == day and any(
            a <= start.time() and end.time() <= b for a, b in open_periods
        )
        if not fits:
            known = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in open_periods)
            concerns.append(
                Concern(
                    "closed",
                    _(
                        "Der Standort ist am %(day)s von %(start)s bis %(end)s Uhr nicht "
                        "durchgehend geöffnet (Öffnungszeiten an diesem Tag: %(hours)s)."
                    )
                    % {
                        "day": _fmt(day),
                        "start": f"{start:%H:%M}",
                        "end": f"{end:%H:%M}",
                        "hours": known or _("geschlossen"),
                    },
                )
            )
    return concerns

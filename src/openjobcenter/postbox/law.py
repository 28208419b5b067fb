"""When a notice counts as notified and when the objection period ends. Pure Python.

**Bekanntgabe of a notice provided for retrieval (§ 37 Abs. 2a SGB X).** A notice made
available in the postbox with the customer's consent counts as notified on a fixed day
after the electronic message telling the customer it is there was sent. The number of
days is a dated legal parameter (like the calculator's rates in ``benefits/data/``): the
day that counts is the one in force on the day the message was sent.

- from 10.12.2020 (Gesetz zur Digitalisierung von Verwaltungsverfahren bei der Gewährung
  von Familienleistungen vom 03.12.2020, BGBl. I S. 2668, which brought the retrieval
  rule into § 37 Abs. 2a SGB X): the **third** day;
- from 01.01.2025 (Postrechtsmodernisierungsgesetz – PostModG – vom 15.07.2024, BGBl.
  2024 I Nr. 236, Art. 33 for the SGB X, which replaced "dritten" by "vierten" across
  the procedural codes with the longer letter delivery times of § 18 PostG): the
  **fourth** day.

Sources actually read (docs/postbox.md, "Sources"): the wording before 2025 (ra.de's copy
of § 37 SGB X: "am dritten Tag nach Absendung der elektronischen Benachrichtigung …",
the disputed-message rule) and the 10.12.2020 version (DRV rvRecht, GRA zu § 37 SGB X);
the PostModG, its gazette number and its Art. 33 changing the SGB X (Stadt Plauen,
"Änderung des Postgesetzes macht Anpassungen im Verwaltungsrecht erforderlich"; for the
parallel § 41 VwVfG WEKA, "Aus drei mach vier"). The official text of § 37 SGB X after
the PostModG (gesetze-im-internet.de) and the gazette itself were **not found** with the
search available; the ``source`` strings say so.

Where the customer disputes that the message arrived and the job centre cannot prove it,
the notice counts as notified on the day the customer retrieved it (§ 37 Abs. 2a
SGB X, last sentence); ``bekanntgabe`` returns that day when ``disputed``. The fictional
day is not a period in the sense of § 26 SGB X: it may fall on a weekend or holiday
(BSG, 09.12.2008, B 8/9b SO 13/07 R), so it is not moved.

**Widerspruchsfrist (§ 84 Abs. 1 SGG).** One month after notification. The period starts
the day after the Bekanntgabe and ends with the day of the next month with the same
number (§ 26 Abs. 1 SGB X with § 187 Abs. 1, § 188 Abs. 2 BGB; § 64 Abs. 2 SGG); where
that month has no such day, with its last day. An end on a Saturday, Sunday or public
holiday moves to the next working day (§ 26 Abs. 3 SGB X, § 64 Abs. 3 SGG). Holidays
are Hessen's (the job centres served are Hessian; ``appointments.opening``).
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta

from openjobcenter.appointments.opening import hessen_holidays


@dataclass(frozen=True, slots=True)
class RetrievalRule:
    """§ 37 Abs. 2a SGB X in one wording: in force from ``valid_from``."""

    valid_from: date
    days: int
    source: str


RETRIEVAL_RULES: tuple[RetrievalRule, ...] = (
    RetrievalRule(
        valid_from=date(2020, 12, 10),
        days=3,
        source=(
            "§ 37 Abs. 2a Satz 4 SGB X i. d. F. des Gesetzes zur Digitalisierung von "
            "Verwaltungsverfahren bei der Gewährung von Familienleistungen vom 03.12.2020 "
            "(BGBl. I S. 2668), in Kraft seit 10.12.2020"
        ),
    ),
    RetrievalRule(
        valid_from=date(2025, 1, 1),
        days=4,
        source=(
            "§ 37 Abs. 2a Satz 4 SGB X i. d. F. von Art. 33 des Postrechtsmodernisierungs"
            "gesetzes vom 15.07.2024 (BGBl. 2024 I Nr. 236), anzuwenden ab 01.01.2025 "
            "(amtlicher Wortlaut nicht eingesehen; Angaben nach Sekundärquellen)"
        ),
    ),
)

# § 37 Abs. 2 SGB X, a notice sent by post: the same change of day by the PostModG.
POST_RULES: tuple[RetrievalRule, ...] = (
    RetrievalRule(valid_from=date(1981, 1, 1), days=3, source="§ 37 Abs. 2 Satz 1 SGB X a. F."),
    RetrievalRule(
        valid_from=date(2025, 1, 1),
        days=4,
        source=(
            "§ 37 Abs. 2 Satz 1 SGB X i. d. F. von Art. 33 des Postrechtsmodernisierungs"
            "gesetzes vom 15.07.2024 (BGBl. 2024 I Nr. 236), anzuwenden ab 01.01.2025 "
            "(amtlicher Wortlaut nicht eingesehen; Angaben nach Sekundärquellen)"
        ),
    ),
)

# Not retrieved within this many days of the message: sent by post instead (issue 25;
# the retrieval is then no longer the way the notice is made known).
RETRIEVAL_WINDOW_DAYS = 10


def rule_on(day: date, *, by_post: bool = False) -> RetrievalRule:
    """The wording of § 37 Abs. 2a SGB X (``by_post``: Abs. 2) in force on ``day``."""
    rules = POST_RULES if by_post else RETRIEVAL_RULES
    found = [rule for rule in rules if rule.valid_from <= day]
    if not found:
        msg = f"§ 37 Abs. 2a SGB X had no retrieval rule on {day}"
        raise ValueError(msg)
    return found[-1]


def posted_bekanntgabe(posted_on: date) -> date:
    """A notice sent by post: the rule's day after it was given to the post."""
    return posted_on + timedelta(days=rule_on(posted_on, by_post=True).days)


def bekanntgabe(
    notified_on: date, *, retrieved_on: date | None = None, disputed: bool = False
) -> date | None:
    """The day the notice counts as notified: the rule's day after ``notified_on``; where
    the arrival of the message is disputed (and not proven), the day of retrieval (None
    while it was not retrieved)."""
    if disputed:
        return retrieved_on
    return notified_on + timedelta(days=rule_on(notified_on).days)


@functools.lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    # Pure and small: a listing of 200 notices asks for the same years again and again.
    return frozenset(hessen_holidays(year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_month(day: date) -> date:
    """The same day number one month later, or that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Deadline:
    """The objection period's end, and the plain end before it was moved (for the
    explanation "fällt auf einen Sonntag, daher …")."""

    ends_on: date
    plain_end: date

    @property
    def moved(self) -> bool:
        return self.ends_on != self.plain_end


def objection_deadline(notified_on: date) -> Deadline:
    """End of the Widerspruchsfrist for a notice made known on ``notified_on``."""
    plain = add_month(notified_on)
    return Deadline(ends_on=next_working_day(plain), plain_end=plain)

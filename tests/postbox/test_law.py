"""Bekanntgabe and Widerspruchsfrist across 2026–2027: month ends, weekends, Hessian
holidays (Easter-based and Fronleichnam), and the dated § 37 Abs. 2a SGB X rule."""

from __future__ import annotations

from datetime import date

import pytest

from openjobcenter.postbox import law

pytestmark = pytest.mark.db_agnostic


def test_retrieval_rule_is_dated_three_then_four_days() -> None:
    assert law.rule_on(date(2024, 12, 31)).days == 3
    assert law.rule_on(date(2025, 1, 1)).days == 4
    assert "Postrechtsmodernisierungsgesetz" in law.rule_on(date(2026, 6, 1)).source
    with pytest.raises(ValueError, match="no retrieval rule"):
        law.rule_on(date(2019, 1, 1))


def test_bekanntgabe_counts_from_the_message_and_is_not_moved() -> None:
    # Message sent Tuesday 2026-12-29: fourth day is Saturday 2027-01-02, not moved
    # (the fiction is no period in the sense of § 26 SGB X).
    assert law.bekanntgabe(date(2026, 12, 29)) == date(2027, 1, 2)
    # Before the PostModG: the third day.
    assert law.bekanntgabe(date(2024, 12, 30)) == date(2025, 1, 2)
    assert law.posted_bekanntgabe(date(2026, 3, 2)) == date(2026, 3, 6)


def test_disputed_arrival_counts_the_retrieval_day() -> None:
    assert law.bekanntgabe(date(2026, 3, 2), retrieved_on=date(2026, 3, 20), disputed=True) == date(
        2026, 3, 20
    )
    assert law.bekanntgabe(date(2026, 3, 2), disputed=True) is None


@pytest.mark.parametrize(
    ("notified", "ends", "plain"),
    [
        # An ordinary working day: same day number next month.
        (date(2026, 2, 10), date(2026, 3, 10), date(2026, 3, 10)),
        # Month end: 31 January -> 28 February 2026 (a Saturday) -> Monday 2 March.
        (date(2026, 1, 31), date(2026, 3, 2), date(2026, 2, 28)),
        # 30 January 2027 -> 28 February 2027 is a Sunday -> Monday 1 March.
        (date(2027, 1, 30), date(2027, 3, 1), date(2027, 2, 28)),
        # 31 March 2026 -> 30 April 2026 (Thursday): last day of the shorter month.
        (date(2026, 3, 31), date(2026, 4, 30), date(2026, 4, 30)),
        # End on Karfreitag 2026 (3 April) -> Ostermontag (6 April) also a holiday ->
        # Tuesday 7 April.
        (date(2026, 3, 3), date(2026, 4, 7), date(2026, 4, 3)),
        # Fronleichnam 2026 is Thursday 4 June -> Friday 5 June.
        (date(2026, 5, 4), date(2026, 6, 5), date(2026, 6, 4)),
        # Fronleichnam 2027: Thursday 27 May -> Friday 28 May.
        (date(2027, 4, 27), date(2027, 5, 28), date(2027, 5, 27)),
        # Christi Himmelfahrt 2027: Thursday 6 May -> Friday 7 May.
        (date(2027, 4, 6), date(2027, 5, 7), date(2027, 5, 6)),
        # Pfingstmontag 2027: Monday 17 May -> Tuesday 18 May.
        (date(2027, 4, 17), date(2027, 5, 18), date(2027, 5, 17)),
        # 1. Weihnachtstag 2026 (Friday), then the 26th (Saturday) and Sunday -> Monday 28.
        (date(2026, 11, 25), date(2026, 12, 28), date(2026, 12, 25)),
        # Neujahr 2027 (Friday) -> Monday 4 January.
        (date(2026, 12, 1), date(2027, 1, 4), date(2027, 1, 1)),
        # Tag der Deutschen Einheit 2027 is a Sunday -> Monday 4 October.
        (date(2027, 9, 3), date(2027, 10, 4), date(2027, 10, 3)),
        # 1. Mai 2027 is a Saturday -> Monday 3 May.
        (date(2027, 4, 1), date(2027, 5, 3), date(2027, 5, 1)),
    ],
)
def test_objection_deadline(notified: date, ends: date, plain: date) -> None:
    deadline = law.objection_deadline(notified)
    assert deadline.plain_end == plain
    assert deadline.ends_on == ends
    assert deadline.moved == (ends != plain)


def test_every_deadline_of_2026_and_2027_ends_on_a_working_day_within_a_month() -> None:
    day = date(2026, 1, 1)
    while day <= date(2027, 12, 31):
        end = law.objection_deadline(day).ends_on
        assert law.is_working_day(end)
        assert 28 <= (end - day).days <= 35
        day = date.fromordinal(day.toordinal() + 1)


def test_notice_to_deadline_end_to_end_after_the_postal_reform() -> None:
    # Told on Monday 2026-03-30: fourth day Friday 3 April is Karfreitag (the fiction
    # stays there); the month ends on Sunday 3 May 2026 -> Monday 4 May.
    told = law.bekanntgabe(date(2026, 3, 30))
    assert told == date(2026, 4, 3)
    assert law.objection_deadline(told).ends_on == date(2026, 5, 4)

"""Invitations are checked against Hessian public holidays, weekends and the office's
opening hours: outside them staff must give a reason, which is stored and audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments import services
from openjobcenter.appointments.models import Appointment, AppointmentType, Channel, Status
from openjobcenter.appointments.opening import (
    concerns_for,
    easter_sunday,
    hessen_holidays,
    parse_opening_hours,
)
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter

from .test_staff_support import first_office, local

# Fulda's first office (tenants/demo.py): "Mo–Fr 8:00–12:00 Uhr" and "Do 14:00–17:30 Uhr".
FULDA_HOURS = "Mo–Fr 8:00–12:00 Uhr\nDo 14:00–17:30 Uhr"

HOLIDAYS = [
    (date(2026, 1, 1), "Neujahr"),
    (date(2026, 4, 3), "Karfreitag"),
    (date(2026, 4, 6), "Ostermontag"),
    (date(2026, 5, 1), "1. Mai"),
    (date(2026, 5, 14), "Christi Himmelfahrt"),
    (date(2026, 5, 25), "Pfingstmontag"),
    (date(2026, 6, 4), "Fronleichnam"),
    (date(2026, 10, 3), "Tag der Deutschen Einheit"),
    (date(2026, 12, 25), "1. Weihnachtstag"),
    (date(2026, 12, 26), "2. Weihnachtstag"),
    (date(2027, 1, 1), "Neujahr"),
    (date(2027, 3, 26), "Karfreitag"),
    (date(2027, 3, 29), "Ostermontag"),
    (date(2027, 5, 1), "1. Mai"),
    (date(2027, 5, 6), "Christi Himmelfahrt"),
    (date(2027, 5, 17), "Pfingstmontag"),
    (date(2027, 5, 27), "Fronleichnam"),
    (date(2027, 10, 3), "Tag der Deutschen Einheit"),
    (date(2027, 12, 25), "1. Weihnachtstag"),
    (date(2027, 12, 26), "2. Weihnachtstag"),
]


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_ten_holidays_of_hessen() -> None:
    for year in (2026, 2027):
        days = hessen_holidays(year)
        assert sorted(days) == [d for d, _name in HOLIDAYS if d.year == year]
    # Not holidays in Hessen: Heilige Drei Könige, Reformationstag, Allerheiligen.
    for day in (date(2026, 1, 6), date(2026, 10, 31), date(2026, 11, 1), date(2026, 12, 24)):
        assert day not in hessen_holidays(2026)


def test_opening_hours_as_offices_write_them() -> None:
    assert parse_opening_hours(FULDA_HOURS) == {
        0: [(time(8), time(12))],
        1: [(time(8), time(12))],
        2: [(time(8), time(12))],
        3: [(time(8), time(12)), (time(14), time(17, 30))],
        4: [(time(8), time(12))],
    }
    assert parse_opening_hours("Mo, Mi, Fr 8:30–12:00 Uhr") == {
        d: [(time(8, 30), time(12))] for d in (0, 2, 4)
    }
    assert parse_opening_hours("Samstag: 9-12 und 13.00 - 14 Uhr\nDi bis Do 7–9") == {
        5: [(time(9), time(12)), (time(13), time(14))],
        1: [(time(7), time(9))],
        2: [(time(7), time(9))],
        3: [(time(7), time(9))],
    }
    # What cannot be read is left out, not guessed.
    assert parse_opening_hours("nach Vereinbarung\nFr–Mo 8–12\nMo 12–8\nMo 25–26") == {}


def _at(day: date, hour: int, minute: int = 0, minutes: int = 30) -> tuple[datetime, datetime]:
    start = local(day, time(hour, minute))
    return start, start + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("day", "hour", "minute", "fits"),
    [
        (date(2026, 3, 9), 8, 0, True),  # Monday, opening
        (date(2026, 3, 9), 7, 59, False),  # a minute early
        (date(2026, 3, 9), 11, 30, True),  # ends at closing time
        (date(2026, 3, 9), 11, 31, False),  # ends a minute after
        (date(2026, 3, 9), 12, 0, False),
        (date(2026, 3, 12), 12, 30, False),  # Thursday, over lunch
        (date(2026, 3, 12), 14, 0, True),  # Thursday afternoon
        (date(2026, 3, 12), 17, 0, True),  # ends 17:30
        (date(2026, 3, 12), 17, 1, False),
        (date(2026, 3, 10), 14, 0, False),  # Tuesday has no afternoon
    ],
)
def test_boundaries_of_opening_hours(day: date, hour: int, minute: int, fits: bool) -> None:
    concerns = concerns_for(*_at(day, hour, minute), opening_hours=FULDA_HOURS)
    assert (not concerns) == fits
    if not fits:
        (concern,) = concerns
        assert concern.code == "closed"
        assert concern.message.startswith(f"Der Standort ist am {day:%d.%m.%Y} von ")


def test_weekends_and_phone_appointments() -> None:
    saturday, sunday = date(2026, 3, 7), date(2026, 3, 8)
    assert [c.message for c in concerns_for(*_at(saturday, 10), opening_hours=None)] == [
        "Der 07.03.2026 ist ein Samstag."
    ]
    assert [c.code for c in concerns_for(*_at(sunday, 10), opening_hours=FULDA_HOURS)] == [
        "weekend"
    ]
    # A phone call at 15:00 on a Tuesday is fine: no office, no opening hours.
    assert concerns_for(*_at(date(2026, 3, 10), 15), opening_hours=None) == []
    # An office open on Saturdays is not warned about its Saturday.
    assert concerns_for(*_at(saturday, 10), opening_hours="Sa 9–12 Uhr") == []


@pytest.mark.parametrize(("day", "name"), HOLIDAYS)
def test_an_invitation_on_each_holiday_needs_a_reason(
    day: date,
    name: str,
    customer: CustomerProfile,
    advisor: User,
    appt_type: AppointmentType,
) -> None:
    start = local(day, time(9))
    with time_machine.travel(start - timedelta(days=10), tick=False):
        with pytest.raises(services.OutsideOpeningHours) as refused:
            services.appointment_invite(
                request=None,
                actor=advisor,
                customer=customer,
                appt_type=appt_type,
                staff=advisor,
                starts_at=start,
                channel=Channel.PHONE,
                office_id=None,
            )
        assert refused.value.concerns[0].code == "holiday"
        assert refused.value.concerns[0].message == (
            f"Der {day:%d.%m.%Y} ist ein Feiertag in Hessen ({name})."
        )
        assert refused.value.field == "override_reason"
        assert not Appointment.objects.exists()
        appointment = services.appointment_invite(
            request=None,
            actor=advisor,
            customer=customer,
            appt_type=appt_type,
            staff=advisor,
            starts_at=start,
            channel=Channel.PHONE,
            office_id=None,
            override_reason="  Die Kundin arbeitet sonst in Schicht.  ",
        )
    appointment.refresh_from_db()
    assert appointment.status == Status.INVITED
    assert appointment.override_reason == "Die Kundin arbeitet sonst in Schicht."
    entry = AuditEntry.objects.filter(object_type="appointment").latest("pk")
    assert "outside opening hours (holiday" in entry.detail
    assert "Die Kundin arbeitet sonst in Schicht." in entry.detail


def test_in_person_outside_the_office_hours_and_within(
    jc_a: Jobcenter, customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> None:
    office = first_office(jc_a)
    assert office.opening_hours == FULDA_HOURS
    with time_machine.travel(datetime(2026, 3, 2, 6, tzinfo=UTC), tick=False):

        def invite(hour: int, minute: int = 0, reason: str = "") -> Appointment:
            return services.appointment_invite(
                request=None,
                actor=advisor,
                customer=customer,
                appt_type=appt_type,
                staff=advisor,
                starts_at=local(date(2026, 3, 10), time(hour, minute)),
                channel=Channel.IN_PERSON,
                office_id=office.pk,
                override_reason=reason,
            )

        with pytest.raises(services.OutsideOpeningHours) as refused:
            invite(16)
        assert refused.value.message.startswith(
            "Der Standort ist am 10.03.2026 von 16:00 bis 16:30 Uhr nicht durchgehend "
            "geöffnet (Öffnungszeiten an diesem Tag: 08:00–12:00)."
        )
        with pytest.raises(services.AppointmentError) as too_long:
            invite(16, reason="x" * 501)
        assert too_long.value.field == "override_reason"
        assert not Appointment.objects.exists()
        # Within the hours no reason is needed, and one given is not kept.
        inside = invite(11, 30, reason="nicht nötig")
        assert inside.override_reason == ""
        late = invite(16, reason="Nur nachmittags möglich (Pflege der Mutter).")
        assert late.override_reason == "Nur nachmittags möglich (Pflege der Mutter)."

        # Moving it onto a holiday is checked the same way.
        with pytest.raises(services.OutsideOpeningHours):
            services.appointment_reschedule(
                request=None,
                actor=advisor,
                appointment=inside,
                starts_at=local(date(2026, 4, 6), time(9)),
            )
        inside.refresh_from_db()
        assert inside.starts_at == local(date(2026, 3, 10), time(11, 30))
        moved = services.appointment_reschedule(
            request=None,
            actor=advisor,
            appointment=inside,
            starts_at=local(date(2026, 4, 6), time(9)),
            override_reason="Sondersprechstunde",
        )
        assert moved.override_reason == "Sondersprechstunde"
        assert [m.moved_to for m in moved.moves.all()] == [local(date(2026, 4, 6), time(9))]

"""Shared fixtures for the appointments tests: a bookable type and an advisor with hours."""

from __future__ import annotations

from datetime import time

import pytest

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import AppointmentType, WeeklyHours
from openjobcenter.tenants.models import Jobcenter, Office


@pytest.fixture
def appt_type(jc_a: Jobcenter) -> AppointmentType:
    jc_a.enabled_modules = [*jc_a.enabled_modules, "appointments"]
    jc_a.save()
    return AppointmentType.objects.create(
        jobcenter=jc_a,
        name="Beratung bei Ihrer Ansprechperson",
        duration_min=30,
        buffer_min=0,
        channels=["in_person", "phone", "video"],
        self_bookable=True,
        own_advisor_only=True,
        horizon_days=56,
        notice_hours=12,
        what_to_bring="Personalausweis",
        legal_notice="Wenn Sie ohne wichtigen Grund nicht kommen, kann Ihr Bürgergeld gemindert werden (§ 32 SGB II).",
    )


@pytest.fixture
def advisor(jc_a: Jobcenter, staff_a: dict[Role, User], customer: CustomerProfile) -> User:
    user = staff_a[Role.JOB_ADVISOR]
    office = Office.objects.filter(jobcenter=jc_a).order_by("position").first()
    for weekday in range(5):
        WeeklyHours.objects.create(
            jobcenter=jc_a, staff=user, office=office, weekday=weekday, start=time(8), end=time(12)
        )
    customer.advisor = user
    customer.save(update_fields=["advisor"])
    return user

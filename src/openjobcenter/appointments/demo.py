"""Demo appointment types and consultation hours for Fulda. Idempotent."""

from __future__ import annotations

from datetime import time

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import AppointmentType, WeeklyHours
from openjobcenter.tenants.models import Jobcenter

LEGAL_NOTICE = (
    "Bitte kommen Sie zu diesem Termin. Wenn Sie ohne wichtigen Grund nicht kommen, kann Ihr "
    "Bürgergeld für einen Monat um 10 Prozent gemindert werden (§ 32 SGB II). Wenn Sie nicht "
    "kommen können, sagen Sie bitte vorher Bescheid und nennen Sie den Grund."
)


def load_appointments() -> None:
    fulda = Jobcenter.objects.get(slug="fulda")
    AppointmentType.objects.get_or_create(
        jobcenter=fulda,
        name="Beratung bei Ihrer Ansprechperson",
        defaults={
            "description": "Gespräch über Ihre Arbeitssuche und Ihre Fragen.",
            "duration_min": 30,
            "buffer_min": 10,
            "channels": ["in_person", "phone", "video"],
            "own_advisor_only": True,
            "what_to_bring": "Personalausweis, Lebenslauf",
            "legal_notice": LEGAL_NOTICE,
        },
    )
    AppointmentType.objects.get_or_create(
        jobcenter=fulda,
        name="Erstberatung",
        defaults={
            "description": "Erstes Gespräch, wenn Sie neu beim Jobcenter sind.",
            "duration_min": 45,
            "channels": ["in_person", "phone"],
            "own_advisor_only": False,
            "what_to_bring": "Personalausweis, Mietvertrag, Kontoauszüge der letzten drei Monate",
            "legal_notice": LEGAL_NOTICE,
        },
    )
    advisor = User.objects.get(email="vermittlung@fulda.example.org")
    office = fulda.offices.order_by("position").first()
    if not WeeklyHours.objects.filter(staff=advisor).exists():
        for weekday in range(5):
            WeeklyHours.objects.create(
                jobcenter=fulda,
                staff=advisor,
                office=office,
                weekday=weekday,
                start=time(8),
                end=time(12),
            )
        WeeklyHours.objects.create(
            jobcenter=fulda, staff=advisor, office=office, weekday=3, start=time(14), end=time(17)
        )
    CustomerProfile.objects.filter(jobcenter=fulda, advisor__isnull=True).update(advisor=advisor)

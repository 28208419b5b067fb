"""Demo appointment types and consultation hours for Fulda. Idempotent."""

from __future__ import annotations

from datetime import time

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import AppointmentType, WeeklyHours
from openjobcenter.tenants.models import Jobcenter

# The notice itself depends on the person's situation and is built in
# (appointments/legal_notice.py); the type's text is the job centre's additional note.
LEGAL_NOTICE = (
    "Wenn Sie Fragen zu dieser Einladung haben, rufen Sie uns bitte an: 0661 6006-0 "
    "(Montag bis Freitag, 8 bis 12 Uhr)."
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
    offices = list(fulda.offices.order_by("position"))
    office = offices[0] if offices else None
    # Thursday afternoon in the branch office: a new customer can choose where to go.
    branch = offices[1] if len(offices) > 1 else office
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
            jobcenter=fulda, staff=advisor, office=branch, weekday=3, start=time(14), end=time(17)
        )
    CustomerProfile.objects.filter(jobcenter=fulda, advisor__isnull=True).update(advisor=advisor)

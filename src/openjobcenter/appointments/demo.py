"""Demo appointment types and consultation hours for Fulda and the Main-Kinzig-Kreis.
Idempotent."""

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


MAIN_KINZIG_NOTICE = (
    "Fragen zu Ihrer Einladung beantworten wir unter 06051 9218-0 (Montag bis Freitag, "
    "8 bis 12 Uhr). Wenn Sie krank sind, schicken Sie uns bitte die Bescheinigung."
)
MAIN_KINZIG_TYPES = (
    (
        "Beratung Arbeit und Ausbildung",
        {
            "description": "Gespräch mit Ihrer Fallmanagerin oder Ihrem Fallmanager über "
            "Arbeit, Ausbildung und Weiterbildung.",
            "duration_min": 30,
            "buffer_min": 10,
            "channels": ["in_person", "phone", "video"],
            "own_advisor_only": True,
            "what_to_bring": "Personalausweis, Lebenslauf, Zeugnisse",
        },
    ),
    (
        "Antragsannahme Bürgergeld",
        {
            "description": "Wir gehen Ihren Antrag mit Ihnen durch und nehmen fehlende "
            "Unterlagen gleich entgegen.",
            "duration_min": 45,
            "channels": ["in_person"],
            "own_advisor_only": False,
            "what_to_bring": "Personalausweis, Mietvertrag, Kontoauszüge der letzten drei "
            "Monate, Einkommensnachweise",
        },
    ),
    (
        "Telefonische Sprechstunde",
        {
            "description": "Kurze Fragen zu Ihrem Bescheid oder Ihren Unterlagen.",
            "duration_min": 15,
            "channels": ["phone"],
            "own_advisor_only": False,
            "what_to_bring": "",
        },
    ),
)


def load_main_kinzig_appointments() -> None:
    jobcenter = Jobcenter.objects.get(slug="main-kinzig")
    for name, defaults in MAIN_KINZIG_TYPES:
        AppointmentType.objects.get_or_create(
            jobcenter=jobcenter,
            name=name,
            defaults={**defaults, "legal_notice": MAIN_KINZIG_NOTICE},
        )
    advisor = User.objects.get(email="vermittlung@main-kinzig.example.org")
    offices = list(jobcenter.offices.order_by("position"))
    if offices and not WeeklyHours.objects.filter(staff=advisor).exists():
        maintal = offices[1] if len(offices) > 1 else offices[0]
        for weekday in range(5):
            # Mornings in Gelnhausen, Thursday afternoon in Maintal.
            WeeklyHours.objects.create(
                jobcenter=jobcenter,
                staff=advisor,
                office=offices[0],
                weekday=weekday,
                start=time(8),
                end=time(12),
            )
        WeeklyHours.objects.create(
            jobcenter=jobcenter,
            staff=advisor,
            office=maintal,
            weekday=3,
            start=time(14),
            end=time(18),
        )
    CustomerProfile.objects.filter(jobcenter=jobcenter, advisor__isnull=True).update(
        advisor=advisor
    )

"""The second fully adapted demo job centre: the Main-Kinzig-Kreis."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership
from openjobcenter.applications.models import Application
from openjobcenter.appointments.models import AppointmentType, WeeklyHours
from openjobcenter.messaging.models import Conversation, TextTemplate, Topic
from openjobcenter.tenants.models import Jobcenter, Office


def _counts() -> tuple[int, ...]:
    jc = Jobcenter.objects.get(slug="main-kinzig")
    return (
        Office.objects.filter(jobcenter=jc).count(),
        StaffMembership.objects.filter(jobcenter=jc).count(),
        CustomerProfile.objects.filter(jobcenter=jc).count(),
        AppointmentType.objects.filter(jobcenter=jc).count(),
        WeeklyHours.objects.filter(jobcenter=jc).count(),
        Topic.objects.filter(jobcenter=jc).count(),
        TextTemplate.objects.filter(jobcenter=jc).count(),
        Conversation.objects.filter(jobcenter=jc).count(),
        Application.objects.filter(customer__jobcenter=jc).count(),
    )


def test_demo_load_adapts_main_kinzig_fully_and_idempotently(client: Client, db) -> None:
    out = StringIO()
    call_command("demo_load", stdout=out)
    first = _counts()
    call_command("demo_load", stdout=StringIO())
    assert _counts() == first
    offices, staff, customers, types, hours, topics, templates, chats, apps = first
    assert offices == 3 and customers == 2 and types == 3 and hours == 6
    assert staff == 5 and topics == 6 and templates == 2 and chats == 1 and apps == 1
    assert set(
        StaffMembership.objects.filter(jobcenter__slug="main-kinzig").values_list("role", flat=True)
    ) == {Role.ADMIN, Role.CASEWORKER, Role.JOB_ADVISOR, Role.RECEPTION, Role.TEAM_LEAD}

    text = out.getvalue()
    assert "admin@main-kinzig.example.org" in text
    assert "kunde.maintal@example.org" in text
    assert "/main-kinzig/" in text

    jc = Jobcenter.objects.get(slug="main-kinzig")
    assert jc.primary_colour == "#7a1f2b"
    assert jc.logo
    home = client.get("/main-kinzig/").content.decode()
    assert "Kommunalen Center für Arbeit" in home
    assert "KCA Maintal" in home and "Klosterhofstraße 4" in home
    assert 'href="/main-kinzig/mein-bereich/termine/"' in home
    assert "Noch nicht online" not in home
    logo = client.get("/main-kinzig/logo")
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    theme = client.get("/main-kinzig/theme.css").content.decode()
    assert "--jc-primary: #7a1f2b" in theme
    # The customer of Main-Kinzig sees their own job centre's topics and conversation.
    client.force_login(CustomerProfile.objects.get(user__email="kunde.maintal@example.org").user)
    chat = client.get("/main-kinzig/mein-bereich/nachrichten/").content.decode()
    assert "Nachzahlung Heizkosten" in chat

"""A job centre that has not switched a module on says so, with how to reach it, instead
of an empty service or a bare 404; its staff are told where the module is switched on."""

from __future__ import annotations

import pytest
from django.test import Client

from openjobcenter.accounts.models import Role
from openjobcenter.tenants.models import Jobcenter, Office
from tests.conftest import make_customer, make_staff

CUSTOMER_PAGES = [
    ("/giessen/mein-bereich/termine/", "die Terminbuchung"),
    ("/giessen/mein-bereich/unterlagen/", "das Senden von Unterlagen"),
    ("/giessen/mein-bereich/nachrichten/", "Nachrichten an das Jobcenter"),
    ("/giessen/mein-bereich/antrag/", "den Antrag auf Bürgergeld"),
]


@pytest.fixture
def giessen(jobcenters: dict[str, Jobcenter]) -> Jobcenter:
    jc = jobcenters["giessen"]
    jc.phone = "0641 9390-0"
    jc.email = "info@jobcenter-giessen.example"
    jc.enabled_modules = []
    jc.save()
    Office.objects.create(
        jobcenter=jc,
        name="Jobcenter Gießen",
        street="Nordanlage 60",
        postcode="35390",
        city="Gießen",
        opening_hours="Mo–Fr 8:00–12:00 Uhr",
    )
    return jc


@pytest.mark.parametrize(("path", "service"), CUSTOMER_PAGES)
def test_customer_entry_page_of_a_switched_off_module_says_so_with_contacts(
    client: Client, giessen: Jobcenter, path: str, service: str
) -> None:
    client.force_login(make_customer(giessen, "kunde-gi@example.org", "G-1").user)
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert f"Das Jobcenter Landkreis Gießen bietet {service} noch nicht online an." in html
    assert "0641 9390-0" in html
    assert "info@jobcenter-giessen.example" in html
    assert "Nordanlage 60" in html and "Mo–Fr 8:00–12:00 Uhr" in html
    assert 'href="/giessen/"' in html


def test_visitor_sees_the_same_refusal_for_the_self_check(client: Client, giessen) -> None:
    response = client.get("/giessen/vorabcheck/")
    assert response.status_code == 404
    assert "bietet den Bürgergeld-Rechner noch nicht online an" in response.content.decode()


def test_start_page_lists_what_is_not_online_yet(client: Client, giessen) -> None:
    html = client.get("/giessen/").content.decode()
    offline = html.split("Noch nicht online", 1)[1].split("So erreichen Sie uns", 1)[0]
    for label in ("Termine", "Nachrichten", "Antrag stellen", "Unterlagen senden"):
        assert label in offline
    # A switched-on module is offered, not listed as missing.
    giessen.enabled_modules = ["appointments"]
    giessen.save()
    html = client.get("/giessen/").content.decode()
    offline = html.split("Noch nicht online", 1)[1].split("So erreichen Sie uns", 1)[0]
    assert "Termine" not in offline
    assert 'href="/giessen/mein-bereich/termine/"' in html


def test_fully_switched_on_job_centre_lists_nothing_as_missing(client: Client, jc_a) -> None:
    jc_a.enabled_modules = [
        "applications",
        "appointments",
        "calculator",
        "customer_card",
        "documents",
        "mandates",
        "messaging",
        "postbox",
        "videos",
    ]
    jc_a.save()
    assert "Noch nicht online" not in client.get("/fulda/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/giessen/staff/termine/",
        "/giessen/staff/antraege/",
        "/giessen/staff/unterlagen/",
        "/giessen/staff/nachrichten/",
    ],
)
def test_staff_page_of_a_switched_off_module_says_where_to_switch_it_on(
    staff_client, giessen: Jobcenter, path: str
) -> None:
    admin = staff_client(make_staff(giessen, Role.ADMIN, "admin-gi@example.org"))
    response = admin.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "ist für das Jobcenter Landkreis Gießen nicht eingeschaltet" in html
    assert 'href="/giessen/staff/einstellungen/modules/"' in html


def test_staff_without_configure_right_is_told_who_can(staff_client, giessen) -> None:
    worker = staff_client(make_staff(giessen, Role.CASEWORKER, "sb-gi@example.org"))
    html = worker.get("/giessen/staff/nachrichten/").content.decode()
    assert "Eine Administratorin oder ein Administrator" in html
    assert "/staff/einstellungen/modules/" not in html


def test_strangers_learn_nothing_about_the_staff_side(client: Client, giessen, jc_a) -> None:
    response = client.get("/giessen/staff/nachrichten/")
    assert response.status_code == 404
    assert "nicht eingeschaltet" not in response.content.decode()
    client.force_login(make_staff(jc_a, Role.ADMIN, "admin-fd@example.org"))
    response = client.get("/giessen/staff/nachrichten/")
    assert response.status_code == 404
    assert "nicht eingeschaltet" not in response.content.decode()

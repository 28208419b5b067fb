"""The job centre's start page keeps its main part per process and job-centre version
(web/fragments.py): a second request renders it from memory, without the offices query,
and every change of the job centre or one of its offices shows on the next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openjobcenter.tenants.models import Jobcenter, Office

pytestmark = pytest.mark.django_db


def _page(client: Client, **headers: str) -> str:
    response = client.get("/fulda/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def _office_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "tenants_office" in q["sql"]]


def test_second_request_renders_from_memory(client: Client, jc_a: Jobcenter) -> None:
    first = _page(client)
    office = Office.objects.filter(jobcenter=jc_a).first()
    assert office is not None
    assert office.name in first
    with CaptureQueriesContext(connection) as ctx:
        second = _page(client)
    assert _office_queries(ctx) == []
    assert ctx.captured_queries == []
    # The same page, but not the same CSRF token (the part around is rendered each time).
    assert (
        second.split("<main")[1].split("</main>")[0] == first.split("<main")[1].split("</main>")[0]
    )


def test_an_office_change_shows_at_once(client: Client, jc_a: Jobcenter) -> None:
    office = Office.objects.filter(jobcenter=jc_a).first()
    assert office is not None
    _page(client)
    office.opening_hours = "Sa 9–13 Uhr"
    office.save()
    assert "Sa 9–13 Uhr" in _page(client)
    Office.objects.filter(pk=office.pk).update(name="Haus am Dom")
    assert "Haus am Dom" in _page(client)
    Office.objects.create(
        jobcenter=jc_a, name="Neue Außenstelle", street="Weg 1", postcode="36037", city="Fulda"
    )
    assert "Neue Außenstelle" in _page(client)
    Office.objects.filter(jobcenter=jc_a).delete()
    page = _page(client)
    assert "Standorte und Öffnungszeiten" not in page
    assert "Neue Außenstelle" not in page


def test_job_centre_change_shows_at_once(client: Client, jc_a: Jobcenter) -> None:
    _page(client)
    jc_a.intro = "Heute geschlossen wegen Betriebsausflug."
    jc_a.save()
    assert "Heute geschlossen wegen Betriebsausflug." in _page(client)


def test_login_state_and_language_are_their_own_variants(
    client: Client, customer_client: Client, jc_a: Jobcenter
) -> None:
    anonymous = _page(Client())
    assert "Neu registrieren" in anonymous
    assert "Zu meinem Bereich" not in anonymous
    mine = _page(customer_client)
    assert "Zu meinem Bereich" in mine
    assert "Neu registrieren" not in mine
    english = _page(Client(), accept_language="en")
    assert "Our online services" in english
    assert "Unsere Online-Dienste" not in english
    german = _page(Client())
    assert "Unsere Online-Dienste" in german
    assert "Neu registrieren" in german


def test_another_job_centre_gets_its_own_part(client: Client, jc_a: Jobcenter, jc_b: Any) -> None:
    fulda = _page(client)
    other = client.get(f"/{jc_b.slug}/").content.decode()
    assert jc_b.name in other.split("<main")[1]
    assert jc_a.name not in other.split("<main")[1]
    assert jc_a.name in fulda.split("<main")[1]

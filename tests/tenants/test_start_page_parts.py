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
    Office.objects.bulk_create(
        [
            Office(
                jobcenter=jc_a,
                name="Mobiles Büro",
                street="Markt 2",
                postcode="36037",
                city="Fulda",
            )
        ]
    )
    assert "Mobiles Büro" in _page(client)
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


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_layout_parts_follow_the_job_centre_and_the_language(
    client: Client, jc_a: Jobcenter
) -> None:
    """The layout's head, brand, language list and footer are kept per process and
    job-centre version (web/templatetags/parts.py): a rename shows at once everywhere."""
    first = _page(client)
    assert f'<span class="brand-name">{jc_a.name}</span>' in first
    assert '<option value="de" lang="de" selected>' in first
    assert "/fulda/impressum/" in _between(first, "<footer", "</footer>")
    jc_a.name = "Jobcenter Fulda (neu)"
    jc_a.save()
    renamed = _page(client)
    assert '<span class="brand-name">Jobcenter Fulda (neu)</span>' in renamed
    assert "– Jobcenter Fulda (neu)</title>" in renamed
    english = _page(Client(), accept_language="en")
    assert '<option value="en" lang="en" selected>' in english
    assert '<option value="de" lang="de">' in english
    assert "All job centres" in _between(english, "<footer", "</footer>")
    assert "Alle Jobcenter" in _between(_page(client), "<footer", "</footer>")


def test_what_differs_per_request_stays_outside_the_layout_parts(
    client: Client, customer_client: Client, jc_a: Jobcenter
) -> None:
    anonymous = _page(Client())
    legal = Client().get("/fulda/impressum/")
    assert legal.status_code == 200
    # The language form's return address is the request's own path.
    assert 'name="next" value="/fulda/"' in anonymous
    assert 'name="next" value="/fulda/impressum/"' in legal.content.decode()
    # Each visitor has an own CSRF token in the language form.
    other = _page(Client())
    token = 'name="csrfmiddlewaretoken" value="'
    assert _between(anonymous, token, '"') != _between(other, token, '"')
    # The navigation follows the login state.
    mine = _page(customer_client)
    assert "Abmelden" in _between(mine, "<nav", "</nav>")
    assert "Anmelden" in _between(anonymous, "<nav", "</nav>")
    assert "Abmelden" not in _between(anonymous, "<nav", "</nav>")

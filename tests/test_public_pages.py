from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from openjobcenter.tenants.models import Jobcenter


def test_landing_lists_all_27_hessian_job_centres_by_kind(client: Client, jobcenters) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welches Jobcenter ist für mich zuständig?" in html
    # DESIGN §6's 26 and the Jobcenter Hanau (a joint facility since 2 January 2026).
    assert len(jobcenters) == 27
    assert Jobcenter.objects.filter(kind="municipal").count() == 16
    assert Jobcenter.objects.filter(kind="joint").count() == 11
    for jc in jobcenters.values():
        assert f'href="/{jc.slug}/"' in html
    municipal, joint = html.split("Gemeinsame Einrichtungen", 1)
    assert "Landkreis Fulda" in municipal
    assert "Stadt Frankfurt am Main" in joint


def test_landing_list_is_rendered_once_and_a_changed_job_centre_shows_at_once(
    client: Client, jobcenters
) -> None:
    assert "Landkreis Fulda" in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/").content.decode()
    assert "Landkreis Fulda" in again
    assert [q["sql"] for q in ctx.captured_queries if "tenants_jobcenter" in q["sql"]] == []
    # A rename (any write to a job centre sets a new version): the list shows it at once.
    fulda = jobcenters["fulda"]
    fulda.name = "Landkreis Fulda (Kreisjobcenter)"
    fulda.save(update_fields=["name"])
    assert "Landkreis Fulda (Kreisjobcenter)" in client.get("/").content.decode()
    # One language's list is not another's.
    english = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Joint job centres" in english
    assert "Gemeinsame Einrichtungen" not in english
    # A deactivated job centre leaves the list at once.
    Jobcenter.objects.filter(pk=fulda.pk).update(is_active=False)
    assert 'href="/fulda/"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("36088", "Landkreis Fulda"),
        ("Hünfeld", "Landkreis Fulda"),
        ("tann", "Landkreis Fulda"),
        ("360", "Eine Postleitzahl hat fünf Ziffern"),
        ("Wiesbaden", "Landeshauptstadt Wiesbaden"),
    ],
)
def test_lookup_finds_the_responsible_job_centre(
    client: Client, jobcenters, query, expected
) -> None:
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    results = response.content.decode().split('id="results-title"', 1)[1].split("Alle Jobcenter")[0]
    assert expected in results


def test_lookup_without_match_says_so_and_htmx_gets_the_fragment(
    client: Client, jobcenters
) -> None:
    response = client.get("/", {"q": "Atlantis"})
    assert "Wir haben kein Jobcenter gefunden" in response.content.decode()
    fragment = client.get("/", {"q": "36037"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body
    assert "36037 Fulda" in body


def test_lookup_with_hostile_input_is_harmless(client: Client, jobcenters) -> None:
    response = client.get("/", {"q": "<script>alert(1)</script>" + "x" * 5000})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_tenant_start_page_shows_branding_offices_hours_contacts_and_legal_links(
    client: Client, jc_a: Jobcenter
) -> None:
    response = client.get("/fulda/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Landkreis Fulda</h1>" in html
    assert "Wörthstraße 15" in html
    assert "Mo–Fr 8:00–12:00 Uhr" in html
    assert "Außenstelle Hünfeld" in html
    assert "0661 6006-0" in html
    for url in ("/fulda/impressum/", "/fulda/datenschutz/", "/fulda/barrierefreiheit/"):
        assert f'href="{url}"' in html
    assert 'href="/fulda/theme.css"' in html
    theme = client.get("/fulda/theme.css")
    assert theme["Content-Type"].startswith("text/css")
    assert "--jc-primary: #005a8c" in theme.content.decode()


def test_accessibility_statement_names_its_feedback_channel(
    client: Client, jc_a: Jobcenter
) -> None:
    html = client.get("/fulda/barrierefreiheit/").content.decode()
    assert "Erklärung zur Barrierefreiheit" in html
    assert "mailto:barrierefreiheit@landkreis-fulda.example" in html


def test_unknown_job_centre_is_404_in_the_users_language_with_link_home(
    client: Client, jobcenters
) -> None:
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert 'href="/"' in response.content.decode()
    response = client.get("/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_inactive_job_centre_is_404(client: Client, jc_a: Jobcenter) -> None:
    Jobcenter.objects.filter(pk=jc_a.pk).update(is_active=False)
    assert client.get("/fulda/").status_code == 404


@override_settings(ALLOWED_HOSTS=["jobcenter.landkreis-fulda.test", "testserver"])
def test_job_centre_under_its_own_host_name(
    client: Client, jc_a: Jobcenter, jc_b: Jobcenter
) -> None:
    Jobcenter.objects.filter(pk=jc_a.pk).update(host="jobcenter.landkreis-fulda.test")
    host: dict[str, Any] = {"HTTP_HOST": "jobcenter.landkreis-fulda.test"}
    response = client.get("/", **host)
    assert response.status_code == 200
    assert "<h1>Landkreis Fulda</h1>" in response.content.decode()
    assert client.get("/fulda/impressum/", **host).status_code == 200
    # Another job centre's pages are not served under this job centre's host.
    assert client.get("/wiesbaden/", **host).status_code == 404


def test_head_requests_work(client: Client, jc_a: Jobcenter) -> None:
    assert client.head("/fulda/").status_code == 200

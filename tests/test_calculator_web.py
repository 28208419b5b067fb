"""The calculator where people use it: self-check, staff pre-calculation, API and CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from openjobcenter.accounts.models import Role
from openjobcenter.calculator.models import HousingLimit
from openjobcenter.core.models import AuditEntry

from .conftest import login_with_mfa

SINGLE = {"applicant_age": "35", "rent_m": "450", "heating_m": "80"}


@time_machine.travel("2026-03-10 12:00 +0100", tick=False)
def test_self_check_without_login_shows_claim_and_explanation(client: Client, jc_a) -> None:
    page = client.get("/fulda/vorabcheck/")
    assert page.status_code == 200
    assert "Ihre Angaben werden nicht gespeichert" in page.content.decode()
    response = client.post("/fulda/vorabcheck/", SINGLE)
    assert response.status_code == 200
    html = response.content.decode()
    # 2026: standard need level 1 = 563 € (RBSFV 2026) + rent 450 € + heating 80 € = 1,093 €.
    assert "Sie haben voraussichtlich Anspruch auf etwa 1.093,00\xa0€ im Monat." in html
    assert "Nur die Entscheidung Ihres Jobcenters zählt" in html
    # The breakdown follows behind a closed disclosure, naming the person as asked.
    result = html[html.index('id="result"') : html.index("</section>")]
    assert "<details>" in result and "<details open>" not in result
    assert "So haben wir gerechnet" in result
    assert "Sie: Regelbedarf 563,00\xa0€ (§ 20 SGB II)" in result
    assert "Zusammen im Monat: 1.093,00\xa0€" in result
    # One way on: "Jetzt beantragen" takes the answers along (no second signup link).
    assert 'formaction="/fulda/antrag/aus-vorabcheck/"' in result
    assert "Jetzt beantragen" in result
    assert "Jetzt Bürgergeld beantragen" not in html
    assert not AuditEntry.objects.exists()  # nothing stored


@time_machine.travel("2026-03-10 12:00 +0100", tick=False)
def test_self_check_single_parent_gets_additional_need(client: Client, jc_a) -> None:
    html = client.post("/fulda/vorabcheck/", {**SINGLE, "child_1_age": "4"}).content.decode()
    # § 21 Abs. 3 Nr. 1 SGB II: 36 % of 563 € = 202.68 € for one child under 7.
    assert "202,68" in html


@time_machine.travel("2026-03-10 12:00 +0100", tick=False)
def test_self_check_assets_over_limit_means_no_claim(client: Client, jc_a) -> None:
    html = client.post("/fulda/vorabcheck/", {**SINGLE, "wealth": "60000"}).content.decode()
    assert "Ihr Vermögen liegt über dem Freibetrag." in html
    assert "Das Vermögen ist höher als der geschützte Betrag." in html


@time_machine.travel("2026-03-10 12:00 +0100", tick=False)
def test_self_check_income_covering_the_need_says_why_and_points_elsewhere(
    client: Client, jc_a
) -> None:
    # Single parent, 2,000 € gross / 1,500 € net, one child (10) with 500 € maintenance:
    # the income covers the need (see the § 72 golden case): no claim, and no 25 €
    # supplement for the child, which has no Bürgergeld of its own.
    html = client.post(
        "/fulda/vorabcheck/",
        {
            "applicant_age": "35",
            "rent_m": "500",
            "service_charges_m": "100",
            "heating_m": "100",
            "gross_earnings_m": "2000",
            "net_earnings_m": "1500",
            "child_1_age": "10",
            "child_1_support_m": "500",
        },
    ).content.decode()
    assert (
        "Ihr Einkommen deckt Ihren Bedarf. Deshalb haben Sie voraussichtlich keinen Anspruch "
        "auf Bürgergeld." in html
    )
    assert "Wohngeld" in html and "Kinderzuschlag" in html
    assert "Kindersofortzuschlag" not in html
    assert "Anspruch auf etwa" not in html
    assert "Zusammen im Monat: 0,00\xa0€" in html


@pytest.mark.parametrize(
    ("language", "sentence", "line"),
    [
        ("en", "You: standard need 563.00\xa0€ (§ 20 SGB II)", "Total per month: 1,093.00\xa0€"),
        ("ar", "أنت: الاحتياج الأساسي", "المجموع شهريًا"),
        ("uk", "Ви: базова потреба", "Разом на місяць"),
    ],
)
def test_self_check_breakdown_in_the_customers_language(
    client: Client, jc_a, language: str, sentence: str, line: str
) -> None:
    with time_machine.travel("2026-03-10 12:00 +0100", tick=False):
        html = client.post(
            "/fulda/vorabcheck/", SINGLE, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    assert sentence in html
    assert line in html
    assert "Regelbedarf" not in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"applicant_age": "200"}, "applicant_age"),
        ({"rent_m": "-5"}, "rent_m"),
        ({"rent_m": "abc"}, "rent_m"),
        ({"has_partner": "on"}, "partner_age"),
        ({"gross_earnings_m": "500", "net_earnings_m": "600"}, "net_earnings_m"),
        ({"child_1_age": "30"}, "child_1_age"),
        ({"applicant_age": ""}, "applicant_age"),
    ],
)
def test_self_check_bad_input_names_the_field_and_keeps_answers(
    client: Client, jc_a, data, field
) -> None:
    response = client.post("/fulda/vorabcheck/", {**SINGLE, **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#id_{field}"' in html
    assert 'value="80"' in html  # heating kept
    assert "voraussichtlich Anspruch" not in html


def test_self_check_in_english(client: Client, jc_a) -> None:
    with time_machine.travel("2026-03-10 12:00 +0100", tick=False):
        html = client.post("/fulda/vorabcheck/", SINGLE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You: standard need 563.00\xa0€ (§ 20 SGB II)" in html
    assert "1,093.00\xa0€" in html


def test_self_check_can_be_switched_off(client: Client, jc_a) -> None:
    jc_a.enabled_modules = []
    jc_a.save()
    assert client.get("/fulda/vorabcheck/").status_code == 404
    assert "/fulda/vorabcheck/" not in client.get("/fulda/").content.decode()


def test_pre_calculation_uses_the_job_centres_housing_limit_after_grace_period(
    staff_client, staff_a, jc_a
) -> None:
    HousingLimit.objects.create(jobcenter=jc_a, persons=1, amount_m=Decimal("480.00"))
    client = staff_client(staff_a[Role.CASEWORKER])
    data = {**SINGLE, "month": "2026-02-01"}
    during = client.post(
        "/fulda/staff/vorabberechnung/", {**data, "in_grace_period": "on"}
    ).content.decode()
    assert "1.093,00\xa0€" in during
    after = client.post("/fulda/staff/vorabberechnung/", data).content.decode()
    # After the grace period rent + heating count only up to the limit: 563 + 480 = 1,043 €.
    assert "1.043,00\xa0€" in after
    assert "Angemessenheitsgrenze: 480,00\xa0€" in after
    override = client.post(
        "/fulda/staff/vorabberechnung/", {**data, "housing_limit_m": "500"}
    ).content.decode()
    assert "1.063,00\xa0€" in override


def test_pre_calculation_permissions(staff_client, staff_a, staff_b) -> None:
    assert (
        staff_client(staff_a[Role.RECEPTION]).get("/fulda/staff/vorabberechnung/").status_code
        == 403
    )
    assert (
        staff_client(staff_a[Role.CASEWORKER]).get("/fulda/staff/vorabberechnung/").status_code
        == 200
    )
    assert staff_client(staff_b[Role.ADMIN]).get("/fulda/staff/vorabberechnung/").status_code == 404


def test_admin_maintains_housing_limits(client: Client, staff_a, staff_b, jc_a) -> None:
    login_with_mfa(client, staff_a[Role.ADMIN])
    response = client.post(
        "/fulda/staff/einstellungen/angemessenheit/", {"persons_1": "480", "persons_2": "590"}
    )
    assert response.status_code == 302
    assert dict(HousingLimit.objects.filter(jobcenter=jc_a).values_list("persons", "amount_m")) == {
        1: Decimal("480.00"),
        2: Decimal("590.00"),
    }
    bad = client.post("/fulda/staff/einstellungen/angemessenheit/", {"persons_1": "-1"})
    assert bad.status_code == 200 and "Bitte prüfen Sie Ihre Angaben" in bad.content.decode()
    client.post("/fulda/staff/einstellungen/angemessenheit/", {"persons_1": "", "persons_2": "600"})
    assert dict(HousingLimit.objects.filter(jobcenter=jc_a).values_list("persons", "amount_m")) == {
        2: Decimal("600.00")
    }
    login_with_mfa(client, staff_b[Role.ADMIN])
    assert client.get("/fulda/staff/einstellungen/angemessenheit/").status_code == 404


def test_api_calculate(client: Client, db) -> None:
    body = {
        "date": "2026-03-01",
        "rent_m": 450,
        "heating_m": 80,
        "in_grace_period": True,
        "members": [{"id": "A", "role": "adult", "age": 35}],
    }
    response = client.post(
        "/api/v1/benefits/calculate", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["claim_m"] == "1093.00"
    assert response.json()["legal_state"]["valid_from"] == "2026-01-01"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"date": "2026-03-01", "members": []}, ["body", "members"]),
        (
            {"date": "2026-03-01", "members": [{"id": "A", "role": "adult", "age": 121}]},
            ["body", "members", 0, "age"],
        ),
        (
            {"date": "2022-12-01", "members": [{"id": "A", "role": "adult", "age": 30}]},
            ["body", "date"],
        ),
        (
            {
                "date": "2026-03-01",
                "rent_m": -1,
                "members": [{"id": "A", "role": "adult", "age": 30}],
            },
            ["body", "rent_m"],
        ),
        (
            {"date": "2026-03-01", "members": [{"id": "A", "role": "child", "age": 5}]},
            ["body", "members", 0, "role"],
        ),
    ],
)
def test_api_calculate_rejects_bad_input_with_422(client: Client, db, body, loc) -> None:
    response = client.post(
        "/api/v1/benefits/calculate", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_api_calculate_malformed(client: Client, db) -> None:
    assert (
        client.post("/api/v1/benefits/calculate", "{", content_type="application/json").status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/benefits/calculate", "[1]", content_type="application/json"
        ).status_code
        == 422
    )


def test_cli_through_the_openjobcenter_command(tmp_path) -> None:
    household = tmp_path / "h.json"
    household.write_text(
        json.dumps(
            {
                "date": "2026-03-01",
                "rent_m": 450,
                "heating_m": 80,
                "in_grace_period": True,
                "members": [{"id": "A", "role": "adult", "age": 35}],
            }
        )
    )
    script = "from openjobcenter.cli import main; raise SystemExit(main())"
    ok = subprocess.run(
        [sys.executable, "-c", script, "calc", str(household)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["claim_m"] == "1093.00"
    household.write_text(
        json.dumps({"date": "2030-01-01", "members": [{"id": "A", "role": "adult", "age": 35}]})
    )
    bad = subprocess.run(
        [sys.executable, "-c", script, "calc", str(household)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "2026-01-01" in bad.stderr


@pytest.mark.parametrize("language", ["tr", "fa", "ru", "pl", "ro", "fa-af", "uk", "ar", "en"])
def test_api_calculate_explains_in_every_offered_language(client: Client, db, language) -> None:
    body = {
        "date": "2026-03-01",
        "rent_m": 450,
        "heating_m": 80,
        "in_grace_period": True,
        "members": [{"id": "A", "role": "adult", "age": 35}],
    }
    response = client.post(
        f"/api/v1/benefits/calculate?language={language}",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["claim_m"] == "1093.00"
    assert "de" in data["explanation"][0]  # the calculator's own lines stay
    localized = data["explanation_localized"]
    assert localized["language"] == language
    with translation.override(language):
        expected = translation.gettext("Zusammen im Monat: %(amount)s")
    assert expected != "Zusammen im Monat: %(amount)s"
    assert localized["lines"][-1].startswith(expected.split("%(amount)s")[0])


def test_api_calculate_unknown_language_explains_in_german(client: Client, db) -> None:
    body = {"date": "2026-03-01", "members": [{"id": "A", "role": "adult", "age": 35}]}
    response = client.post(
        "/api/v1/benefits/calculate?language=xx-evil",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 200
    localized = response.json()["explanation_localized"]
    assert localized["language"] == "de"
    assert localized["lines"][-1].startswith("Zusammen im Monat:")
    plain = client.post(
        "/api/v1/benefits/calculate", json.dumps(body), content_type="application/json"
    )
    assert "explanation_localized" not in plain.json()

"""Issue 4: the caseworker's pre-calculation from a submitted application's answers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from openjobcenter.accounts.models import Role
from openjobcenter.applications.precalc import Overrides, build_input, precalculate
from openjobcenter.calculator.models import HousingLimit
from tests.applications.staff_data import COUPLE_WITH_CHILD, enable_module, make_application

pytestmark = pytest.mark.django_db
JANUARY = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def couple(customer: Any) -> Any:
    return make_application(customer, submitted_at=JANUARY)


def test_couple_with_child_maps_to_the_calculator_input(couple: Any) -> None:
    calc_input, notes, names, size = build_input(couple)
    assert calc_input["date"] == "2026-01-01"
    assert calc_input["rent_m"] == 600
    assert calc_input["heating_m"] == 90
    assert size == 3
    roles = [(m["id"], m["role"], m["age"]) for m in calc_input["members"]]
    assert roles == [("p1", "adult", 40), ("p2", "partner", 37), ("p3", "child", 6)]
    applicant = calc_input["members"][0]
    assert (applicant["gross_earnings_m"], applicant["net_earnings_m"]) == (600, 480)
    assert calc_input["members"][2]["child_benefit_m"] == 255
    assert names["p3"] == "Mia Kunde"
    assert notes == []


def test_couple_with_child_claim(couple: Any) -> None:
    # Standard needs 2 × 506 + 390 (child 6–13, Stufe 5) + housing 690 = 2,092.00 €;
    # income: 480 net − allowance (100 + 20 % of 420 + 30 % of 80 = 208) = 272 €,
    # child benefit 255 € for the child; 2,092 − 527 = 1,565 € + 25 € Kindersofortzuschlag.
    calc = precalculate(couple)
    assert calc.error == ""
    assert calc.result is not None
    assert calc.result["claim_m"] == "1590.00"
    assert calc.limit_used is None


def test_housing_limit_of_the_jobcentre_and_the_override_change_the_result(
    couple: Any, jc_a: Any
) -> None:
    HousingLimit.objects.create(jobcenter=jc_a, persons=3, amount_m=Decimal("550.00"))
    in_grace = precalculate(couple)
    assert in_grace.limit_used == Decimal("550.00")
    # In the grace period the actual costs count.
    assert in_grace.result is not None and in_grace.result["claim_m"] == "1590.00"
    after = precalculate(couple, Overrides(in_grace_period=False))
    assert after.result is not None
    assert after.result["housing"]["recognized"] == "550.00"
    assert after.result["claim_m"] == "1449.99"
    higher = precalculate(couple, Overrides(in_grace_period=False, housing_limit_m=Decimal("700")))
    assert higher.limit_overridden
    assert higher.result is not None and higher.result["claim_m"] == "1590.00"
    cheaper = precalculate(couple, Overrides(rent_m=Decimal("500")))
    # 590 € over three heads: 196.67 € each, rounded per person (§ 41 Abs. 2 SGB II).
    assert cheaper.result is not None and cheaper.result["claim_m"] == "1490.01"


def test_other_household_members_and_unknown_amounts_are_noted(customer: Any) -> None:
    answers = {
        **COUPLE_WITH_CHILD,
        "household": {
            "members": [
                {
                    "id": "p2",
                    "role": "other",
                    "first_name": "Opa",
                    "last_name": "Kunde",
                    "birth_date": "1950-01-01",
                },
            ]
        },
        "additional_needs": {"pregnant": "no", "disability": "yes", "diet": "yes"},
    }
    app = make_application(customer, answers=answers, submitted_at=JANUARY)
    calc = precalculate(app)
    assert calc.result is not None
    assert [m["id"] for m in calc.calc_input["members"]] == ["p1"]
    text = " ".join(calc.notes)
    assert "Opa Kunde" in text
    assert "Ernährung" in text
    assert calc.calc_input["members"][0]["disability_additional_need"] is True


def test_unusable_data_gives_a_message_not_an_error(customer: Any) -> None:
    app = make_application(customer, answers={"filing": {"first_name": "X"}}, submitted_at=JANUARY)
    calc = precalculate(app)
    assert calc.result is None
    assert calc.error


def test_staff_page_shows_the_precalculation_and_the_override(
    couple: Any, jc_a: Any, staff_a: Any, staff_client: Any
) -> None:
    enable_module(jc_a)
    client = staff_client(staff_a[Role.CASEWORKER])
    url = f"/{jc_a.slug}/staff/antraege/{couple.pk}/"
    body = client.get(url).content.decode()
    assert "1.590,00" in body
    body = client.get(url + "?precalc=1&housing_limit_m=550&in_grace_period=no").content.decode()
    assert "1.449,99" in body
    assert "eigene Eingabe" in body
    response = client.get(url + "?precalc=1&housing_limit_m=-5")
    assert response.status_code == 400
    # Nothing is stored.
    couple.refresh_from_db()
    assert couple.submitted_data["answers"]["housing"]["cold_rent"] == "500.00"

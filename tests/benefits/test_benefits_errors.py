"""Bad input is refused with a CalculationError naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from openjobcenter.benefits import CalculationError, calculate


def valid() -> dict[str, Any]:
    return {
        "date": "2026-01-01",
        "rent_m": 450,
        "heating_m": 80,
        "in_grace_period": True,
        "members": [
            {"id": "A", "role": "adult", "age": 35},
            {"id": "C", "role": "child", "age": 5},
        ],
    }


def error_for(data: object) -> CalculationError:
    with pytest.raises(CalculationError) as info:
        calculate(data)
    error = info.value
    assert error.message
    assert error.message_en
    return error


def test_valid_input_is_accepted() -> None:
    assert calculate(valid())["claim_m"]


@pytest.mark.parametrize("members", [None, [], "A"])
def test_missing_members(members: object) -> None:
    data = valid()
    data["members"] = members
    assert error_for(data).field == "members"
    del data["members"]
    assert error_for(data).field == "members"


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("", "rent_m"),
        ("", "heating_m"),
        ("", "housing_limit_m"),
        ("members[0].", "gross_earnings_m"),
        ("members[0].", "wealth"),
        ("members[1].", "child_support_m"),
        ("members[1].", "child_benefit_m"),
    ],
)
def test_negative_amounts(path: str, key: str) -> None:
    data = valid()
    target = data if not path else data["members"][int(path[8])]
    target[key] = -1
    error = error_for(data)
    assert error.field == f"{path}{key}"
    assert "negativ" in error.message


@pytest.mark.parametrize("age", [-1, 121, 1000])
def test_age_outside_range(age: int) -> None:
    data = valid()
    data["members"][1]["age"] = age
    error = error_for(data)
    assert error.field == "members[1].age"
    assert "0 und 120" in error.message


def test_missing_age() -> None:
    data = valid()
    del data["members"][0]["age"]
    assert error_for(data).field == "members[0].age"


def test_child_as_applicant() -> None:
    data = valid()
    data["members"].reverse()
    assert error_for(data).field == "members[0].role"


def test_second_adult_and_second_partner() -> None:
    data = valid()
    data["members"].append({"id": "X", "role": "adult", "age": 70})
    assert error_for(data).field == "members[2].role"
    data = valid()
    data["members"] += [
        {"id": "P", "role": "partner", "age": 30},
        {"id": "Q", "role": "partner", "age": 31},
    ]
    assert error_for(data).field == "members[3].role"


def test_minor_partner_is_refused() -> None:
    data = valid()
    data["members"].append({"id": "P", "role": "partner", "age": 17})
    assert error_for(data).field == "members[2].age"


def test_unknown_fields() -> None:
    data = valid()
    data["rent"] = 450
    assert error_for(data).field == "rent"
    data = valid()
    data["members"][1]["kindergeld"] = 259
    error = error_for(data)
    assert error.field == "members[1].kindergeld"
    assert "Unbekanntes Feld" in error.message


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("rent_m", True, "rent_m"),
        ("rent_m", "viel", "rent_m"),
        ("rent_m", [450], "rent_m"),
        ("rent_m", float("nan"), "rent_m"),
        ("in_grace_period", 1, "in_grace_period"),
        ("single_parent", "yes", "single_parent"),
    ],
)
def test_wrong_top_level_types(key: str, value: object, field: str) -> None:
    data = valid()
    data[key] = value
    assert error_for(data).field == field


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("age", True),
        ("age", 35.5),
        ("age", "35"),
        ("gross_earnings_m", False),
        ("in_education", "no"),
        ("pregnant_week", 13.0),
        ("pregnant_week", 0),
        ("disability_additional_need", None),
        ("education_participation_granted", "yes"),
        ("id", 7),
        ("role", "grandparent"),
    ],
)
def test_wrong_member_types(key: str, value: object) -> None:
    data = valid()
    data["members"][0][key] = value
    assert error_for(data).field == f"members[0].{key}"


def test_not_an_object() -> None:
    assert error_for([1, 2]).field == ""
    data = valid()
    data["members"][1] = "C"
    assert error_for(data).field == "members[1]"


def test_duplicate_ids() -> None:
    data = valid()
    data["members"][1]["id"] = "A"
    assert error_for(data).field == "members[1].id"


def test_net_above_gross() -> None:
    data = valid()
    data["members"][0].update(gross_earnings_m=500, net_earnings_m=600)
    assert error_for(data).field == "members[0].net_earnings_m"


def test_single_parent_with_partner() -> None:
    data = valid()
    data["single_parent"] = True
    data["members"].append({"id": "P", "role": "partner", "age": 30})
    assert error_for(data).field == "single_parent"


def test_disability_need_under_15() -> None:
    data = valid()
    data["members"][1]["disability_additional_need"] = True
    assert error_for(data).field == "members[1].disability_additional_need"


@pytest.mark.parametrize(
    "value", ["2026-13-01", "2026-02-30", "01.01.2026", "20260101", 2026, None]
)
def test_malformed_date(value: object) -> None:
    data = valid()
    data["date"] = value
    assert error_for(data).field == "date"


def test_date_before_buergergeld() -> None:
    data = valid()
    data["date"] = "2022-12-31"
    error = error_for(data)
    assert error.field == "date"
    assert "01.01.2023" in error.message


def test_date_after_newest_legal_state_names_it() -> None:
    data = valid()
    data["date"] = "2027-01-01"
    error = error_for(data)
    assert error.field == "date"
    assert "Neuester bekannter Rechtsstand: 2026-01-01" in error.message
    assert "Newest known legal state: 2026-01-01" in error.message_en
    data["date"] = "2026-12-31"
    assert calculate(data)["legal_state"]["valid_from"] == "2026-01-01"


def test_error_dict_and_str() -> None:
    error = CalculationError("members[0].age", "Falsch.", "Wrong.")
    assert error.to_dict() == {
        "field": "members[0].age",
        "message": "Falsch.",
        "message_en": "Wrong.",
    }
    assert str(error) == "members[0].age: Falsch."
    assert isinstance(error, Exception)


def test_amounts_as_decimal_strings_are_accepted_and_exact() -> None:
    data = valid()
    data["rent_m"] = "450.10"
    data["heating_m"] = 0.2
    assert calculate(data)["housing"]["actual"] == "450.30"

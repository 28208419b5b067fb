"""Form engine: conditions, people, per-person annexes, validation, progress, JSON (A1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from openjobcenter.applications import engine
from openjobcenter.applications.engine import Answers, StepStatus, get_definition

TODAY = date(2026, 6, 15)
INITIAL = get_definition("initial", 1)


def person(pid: str, role: str, first: str, birth: str) -> dict[str, str]:
    return {"id": pid, "role": role, "first_name": first, "last_name": "Test", "birth_date": birth}


def household(*members: dict[str, str]) -> dict[str, Any]:
    return {
        "filing": {"first_name": "Ada", "last_name": "Test", "birth_date": "1980-01-01"},
        "household": {"members": list(members)},
    }


def keys(data: dict[str, Any]) -> dict[str, bool]:
    return {i.key: i.needed for i in engine.step_instances(INITIAL, Answers(data, on=TODAY))}


def test_single_person_has_no_person_annexes() -> None:
    got = keys(household())
    assert "income:p1" in got
    assert not any(k.startswith("member:") for k in got)
    answers = Answers(household(), on=TODAY)
    maintenance = INITIAL.step("maintenance_claims")
    assert not maintenance.field("child_other_parent").shown(answers, None, {})
    needs = INITIAL.step("additional_needs")
    assert not needs.field("single_parent").shown(answers, None, {})


def test_couple_with_children_repeats_annexes_per_person() -> None:
    data = household(
        person("p2", "partner", "Ben", "1982-02-02"),
        person("p3", "child", "Cleo", "2015-03-03"),
        person("p4", "child", "Dan", "2023-04-04"),
    )
    got = keys(data)
    for pid in ("p2", "p3", "p4"):
        assert got[f"member:{pid}"] is True
        assert got[f"income:{pid}"] is True
    answers = Answers(data, on=TODAY)
    needs = INITIAL.step("additional_needs")
    assert not needs.field("single_parent").shown(answers, None, {})  # a partner lives there
    member = INITIAL.step("member")
    toddler = answers.person("p4")
    assert not member.field("education").shown(answers, toddler, {})  # under 6
    assert not member.field("able_to_work").shown(answers, answers.person("p3"), {})  # 11
    assert member.field("able_to_work").shown(answers, answers.person("p2"), {})


def test_single_parent_is_asked_about_single_parenthood_and_other_parent() -> None:
    data = household(person("p2", "child", "Cleo", "2018-03-03"))
    answers = Answers(data, on=TODAY)
    assert INITIAL.step("additional_needs").field("single_parent").shown(answers, None, {})
    assert INITIAL.step("maintenance_claims").field("child_other_parent").shown(answers, None, {})


def test_same_step_conditions() -> None:
    housing = INITIAL.step("housing")
    answers = Answers({}, on=TODAY)
    assert housing.field("cold_rent").shown(answers, None, {"kind": "rent"})
    assert not housing.field("cold_rent").shown(answers, None, {"kind": "own"})
    assert housing.field("mortgage_interest").shown(answers, None, {"kind": "own"})
    assert not housing.field("heating_costs").shown(answers, None, {"kind": "free"})


def test_hidden_fields_are_dropped_when_saved() -> None:
    answers = Answers(household(), on=TODAY)
    cleaned, errors = engine.validate_step(
        INITIAL, "housing", {"kind": "free", "cold_rent": "500"}, answers, today=TODAY
    )
    assert errors == {}
    assert cleaned == {"kind": "free"}


def test_required_and_types() -> None:
    answers = Answers(household(), on=TODAY)
    _cleaned, errors = engine.validate_step(INITIAL, "filing", {}, answers, today=TODAY)
    assert set(errors) == {
        "first_name",
        "last_name",
        "birth_date",
        "street",
        "postcode",
        "city",
        "email",
    }
    _cleaned, errors = engine.validate_step(
        INITIAL,
        "income:p1",
        {"kinds": ["employment", "bogus"]},
        answers,
        today=TODAY,
    )
    assert "kinds" in errors


def test_money_parsing() -> None:
    assert engine.parse_money("1.234,5") is None  # thousands separators are refused
    assert str(engine.parse_money("1234,5")) == "1234.50"
    assert str(engine.parse_money("12.30 €")) == "12.30"
    negative = engine.parse_money("-3")
    assert negative is not None
    assert negative < 0


def test_household_members_get_stable_ids() -> None:
    answers = Answers(household(), on=TODAY)
    raw = {
        "members": [
            {
                "id": "p3",
                "role": "child",
                "first_name": "A",
                "last_name": "B",
                "birth_date": "01.01.2020",
            },
            {
                "id": "",
                "role": "partner",
                "first_name": "C",
                "last_name": "D",
                "birth_date": "1990-01-01",
            },
            {"id": "", "role": "", "first_name": "", "last_name": "", "birth_date": ""},
        ]
    }
    cleaned, errors = engine.validate_step(INITIAL, "household", raw, answers, today=TODAY)
    assert errors == {}
    assert [m["id"] for m in cleaned["members"]] == ["p3", "p2"]
    assert cleaned["members"][0]["birth_date"] == "2020-01-01"


def test_household_refuses_two_partners_and_bad_dates() -> None:
    answers = Answers(household(), on=TODAY)
    raw = {
        "members": [
            person("", "partner", "A", "1990-01-01"),
            person("", "partner", "B", "2030-01-01"),
        ]
    }
    _cleaned, errors = engine.validate_step(INITIAL, "household", raw, answers, today=TODAY)
    assert "members" in errors
    assert "members.1.birth_date" in errors


def test_unknown_step_is_key_error() -> None:
    with pytest.raises(KeyError):
        engine.validate_step(INITIAL, "income:p9", {}, Answers(household()), today=TODAY)


def test_progress_marks_not_needed() -> None:
    data = household()
    data["housing"] = {"kind": "free"}
    rows = engine.progress_for(INITIAL, Answers(data, on=TODAY), ["filing", "housing"])
    status = {r.key: r.status for r in rows}
    assert status["filing"] == StepStatus.DONE
    assert status["personal"] == StepStatus.OPEN


def test_renewal_asks_only_what_changed() -> None:
    renewal = get_definition("renewal", 1)
    data = {**household(), "changes": {"what": ["income"]}}
    got = {i.key: i.needed for i in engine.step_instances(renewal, Answers(data, on=TODAY))}
    assert got["income:p1"] is True
    assert got["housing"] is False
    assert got["bank"] is False


def test_change_notice_address() -> None:
    notice = get_definition("change_notice", 1)
    data = {**household(), "changes": {"what": ["address", "bank_account"]}}
    got = {i.key: i.needed for i in engine.step_instances(notice, Answers(data, on=TODAY))}
    assert got["address"] and got["housing"] and got["bank"]
    assert not got["job"]


def test_definition_as_json_in_english() -> None:
    data = engine.definition_as_json(INITIAL, "en")
    assert data["key"] == "initial" and data["version"] == 1
    housing = next(s for s in data["steps"] if s["key"] == "housing")
    rent = next(f for f in housing["fields"] if f["key"] == "cold_rent")
    assert rent["show_if"] == {"op": "eq", "ref": ".kind", "value": "rent"}
    assert rent["confirm_above"] == "5000"
    income = next(s for s in data["steps"] if s["key"] == "income")
    assert income["per_person"]["op"] == "person"


def test_summary_sections_group_by_person() -> None:
    data = household(person("p2", "child", "Cleo", "2018-03-03"))
    data["income:p2"] = {"kinds": ["child_benefit"], "child_benefit": "255.00"}
    sections = engine.summary_sections_for(INITIAL, Answers(data, on=TODAY))
    child = next(s for s in sections if s.key == "income:p2")
    assert child.person_name == "Cleo Test"
    assert any(r.value == "255,00 €" for r in child.rows)

"""Proof derivation for typical households (A1)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from openjobcenter.applications.engine import Answers, get_definition
from openjobcenter.applications.proofs import derive_proofs_for

INITIAL = get_definition("initial", 1)
BASE: dict[str, Any] = {
    "filing": {"first_name": "Ada", "last_name": "Test", "birth_date": "1980-01-01"},
    "personal": {"nationality": "german"},
    "bank": {"has_account": "yes"},
    "situation": {"able_to_work": "yes", "education": "none", "pension": "no"},
    "housing": {"kind": "rent"},
    "assets": {"significant": "no"},
    "health_insurance": {"kind": "statutory"},
}


def kinds(data: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(p.kind_key, p.person_id) for p in derive_proofs_for(INITIAL, Answers(data))}


def member(pid: str, role: str, birth: str) -> dict[str, str]:
    return {"id": pid, "role": role, "first_name": pid, "last_name": "T", "birth_date": birth}


def test_single_person_renting_without_income() -> None:
    got = kinds({**BASE, "income:p1": {"kinds": []}})
    assert ("tenancy_agreement", None) in got
    assert ("heating_bill", None) in got
    assert ("bank_statement", None) in got
    assert ("identity_document", "p1") in got
    assert not any(k == "payslip" for k, _p in got)
    with translation.override("de"):
        proofs = derive_proofs_for(INITIAL, Answers(BASE))
    bank = next(p for p in proofs if p.kind_key == "bank_statement")
    assert "schwärzen" in bank.note
    assert all(p.reason for p in proofs)


def test_couple_with_children() -> None:
    data = {
        **BASE,
        "household": {
            "members": [
                member("p2", "partner", "1982-01-01"),
                member("p3", "child", "2010-01-01"),
                member("p4", "child", "2020-01-01"),
            ]
        },
        "member:p3": {"education": "school"},
        "income:p1": {"kinds": ["employment"]},
        "income:p2": {"kinds": ["parental_benefit"]},
        "income:p3": {"kinds": ["child_benefit"]},
        "income:p4": {"kinds": ["child_benefit"]},
    }
    got = kinds(data)
    assert ("payslip", "p1") in got
    assert ("employment_contract", "p1") in got
    assert ("parental_benefit_notice", "p2") in got
    assert ("child_benefit_notice", "p3") in got and ("child_benefit_notice", "p4") in got
    assert ("school_certificate", "p3") in got
    assert ("maintenance_proof", None) not in got


def test_single_parent() -> None:
    data = {
        **BASE,
        "household": {"members": [member("p2", "child", "2019-01-01")]},
        "income:p2": {"kinds": ["advance_maintenance", "child_benefit"]},
        "maintenance_claims": {"separated_partner": "yes", "child_other_parent": "yes"},
        "additional_needs": {"single_parent": "yes", "pregnant": "no"},
    }
    got = kinds(data)
    assert ("advance_maintenance_notice", "p2") in got
    assert ("maintenance_proof", None) in got


def test_self_employed_owner() -> None:
    data = {
        **BASE,
        "housing": {"kind": "own"},
        "income:p1": {"kinds": ["self_employment"]},
        "assets": {"significant": "yes"},
        "health_insurance": {"kind": "private"},
    }
    got = kinds(data)
    assert ("self_employment_income", "p1") in got
    assert ("property_costs", None) in got
    assert ("tenancy_agreement", None) not in got
    assert ("asset_proof", None) in got
    assert ("health_insurance_proof", None) in got


def test_household_with_adult_child_in_training() -> None:
    data = {
        **BASE,
        "household": {"members": [member("p2", "child", "2005-01-01")]},
        "member:p2": {"education": "training", "able_to_work": "yes"},
        "income:p2": {"kinds": ["employment"]},
    }
    got = kinds(data)
    assert ("payslip", "p2") in got
    assert ("school_certificate", "p2") in got


def test_answers_of_steps_no_longer_needed_ask_for_nothing() -> None:
    data = {**BASE, "household": {"members": []}, "income:p2": {"kinds": ["pension"]}}
    assert not any(k == "pension_notice" for k, _p in kinds(data))

"""The public entry point: input dictionary in, JSON-serialisable result out."""

from __future__ import annotations

from .engine import LEFT_AGE, Income, Person, Result, compute
from .explain import explain, no_claim_reason
from .household import check_disability_age, parse_household
from .money import as_str
from .rules import state_for
from .schema import CalculationResult, EarnedInfo, IncomeInfo, LeftReason, MemberInfo


def _income_dict(income: Income) -> IncomeInfo:
    earned: EarnedInfo | None = None
    if income.earned is not None:
        e = income.earned
        earned = {
            "gross": as_str(e.gross),
            "net": as_str(e.net),
            "basic_allowance": as_str(e.basic_allowance),
            "youth_allowance_applied": e.youth,
            "bands": [
                {
                    "from": as_str(b.lower),
                    "to": as_str(b.upper),
                    "rate": str(b.rate),
                    "base": as_str(b.base),
                    "allowance": as_str(b.allowance),
                }
                for b in e.bands
            ],
            "allowance": as_str(e.allowance),
            "counted": as_str(e.counted),
        }
    return {
        "total": as_str(income.total),
        "earned": earned,
        "other": [{"kind": i.kind, "amount": as_str(i.amount)} for i in income.items],
        "insurance_lump_sum": as_str(income.lump_sum),
    }


def _left_reason(person: Person) -> LeftReason | None:
    if person.in_unit:
        return None
    if person.left_reason == LEFT_AGE:
        return {
            "code": "age_25_or_older",
            "de": "25 Jahre oder älter: eigene Bedarfsgemeinschaft (§ 7 Abs. 3 Nr. 4 SGB II)",
            "en": "25 or older: separate benefit unit (§ 7(3) no. 4 SGB II)",
        }
    return {
        "code": "own_income_covers_need",
        "de": "Eigenes Einkommen deckt den eigenen Bedarf (§ 7 Abs. 3 Nr. 4 SGB II)",
        "en": "Own income covers own need (§ 7(3) no. 4 SGB II)",
    }


def _member_dict(person: Person) -> MemberInfo:
    return {
        "id": person.member.id,
        "role": person.member.role,
        "age": person.member.age,
        "in_unit": person.in_unit,
        "left_unit_reason": _left_reason(person),
        "regelbedarfsstufe": person.level,
        "standard_need": as_str(person.standard_need),
        "additional_needs": [
            {
                "kind": i.kind,
                "amount": as_str(i.amount),
                "rate": None if i.rate is None else str(i.rate),
            }
            for i in person.additional
        ],
        "housing_share": as_str(person.housing_share),
        "total_need": as_str(person.total_need),
        "income_counted": _income_dict(person.income),
        "child_benefit_surplus_to_parent": as_str(person.surplus_child_benefit),
        "benefit": as_str(person.claim),
        "benefit_living": as_str(person.claim_living),
        "benefit_housing": as_str(person.claim_housing),
        "immediate_supplement": as_str(person.supplement),
        "claim": as_str(person.claim + person.supplement),
    }


def to_dict(result: Result) -> CalculationResult:
    """Serialise ``result``; all amounts are strings with exactly two decimals."""
    reason = no_claim_reason(result)
    return {
        "date": result.household.day.isoformat(),
        "claim_m": as_str(result.claim_total),
        "legal_state": {
            "valid_from": result.state.valid_from.isoformat(),
            "title": result.state.title,
        },
        "benefit_units": [
            {
                "members": [p.member.id for p in result.unit],
                "left": [
                    {"id": p.member.id, "reason": _left_reason(p)}
                    for p in result.people
                    if not p.in_unit
                ],
            }
        ],
        "housing": {
            "actual": as_str(result.housing_actual),
            "recognized": as_str(result.housing_recognized),
            "share_per_person": as_str(result.housing_share),
            "persons": len(result.people),
        },
        "assets": {"total": as_str(result.wealth_total), "limit": as_str(result.wealth_limit)},
        "members": [_member_dict(p) for p in result.people],
        "no_claim_reason": None if reason is None else reason[0],
        "no_claim_reason_en": None if reason is None else reason[1],
        "explanation": explain(result),
    }


def calculate(data: object) -> CalculationResult:
    """Compute the monthly Bürgergeld claim for the household described by ``data``.

    ``data`` is the input dictionary (as parsed from JSON).  Returns the result
    dictionary described in the package docstring.  Raises
    :class:`~openjobcenter.benefits.errors.CalculationError` for invalid input.
    """
    household = parse_household(data)
    state = state_for(household.day)
    check_disability_age(household, state.disability_min_age)
    return to_dict(compute(household, state))

"""The public entry point: input dictionary in, JSON-serialisable result out."""

from __future__ import annotations

from .engine import Result, compute
from .explain import explanation, no_claim_reason, totals
from .household import check_disability_age, parse_household
from .members import PersonLines, left_reason, render
from .rules import state_for
from .schema import CalculationResult


def to_dict(result: Result) -> CalculationResult:
    """Serialise ``result``; all amounts are strings with exactly two decimals."""
    amounts = totals(result)
    reason = no_claim_reason(result, amounts)
    state = result.state
    people = result.people
    lines = PersonLines()
    head = people[0].member.id
    members = [render(person, head, lines) for person in people]
    return {
        "date": result.household.day.isoformat(),
        "claim_m": amounts.claim.plain,
        "legal_state": {"valid_from": state.valid_from.isoformat(), "title": state.title},
        "benefit_units": [
            {
                "members": [p.member.id for p in people if p.in_unit],
                "left": [
                    {"id": p.member.id, "reason": left_reason(p)} for p in people if not p.in_unit
                ],
            }
        ],
        "housing": {
            "actual": amounts.housing_actual.plain,
            "recognized": amounts.housing_recognized.plain,
            "share_per_person": amounts.housing_share.plain,
            "persons": len(people),
        },
        "assets": {"total": amounts.wealth.plain, "limit": amounts.wealth_limit.plain},
        "members": members,
        "no_claim_reason": None if reason is None else reason[0],
        "no_claim_reason_en": None if reason is None else reason[1],
        "explanation": explanation(result, amounts, reason, lines),
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

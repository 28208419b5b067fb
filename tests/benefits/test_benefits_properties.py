"""Property-based tests: the claim reacts to income and rent in the right direction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from openjobcenter.benefits import calculate

DATES = st.sampled_from(["2023-02-01", "2023-08-01", "2024-03-01", "2025-06-01", "2026-11-30"])
MONEY = st.integers(min_value=0, max_value=150_000).map(lambda c: Decimal(c) / 100)


@st.composite
def children(draw: st.DrawFn) -> list[dict[str, Any]]:
    result = []
    for i in range(draw(st.integers(min_value=0, max_value=4))):
        age = draw(st.integers(min_value=0, max_value=26))
        result.append(
            {
                "id": f"C{i}",
                "role": "child",
                "age": age,
                "in_education": draw(st.booleans()),
                "child_support_m": str(draw(MONEY)),
                "advance_maintenance_m": str(draw(st.sampled_from([0, 187, 252]))),
                "pregnant_week": draw(st.none() | st.integers(min_value=1, max_value=40)),
            }
        )
    return result


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    members: list[dict[str, Any]] = [
        {
            "id": "A",
            "role": "adult",
            "age": draw(st.integers(min_value=18, max_value=70)),
            "in_education": draw(st.booleans()),
            "unemployment_benefit_m": str(draw(MONEY)),
            "other_income_m": str(draw(st.sampled_from([Decimal(0), Decimal(20), Decimal(400)]))),
            # Wealth only for adults: a child's wealth joining the unit could flip the
            # pooled asset test, which is a documented simplification, not a bug.
            "wealth": draw(st.sampled_from([0, 10_000, 39_000, 60_000])),
            "disability_additional_need": draw(st.booleans()),
        }
    ]
    partner = draw(st.booleans())
    if partner:
        members.append(
            {
                "id": "B",
                "role": "partner",
                "age": draw(st.integers(min_value=18, max_value=70)),
                "gross_earnings_m": 800,
                "net_earnings_m": 640,
            }
        )
    members += draw(children())
    limit = draw(st.none() | MONEY.map(str))
    return {
        "date": draw(DATES),
        "rent_m": str(draw(MONEY)),
        "heating_m": str(draw(MONEY) / 5),
        "in_grace_period": draw(st.booleans()),
        "housing_limit_m": limit,
        "single_parent": (not partner) and draw(st.booleans()),
        "decentral_hot_water": draw(st.booleans()),
        "members": members,
    }


def claim(data: dict[str, Any]) -> Decimal:
    return Decimal(calculate(data)["claim_m"])


@settings(max_examples=300, deadline=None)
@given(households())
def test_claim_is_never_negative_and_sums_up(data: dict[str, Any]) -> None:
    result: Any = calculate(data)
    assert Decimal(result["claim_m"]) >= 0
    parts = sum(Decimal(m["claim"]) for m in result["members"])
    assert parts == Decimal(result["claim_m"])
    for member in result["members"]:
        assert Decimal(member["benefit"]) >= 0
        assert Decimal(member["benefit_living"]) + Decimal(member["benefit_housing"]) == Decimal(
            member["benefit"]
        )


@settings(max_examples=300, deadline=None)
@given(
    households(),
    st.integers(min_value=0, max_value=4_000),
    st.integers(min_value=1, max_value=1_000),
    st.decimals(min_value=Decimal("0.5"), max_value=Decimal(1), places=2),
)
def test_more_gross_earnings_never_increase_the_claim(
    data: dict[str, Any], gross_euros: int, extra_euros: int, ratio: Decimal
) -> None:
    # Whole euros keep net = ratio x gross exact to the cent.  (With a rounded net a
    # one-cent raise in gross can leave net unchanged while the gross-based allowance
    # grows by a cent, and the claim then rightly grows by a cent.)
    def with_gross(euros: int) -> Decimal:
        data["members"][0]["gross_earnings_m"] = euros
        data["members"][0]["net_earnings_m"] = str(euros * ratio)
        return claim(data)

    assert with_gross(gross_euros + extra_euros) <= with_gross(gross_euros)


@settings(max_examples=300, deadline=None)
@given(households(), st.integers(min_value=1, max_value=100_000))
def test_more_rent_never_decreases_the_claim(data: dict[str, Any], extra_cents: int) -> None:
    before = claim(data)
    data["rent_m"] = str(Decimal(data["rent_m"]) + Decimal(extra_cents) / 100)
    assert claim(data) >= before


@settings(max_examples=300, deadline=None)
@given(households(), st.integers(min_value=0, max_value=6_000))
def test_supplement_only_for_children_with_their_own_claim(
    data: dict[str, Any], gross: int
) -> None:
    # § 72 Abs. 1 SGB II: without a granted § 28 benefit (never set here), the 25 €
    # supplement goes only to a child in the unit with Bürgergeld of its own; so a
    # household whose income covers its need gets 0 € in total.
    data["members"][0]["gross_earnings_m"] = gross
    data["members"][0]["net_earnings_m"] = gross * 7 // 10
    result: Any = calculate(data)
    for member in result["members"]:
        if Decimal(member["immediate_supplement"]) > 0:
            assert member["role"] == "child"
            assert member["in_unit"] is True
            assert Decimal(member["benefit"]) > 0
    if result["no_claim_reason"] is not None:
        assert result["claim_m"] == "0.00"
    else:
        assert Decimal(result["claim_m"]) > 0


@settings(max_examples=200, deadline=None)
@given(households())
def test_granted_education_benefit_never_lowers_the_claim(data: dict[str, Any]) -> None:
    # A granted § 28 benefit can only add the supplement, never take anything away.
    before = claim(data)
    for member in data["members"]:
        if member["role"] == "child":
            member["education_participation_granted"] = True
    assert claim(data) >= before

"""Computation of the monthly Bürgergeld claim (SGB II) for one household.

Order of the steps, each following the law:

1. Housing and heating (§ 22): actual costs during the one-year grace
   period, afterwards at most the total reasonableness limit; split per head
   among everybody living in the household (Kopfteilprinzip).
2. Needs per person: standard need by Regelbedarfsstufe (§§ 20, 23),
   additional needs (§ 21) and the housing share.
3. Income per person after allowances (§§ 11, 11b, § 6 Bürgergeld-V).
4. Benefit unit (§ 7 Abs. 3): children under 25 whose own income covers
   their own need leave it; child benefit they do not need counts as income
   of the parent (§ 11 Abs. 1 S. 5).
5. Assets (§ 12): above the protected amount there is no claim at all.
6. Distribution (§ 9 Abs. 2): a child's income covers only the child's
   need; the partners' income covers the rest of the unit, and the unmet
   need is shared out in proportion to each person's remaining need
   (horizontal method, § 9 Abs. 2 S. 3).
7. Children's immediate supplement (§ 72).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .household import CHILD, PARTNER, Household, Member, default_child_benefit
from .money import ZERO, cents
from .rules import LegalState

# Kinds of additional needs, in the order of § 21 SGB II.
PREGNANCY = "pregnancy"
SINGLE_PARENT = "single_parent"
DISABILITY = "disability"
DIET = "diet"
CAP = "cap_21_8"
HOT_WATER = "hot_water"

NO_CLAIM_ASSETS = "assets"
NO_CLAIM_INCOME = "income"

LEFT_OWN_INCOME = "own_income"
LEFT_AGE = "age"

SUPPLEMENT_CLAIM = "claim"
SUPPLEMENT_CHILD_BENEFIT_ONLY = "child_benefit_only"


@dataclass(frozen=True, slots=True)
class NeedItem:
    """One additional need (or the § 21 Abs. 8 cap as a negative line)."""

    kind: str
    amount: Decimal
    rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BandPart:
    """The part of gross pay in one allowance band and the allowance it yields."""

    lower: Decimal
    upper: Decimal
    rate: Decimal
    base: Decimal
    allowance: Decimal


@dataclass(frozen=True, slots=True)
class Earned:
    """Earned income and its allowances (§ 11b Abs. 2, 2b, 3)."""

    gross: Decimal
    net: Decimal
    basic_allowance: Decimal
    youth: bool
    bands: tuple[BandPart, ...]
    allowance: Decimal
    counted: Decimal


@dataclass(frozen=True, slots=True)
class IncomeItem:
    """One kind of other (non-earned) income."""

    kind: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Income:
    """A person's income as counted for Bürgergeld."""

    earned: Earned | None
    items: tuple[IncomeItem, ...]
    lump_sum: Decimal
    child_benefit: Decimal
    total: Decimal


@dataclass(slots=True)
class Person:
    """Needs, income and claim of one household member."""

    member: Member
    level: int | None
    standard_need: Decimal
    additional: tuple[NeedItem, ...]
    housing_share: Decimal
    income: Income
    in_unit: bool = True
    left_reason: str | None = None
    surplus_child_benefit: Decimal = ZERO
    claim: Decimal = ZERO
    claim_living: Decimal = ZERO
    claim_housing: Decimal = ZERO
    supplement: Decimal = ZERO
    supplement_reason: str | None = None
    living_need: Decimal = field(init=False)
    total_need: Decimal = field(init=False)

    def __post_init__(self) -> None:
        # Living need: standard plus additional needs (§§ 20, 21, 23); total
        # need adds the housing share (§ 22).  Both are fixed once created.
        self.living_need = self.standard_need + sum((i.amount for i in self.additional), ZERO)
        self.total_need = self.living_need + self.housing_share


@dataclass(slots=True)
class Result:
    """Everything computed for one household and month."""

    household: Household
    state: LegalState
    housing_actual: Decimal
    housing_recognized: Decimal
    housing_share: Decimal
    people: list[Person]
    wealth_total: Decimal = ZERO
    wealth_limit: Decimal = ZERO
    unit_need: Decimal = ZERO
    unit_income: Decimal = ZERO
    unmet: Decimal = ZERO
    no_claim: str | None = None
    claim_total: Decimal = field(default=ZERO)

    @property
    def unit(self) -> list[Person]:
        """The members of the benefit unit."""
        return [p for p in self.people if p.in_unit]


def _level(member: Member, has_partner: bool, state: LegalState) -> int | None:
    if member.role == CHILD:
        for max_age, level in state.child_levels:
            if member.age <= max_age:
                return level
        return None
    return 2 if has_partner or member.role == PARTNER else 1


def _single_parent_rate(minor_ages: list[int], state: LegalState) -> Decimal:
    young = sum(age < state.sp_young_child_age for age in minor_ages)
    several = sum(age < state.sp_several_children_age for age in minor_ages)
    # § 21 Abs. 3: the higher of the two ways of computing, capped.
    base = (
        state.sp_base_rate
        if young >= 1 or (state.sp_several_children_min <= several <= state.sp_several_children_max)
        else ZERO
    )
    per_child = state.sp_per_child_rate * len(minor_ages)
    return min(max(base, per_child), state.sp_max_rate)


def _additional(
    member: Member,
    level: int,
    standard: Decimal,
    *,
    household: Household,
    minor_ages: list[int],
    state: LegalState,
) -> tuple[NeedItem, ...]:
    items: list[NeedItem] = []
    week = member.pregnant_week
    if week is not None and week >= state.pregnancy_from_week:
        items.append(
            NeedItem(PREGNANCY, cents(standard * state.pregnancy_rate), state.pregnancy_rate)
        )
    if member.index == 0 and household.single_parent and minor_ages:
        rate = _single_parent_rate(minor_ages, state)
        items.append(NeedItem(SINGLE_PARENT, cents(state.standard_needs[1] * rate), rate))
    if member.disability:
        items.append(
            NeedItem(DISABILITY, cents(standard * state.disability_rate), state.disability_rate)
        )
    if member.diet > 0:
        items.append(NeedItem(DIET, member.diet))
    capped = sum((i.amount for i in items), ZERO)
    if capped > standard:
        # § 21 Abs. 8: needs under Abs. 2 to 5 together at most the standard need.
        items.append(NeedItem(CAP, standard - capped))
    if household.decentral_hot_water:
        rate = state.hot_water_rates[level]
        items.append(NeedItem(HOT_WATER, cents(standard * rate), rate))
    return tuple(items)


def _earned(member: Member, minor_in_household: bool, state: LegalState) -> Earned | None:
    gross, net = member.gross_earnings, member.net_earnings
    if gross == 0:
        return None
    youth = (
        state.youth_allowance is not None
        and member.in_education
        and member.age < state.youth_age_limit
    )
    basic = (
        state.youth_allowance
        if youth and state.youth_allowance is not None
        else state.basic_allowance
    )
    parts: list[BandPart] = []
    for band in state.bands:
        if youth and band.skip_in_youth_case:
            continue
        upper = band.upper
        # The higher cap is for those who live with, or have, a minor child.
        if band.upper_with_minor_child is not None and minor_in_household and member.role != CHILD:
            upper = band.upper_with_minor_child
        base = max(ZERO, min(gross, upper) - band.lower)
        if base > 0:
            parts.append(BandPart(band.lower, upper, band.rate, base, cents(base * band.rate)))
    allowance = basic + sum((p.allowance for p in parts), ZERO)
    return Earned(gross, net, basic, youth, tuple(parts), allowance, max(ZERO, net - allowance))


def _income(
    member: Member,
    child_benefit: Decimal,
    surplus: Decimal,
    minor_in_household: bool,
    state: LegalState,
) -> Income:
    earned = _earned(member, minor_in_household, state)
    candidates = (
        ("unemployment_benefit", member.unemployment_benefit),
        ("child_benefit", child_benefit),
        ("child_benefit_surplus", surplus),
        ("child_support", member.child_support),
        ("advance_maintenance", member.advance_maintenance),
        ("other_income", member.other_income),
    )
    items = tuple(IncomeItem(kind, amount) for kind, amount in candidates if amount > 0)
    other = sum((i.amount for i in items), ZERO)
    lump = ZERO
    # The 100 € basic allowance on earnings already replaces the insurance
    # lump sum (§ 11b Abs. 2 S. 1), so it is only taken without earnings.
    if earned is None and member.age >= state.lump_sum_min_age:
        lump = min(state.lump_sum, other)
    total = (earned.counted if earned else ZERO) + other - lump
    return Income(earned, items, lump, child_benefit, total)


def _core(household: Household, state: LegalState, no_child_benefit_for: int | None) -> Result:
    members = household.members
    actual = household.rent + household.heating
    recognized = actual
    if not household.in_grace_period and household.housing_limit is not None:
        recognized = min(actual, household.housing_limit)
    # Every person gets the same rounded share; see the module docstring of
    # the package on why the shares may differ from the total by a cent.
    share = cents(recognized / len(members))
    has_partner = any(m.role == PARTNER for m in members)
    minor_ages = [m.age for m in members if m.role == CHILD and m.age < state.minor_age]
    minor = bool(minor_ages)

    people: list[Person] = []
    for member in members:
        level = _level(member, has_partner, state)
        standard = ZERO if level is None else state.standard_needs[level]
        additional = (
            ()
            if level is None
            else _additional(
                member, level, standard, household=household, minor_ages=minor_ages, state=state
            )
        )
        benefit = (
            ZERO
            if member.index == no_child_benefit_for
            else default_child_benefit(
                member,
                state.child_benefit_age_limit,
                state.child_benefit_education_age_limit,
                state.child_benefit_amount,
            )
        )
        people.append(
            Person(
                member,
                level,
                standard,
                additional,
                share,
                _income(member, benefit, ZERO, minor, state),
            )
        )

    surplus = ZERO
    for person in people:
        if person.member.role != CHILD:
            continue
        if person.level is None:
            person.in_unit, person.left_reason = False, LEFT_AGE
        elif person.income.total >= person.total_need:
            person.in_unit, person.left_reason = False, LEFT_OWN_INCOME
            person.surplus_child_benefit = min(
                person.income.child_benefit, person.income.total - person.total_need
            )
            surplus += person.surplus_child_benefit
    if surplus > 0:
        # The applicant is taken to be the one who receives the child benefit.
        head = people[0]
        head.income = _income(head.member, head.income.child_benefit, surplus, minor, state)

    result = Result(household, state, actual, recognized, share, people)
    unit = result.unit
    result.wealth_total = sum((p.member.wealth for p in unit), ZERO)
    result.wealth_limit = (
        state.assets_grace_first + state.assets_grace_further * (len(unit) - 1)
        if household.in_grace_period
        else state.assets_per_person * len(unit)
    )
    if result.wealth_total > result.wealth_limit:
        result.no_claim = NO_CLAIM_ASSETS
        return result

    # § 9 Abs. 2 S. 2: a child's income is used only for the child itself.
    remaining = {
        p.member.index: p.total_need - (p.income.total if p.member.role == CHILD else ZERO)
        for p in unit
    }
    result.unit_need = sum(remaining.values(), ZERO)
    result.unit_income = sum((p.income.total for p in unit if p.member.role != CHILD), ZERO)
    if result.unit_income >= result.unit_need:
        result.no_claim = NO_CLAIM_INCOME
        return result
    result.unmet = result.unit_need - result.unit_income
    for person in unit:
        person.claim = cents(result.unmet * remaining[person.member.index] / result.unit_need)
        # § 19 Abs. 3: income covers the living needs first, housing last.
        covered = person.total_need - person.claim
        person.claim_living = max(ZERO, person.living_need - covered)
        person.claim_housing = person.claim - person.claim_living
    return result


def compute(household: Household, state: LegalState) -> Result:
    """Compute the claim of ``household`` under ``state``."""
    result = _core(household, state, None)
    if result.no_claim != NO_CLAIM_ASSETS:
        for person in result.people:
            if person.level not in state.supplement_levels or person.member.role != CHILD:
                continue
            if person.in_unit and person.claim > 0:
                person.supplement, person.supplement_reason = (
                    state.supplement_amount,
                    SUPPLEMENT_CLAIM,
                )
            elif person.income.child_benefit > 0:
                # § 72 Abs. 1 S. 2 Nr. 2: also for children without a claim only
                # because their child benefit was counted.
                again = _core(household, state, person.member.index)
                twin = again.people[person.member.index]
                if twin.in_unit and twin.claim > 0:
                    person.supplement, person.supplement_reason = (
                        state.supplement_amount,
                        SUPPLEMENT_CHILD_BENEFIT_ONLY,
                    )
    result.claim_total = sum((p.claim + p.supplement for p in result.people), ZERO)
    return result

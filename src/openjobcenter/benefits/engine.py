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
7. Children's immediate supplement (§ 72): only for children who are
   themselves entitled to Bürgergeld, or who receive a granted education-and-
   participation benefit (§ 28).  A child whose family's income covers the
   unit's need has no claim of its own, so there is no supplement either.
"""

from __future__ import annotations

from dataclasses import dataclass
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

# Kinds of other income, in the order the result lists them.
INCOME_KINDS = (
    "unemployment_benefit",
    "child_benefit",
    "child_benefit_surplus",
    "child_support",
    "advance_maintenance",
    "other_income",
)

SUPPLEMENT_CLAIM = "claim"
SUPPLEMENT_EDUCATION = "education_participation"

# min() and max() of two Decimals are written out as conditional expressions
# (``b if b < a else a`` is ``min(a, b)``, ties included): the built-ins cost
# about three times as much, and they run many times per calculation.

# The parts of a result are never changed once created, but the classes are
# not ``frozen``: a frozen dataclass sets every field through
# ``object.__setattr__``, and with several of them per person that was a
# good part of the computation.  (Named tuples are cheap to create but slow
# to read.)


@dataclass(slots=True)
class NeedItem:
    """One additional need (or the § 21 Abs. 8 cap as a negative line)."""

    kind: str
    amount: Decimal
    rate: Decimal | None = None


@dataclass(slots=True)
class BandPart:
    """The part of gross pay in one allowance band and the allowance it yields."""

    lower: Decimal
    upper: Decimal
    rate: Decimal
    base: Decimal
    allowance: Decimal


@dataclass(slots=True)
class Earned:
    """Earned income and its allowances (§ 11b Abs. 2, 2b, 3)."""

    gross: Decimal
    net: Decimal
    basic_allowance: Decimal
    youth: bool
    bands: tuple[BandPart, ...]
    allowance: Decimal
    counted: Decimal


@dataclass(slots=True)
class IncomeItem:
    """One kind of other (non-earned) income."""

    kind: str
    amount: Decimal


@dataclass(slots=True)
class Income:
    """A person's income as counted for Bürgergeld."""

    earned: Earned | None
    items: tuple[IncomeItem, ...]
    lump_sum: Decimal
    child_benefit: Decimal
    total: Decimal


@dataclass(slots=True)
class Person:
    """Needs, income and claim of one household member.

    ``living_need`` is the standard plus the additional needs (§§ 20, 21,
    23), ``total_need`` adds the housing share (§ 22); both are set in ``_core``.
    """

    member: Member
    level: int | None
    standard_need: Decimal
    additional: tuple[NeedItem, ...]
    housing_share: Decimal
    income: Income
    living_need: Decimal
    total_need: Decimal
    in_unit: bool = True
    left_reason: str | None = None
    surplus_child_benefit: Decimal = ZERO
    claim: Decimal = ZERO
    claim_living: Decimal = ZERO
    claim_housing: Decimal = ZERO
    supplement: Decimal = ZERO
    supplement_reason: str | None = None


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
    claim_total: Decimal = ZERO

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
    higher = per_child if per_child > base else base
    return state.sp_max_rate if state.sp_max_rate < higher else higher


def _additional(
    member: Member,
    level: int,
    standard: Decimal,
    household: Household,
    minor_ages: list[int],
    state: LegalState,
) -> tuple[NeedItem, ...]:
    week = member.pregnant_week
    items: list[NeedItem] = []
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
    if member.diet > ZERO:
        items.append(NeedItem(DIET, member.diet))
    capped = ZERO
    for item in items:
        capped += item.amount
    if capped > standard:
        # § 21 Abs. 8: needs under Abs. 2 to 5 together at most the standard need.
        items.append(NeedItem(CAP, standard - capped))
    if household.decentral_hot_water:
        rate = state.hot_water_rates[level]
        items.append(NeedItem(HOT_WATER, cents(standard * rate), rate))
    return tuple(items)


def _earned(member: Member, minor_in_household: bool, state: LegalState) -> Earned | None:
    gross, net = member.gross_earnings, member.net_earnings
    if not gross:
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
        # The part of gross pay in the band (none if gross is below the band).
        base = (upper if upper < gross else gross) - band.lower
        if base > ZERO:
            parts.append(BandPart(band.lower, upper, band.rate, base, cents(base * band.rate)))
    extra = ZERO
    for part in parts:
        extra += part.allowance
    allowance = basic + extra
    counted = net - allowance
    if not counted > ZERO:
        counted = ZERO
    return Earned(gross, net, basic, youth, tuple(parts), allowance, counted)


def _income(
    member: Member,
    child_benefit: Decimal,
    surplus: Decimal,
    minor_in_household: bool,
    state: LegalState,
) -> Income:
    if not (
        member.gross_earnings
        or child_benefit
        or surplus
        or member.unemployment_benefit
        or member.child_support
        or member.advance_maintenance
        or member.other_income
    ):
        # No income at all (most partners and many children): the general
        # code below would give exactly this, only slower.
        return Income(None, (), ZERO, child_benefit, ZERO)
    earned = _earned(member, minor_in_household, state) if member.gross_earnings else None
    candidates = (
        member.unemployment_benefit,
        child_benefit,
        surplus,
        member.child_support,
        member.advance_maintenance,
        member.other_income,
    )
    items: list[IncomeItem] = []
    other = ZERO
    for kind, amount in zip(INCOME_KINDS, candidates, strict=True):
        # The cheap test for zero first: most of these amounts are zero.
        if amount and amount > ZERO:
            items.append(IncomeItem(kind, amount))
            other += amount
    lump = ZERO
    # The 100 € basic allowance on earnings already replaces the insurance
    # lump sum (§ 11b Abs. 2 S. 1), so it is only taken without earnings.
    if earned is None and member.age >= state.lump_sum_min_age:
        lump = other if other < state.lump_sum else state.lump_sum
    total = (ZERO if earned is None else earned.counted) + other - lump
    return Income(earned, tuple(items), lump, child_benefit, total)


def _leave_unit(people: list[Person]) -> Decimal:
    """Take children out of the unit who are 25 or whose income covers their need.

    Returns the child benefit those children do not need (§ 11 Abs. 1 S. 5).
    """
    surplus = ZERO
    for person in people:
        if person.member.role != CHILD:
            continue
        if person.level is None:
            person.in_unit, person.left_reason = False, LEFT_AGE
        elif person.income.total >= person.total_need:
            person.in_unit, person.left_reason = False, LEFT_OWN_INCOME
            over = person.income.total - person.total_need
            benefit = person.income.child_benefit
            person.surplus_child_benefit = over if over < benefit else benefit
            surplus += person.surplus_child_benefit
    return surplus


def _core(household: Household, state: LegalState) -> Result:
    members = household.members
    actual = household.rent + household.heating
    recognized = actual
    if not household.in_grace_period and household.housing_limit is not None:
        limit = household.housing_limit
        recognized = limit if limit < actual else actual
    # Every person gets the same rounded share; see the module docstring of
    # the package on why the shares may differ from the total by a cent.
    share = cents(recognized / len(members))
    has_partner = False
    minor_ages: list[int] = []
    for member in members:
        if member.role == PARTNER:
            has_partner = True
        elif member.role == CHILD and member.age < state.minor_age:
            minor_ages.append(member.age)
    minor = bool(minor_ages)

    # Household-wide reasons for additional needs; see the loop below.
    any_additional = household.single_parent or household.decentral_hot_water
    people: list[Person] = []
    for member in members:
        level = _level(member, has_partner, state)
        extra = ZERO
        additional: tuple[NeedItem, ...] = ()
        if level is None:
            standard = ZERO
        else:
            standard = state.standard_needs[level]
            # Most people have no additional need: the call is skipped then.
            if (
                any_additional
                or member.pregnant_week is not None
                or member.disability
                or member.diet
            ):
                additional = _additional(member, level, standard, household, minor_ages, state)
                for item in additional:
                    extra += item.amount
        benefit = default_child_benefit(
            member,
            state.child_benefit_age_limit,
            state.child_benefit_education_age_limit,
            state.child_benefit_amount,
        )
        income = _income(member, benefit, ZERO, minor, state)
        # Living need: standard plus additional needs; total need: plus housing.
        living = standard + extra
        people.append(
            Person(member, level, standard, additional, share, income, living, living + share)
        )

    surplus = _leave_unit(people)
    if surplus > ZERO:
        # The applicant is taken to be the one who receives the child benefit.
        head = people[0]
        head.income = _income(head.member, head.income.child_benefit, surplus, minor, state)

    result = Result(household, state, actual, recognized, share, people)
    unit = [p for p in people if p.in_unit]
    wealth = ZERO
    for person in unit:
        wealth += person.member.wealth
    result.wealth_total = wealth
    result.wealth_limit = (
        state.assets_grace_first + state.assets_grace_further * (len(unit) - 1)
        if household.in_grace_period
        else state.assets_per_person * len(unit)
    )
    if result.wealth_total > result.wealth_limit:
        result.no_claim = NO_CLAIM_ASSETS
        return result
    _share_out(result, unit)
    return result


def _share_out(result: Result, unit: list[Person]) -> None:
    """Set the claims: the unmet need shared in proportion to the needs (§ 9 Abs. 2)."""
    # § 9 Abs. 2 S. 2: a child's income is used only for the child itself.
    remaining: list[Decimal] = []
    need = income = ZERO
    for person in unit:
        if person.member.role == CHILD:
            remaining.append(person.total_need - person.income.total)
        else:
            remaining.append(person.total_need)
            income += person.income.total
        need += remaining[-1]
    result.unit_need, result.unit_income = need, income
    if income >= need:
        result.no_claim = NO_CLAIM_INCOME
        return
    unmet = result.unmet = need - income
    for person, rest in zip(unit, remaining, strict=True):
        person.claim = cents(unmet * rest / need)
        # § 19 Abs. 3: income covers the living needs first, housing last.
        covered = person.total_need - person.claim
        living = person.living_need - covered
        person.claim_living = living if living > ZERO else ZERO
        person.claim_housing = person.claim - person.claim_living


def compute(household: Household, state: LegalState) -> Result:
    """Compute the claim of ``household`` under ``state``."""
    result = _core(household, state)
    if result.no_claim != NO_CLAIM_ASSETS:
        for person in result.people:
            if person.level not in state.supplement_levels or person.member.role != CHILD:
                continue
            if person.in_unit and person.claim > ZERO:
                person.supplement, person.supplement_reason = (
                    state.supplement_amount,
                    SUPPLEMENT_CLAIM,
                )
            elif person.member.education_participation:
                # § 72 Abs. 1 SGB II: a child without its own Bürgergeld gets the
                # supplement only beside a granted education-and-participation
                # benefit; being short of a claim only by the child benefit is not
                # enough (the supplement is not paid to prevent need).
                person.supplement, person.supplement_reason = (
                    state.supplement_amount,
                    SUPPLEMENT_EDUCATION,
                )
    total = ZERO
    for person in result.people:
        total += person.claim + person.supplement
    result.claim_total = total
    return result

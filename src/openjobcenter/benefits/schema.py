"""Typed shape of the result returned by :func:`openjobcenter.benefits.calculate`.

All amounts are strings with exactly two decimals (``"563.00"``) so that
they survive JSON without binary float rounding; rates are decimal strings
(``"0.36"``).
"""

from __future__ import annotations

from typing import TypedDict


class Line(TypedDict):
    """One explanation line in German and English."""

    de: str
    en: str


class LegalStateInfo(TypedDict):
    """The legal state the calculation used."""

    valid_from: str
    title: str


class LeftReason(TypedDict):
    """Why a household member is not part of the benefit unit."""

    code: str
    de: str
    en: str


class LeftMember(TypedDict):
    """A household member outside the benefit unit."""

    id: str
    reason: LeftReason | None


class BenefitUnit(TypedDict):
    """The benefit unit (Bedarfsgemeinschaft) and who is not part of it."""

    members: list[str]
    left: list[LeftMember]


class HousingInfo(TypedDict):
    """Housing and heating costs: actual, recognised and per head."""

    actual: str
    recognized: str
    share_per_person: str
    persons: int


class AssetsInfo(TypedDict):
    """Assets of the benefit unit and the protected amount."""

    total: str
    limit: str


class AdditionalNeedInfo(TypedDict):
    """One additional need under § 21 SGB II (the § 21 Abs. 8 cap is negative)."""

    kind: str
    amount: str
    rate: str | None


BandInfo = TypedDict(
    "BandInfo",
    {
        "from": str,
        "to": str,
        "rate": str,
        "base": str,
        "allowance": str,
    },
)


class EarnedInfo(TypedDict):
    """Earned income and its allowances."""

    gross: str
    net: str
    basic_allowance: str
    youth_allowance_applied: bool
    bands: list[BandInfo]
    allowance: str
    counted: str


class OtherIncomeInfo(TypedDict):
    """One kind of non-earned income."""

    kind: str
    amount: str


class IncomeInfo(TypedDict):
    """Income counted after allowances, with its breakdown."""

    total: str
    earned: EarnedInfo | None
    other: list[OtherIncomeInfo]
    insurance_lump_sum: str


class MemberInfo(TypedDict):
    """Needs, income and claim of one household member."""

    id: str
    role: str
    age: int
    in_unit: bool
    left_unit_reason: LeftReason | None
    regelbedarfsstufe: int | None
    standard_need: str
    additional_needs: list[AdditionalNeedInfo]
    housing_share: str
    total_need: str
    income_counted: IncomeInfo
    child_benefit_surplus_to_parent: str
    benefit: str
    benefit_living: str
    benefit_housing: str
    immediate_supplement: str
    claim: str


class CalculationResult(TypedDict):
    """The complete result of one calculation."""

    date: str
    claim_m: str
    legal_state: LegalStateInfo
    benefit_units: list[BenefitUnit]
    housing: HousingInfo
    assets: AssetsInfo
    members: list[MemberInfo]
    no_claim_reason: str | None
    no_claim_reason_en: str | None
    explanation: list[Line]

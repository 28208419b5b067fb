"""One person's part of the result: the member dictionary and the explanation lines.

Both show the same amounts, so they are built in one pass and every amount
is formatted once (:func:`~.money.money` gives the machine, German and
English form together).  Formatting is most of the cost of a calculation,
and doing it once instead of twice per amount is what keeps a family's
calculation fast.  The household-level lines are in :mod:`.explain`.
"""

from __future__ import annotations

from .engine import (
    CAP,
    DIET,
    DISABILITY,
    HOT_WATER,
    LEFT_AGE,
    PREGNANCY,
    SINGLE_PARENT,
    SUPPLEMENT_EDUCATION,
    Earned,
    Person,
)
from .money import ZERO, Money, money, percent
from .schema import (
    AdditionalNeedInfo,
    BandInfo,
    EarnedInfo,
    LeftReason,
    Line,
    MemberInfo,
    OtherIncomeInfo,
)

NEED_LABELS: dict[str, tuple[str, str]] = {
    PREGNANCY: (
        "Mehrbedarf bei Schwangerschaft (§ 21 Abs. 2 SGB II)",
        "additional need in pregnancy (§ 21(2) SGB II)",
    ),
    SINGLE_PARENT: (
        ("Mehrbedarf für Alleinerziehende (§ 21 Abs. 3 SGB II, bezogen auf Regelbedarfsstufe 1)"),
        ("additional need of a single parent (§ 21(3) SGB II, based on standard need level 1)"),
    ),
    DISABILITY: (
        "Mehrbedarf wegen Behinderung (§ 21 Abs. 4 SGB II)",
        "additional need for disability (§ 21(4) SGB II)",
    ),
    DIET: (
        "Mehrbedarf für kostenaufwändige Ernährung (§ 21 Abs. 5 SGB II)",
        "additional need for a costly diet (§ 21(5) SGB II)",
    ),
    CAP: (
        (
            "Kürzung, weil die Mehrbedarfe nach § 21 Abs. 2 bis 5 zusammen den Regelbedarf "
            "nicht übersteigen dürfen (§ 21 Abs. 8 SGB II)"
        ),
        (
            "reduction, because additional needs under § 21(2)-(5) together must not exceed "
            "the standard need (§ 21(8) SGB II)"
        ),
    ),
    HOT_WATER: (
        "Mehrbedarf für dezentrale Warmwassererzeugung (§ 21 Abs. 7 SGB II)",
        "additional need for decentral hot water (§ 21(7) SGB II)",
    ),
}

INCOME_LABELS: dict[str, tuple[str, str]] = {
    "unemployment_benefit": ("Arbeitslosengeld", "unemployment benefit"),
    "child_benefit": (
        "Kindergeld (§ 11 Abs. 1 S. 5 SGB II)",
        "child benefit (§ 11(1) s. 5 SGB II)",
    ),
    "child_benefit_surplus": (
        "nicht benötigtes Kindergeld der Kinder (§ 11 Abs. 1 S. 5 SGB II)",
        "child benefit not needed by the children (§ 11(1) s. 5 SGB II)",
    ),
    "child_support": ("Unterhalt", "maintenance"),
    "advance_maintenance": ("Unterhaltsvorschuss", "advance maintenance"),
    "other_income": ("sonstiges Einkommen", "other income"),
}


def _upper_first(text: str) -> str:
    """The English labels start a sentence; ``str.capitalize`` would also lowercase
    the rest ("SGB II" -> "sgb ii"). Done once here instead of on every line."""
    return text[:1].upper() + text[1:]


_NEED_TEXTS = {kind: (de, _upper_first(en)) for kind, (de, en) in NEED_LABELS.items()}
_INCOME_TEXTS = {kind: (de, _upper_first(en)) for kind, (de, en) in INCOME_LABELS.items()}

# Legal basis of the basic allowance on earnings, by "youth allowance applied".
_BASIS_DE = ("§ 11b Abs. 2 SGB II", "§ 11b Abs. 2b SGB II, Schule/Ausbildung/Studium unter 25")
_BASIS_EN = ("§ 11b(2) SGB II", "§ 11b(2b) SGB II, school/training/studies under 25")

_AGE_DE = "25 Jahre oder älter: eigene Bedarfsgemeinschaft (§ 7 Abs. 3 Nr. 4 SGB II)"
_AGE_EN = "25 or older: separate benefit unit (§ 7(3) no. 4 SGB II)"
_OWN_INCOME_DE = "Eigenes Einkommen deckt den eigenen Bedarf (§ 7 Abs. 3 Nr. 4 SGB II)"
_OWN_INCOME_EN = "Own income covers own need (§ 7(3) no. 4 SGB II)"


class PersonLines:
    """The explanation lines of all people, collected in one pass.

    The needs and income of each person come in the order of the people;
    the lines on who left the benefit unit and on the claims come later in
    the explanation, so they are collected separately.
    """

    __slots__ = ("claims", "left", "needs")

    def __init__(self) -> None:
        self.needs: list[Line] = []
        self.left: list[Line] = []
        self.claims: list[Line] = []


def left_reason(person: Person) -> LeftReason | None:
    """Why ``person`` is not in the benefit unit (a new dictionary per use)."""
    if person.in_unit:
        return None
    if person.left_reason == LEFT_AGE:
        return {"code": "age_25_or_older", "de": _AGE_DE, "en": _AGE_EN}
    return {"code": "own_income_covers_need", "de": _OWN_INCOME_DE, "en": _OWN_INCOME_EN}


def _needs(
    person: Person, de: str, en: str, lines: list[Line], standard: Money, share: Money, total: Money
) -> list[AdditionalNeedInfo]:
    """Append the lines on the needs; return the additional needs for the result."""
    additional: list[AdditionalNeedInfo] = []
    if person.level is None:
        lines.append(
            {
                "de": f"{de} ist 25 Jahre oder älter und bildet eine eigene "
                "Bedarfsgemeinschaft (§ 7 Abs. 3 Nr. 4 SGB II); sie wird hier nur bei "
                "der Aufteilung der Wohnkosten mitgezählt.",
                "en": f"{_upper_first(en)} is 25 or older and forms a separate benefit unit "
                "(§ 7(3) no. 4 SGB II); they only count for splitting housing costs.",
            }
        )
        return additional
    level = person.level
    lines.append(
        {
            "de": f"Regelbedarf für {de} (Regelbedarfsstufe {level}): {standard.de}",
            "en": f"Standard need for {en} (level {level}): {standard.en}",
        }
    )
    for item in person.additional:
        label_de, label_en = _NEED_TEXTS[item.kind]
        amount = money(item.amount)
        if item.rate is None:
            additional.append({"kind": item.kind, "amount": amount.plain, "rate": None})
            lines.append(
                {
                    "de": f"{label_de} für {de}: {amount.de}",
                    "en": f"{label_en} for {en}: {amount.en}",
                }
            )
        else:
            rate = percent(item.rate)
            additional.append({"kind": item.kind, "amount": amount.plain, "rate": str(item.rate)})
            lines.append(
                {
                    "de": f"{label_de} für {de}, {rate.de}: {amount.de}",
                    "en": f"{label_en} for {en}, {rate.en}: {amount.en}",
                }
            )
    lines.append(
        {
            "de": f"Anteil an Unterkunft und Heizung für {de}: {share.de}; "
            f"Gesamtbedarf: {total.de}",
            "en": f"Share of housing and heating for {en}: {share.en}; total need: {total.en}",
        }
    )
    return additional


def _earned(earned: Earned, de: str, en: str, lines: list[Line]) -> EarnedInfo:
    """Append the line on earnings and allowances; return them for the result."""
    basis_de, basis_en = _BASIS_DE[earned.youth], _BASIS_EN[earned.youth]
    basic = money(earned.basic_allowance)
    parts_de = [f"Grundfreibetrag {basic.de} ({basis_de})"]
    parts_en = [f"basic allowance {basic.en} ({basis_en})"]
    bands: list[BandInfo] = []
    for band in earned.bands:
        rate, base = percent(band.rate), money(band.base)
        lower, upper, allowance = money(band.lower), money(band.upper), money(band.allowance)
        bands.append(
            {
                "from": lower.plain,
                "to": upper.plain,
                "rate": str(band.rate),
                "base": base.plain,
                "allowance": allowance.plain,
            }
        )
        parts_de.append(
            f"{rate.de} von {base.de} (Bruttoanteil {lower.de} bis {upper.de}) = {allowance.de}"
        )
        parts_en.append(
            f"{rate.en} of {base.en} (gross between {lower.en} and {upper.en}) = {allowance.en}"
        )
    gross, net = money(earned.gross), money(earned.net)
    total, counted = money(earned.allowance), money(earned.counted)
    lines.append(
        {
            "de": f"Erwerbseinkommen {de}: brutto {gross.de}, netto {net.de}; "
            f"Freibeträge {total.de} ({'; '.join(parts_de)}; § 11b Abs. 3 SGB II); "
            f"angerechnet: {counted.de}",
            "en": f"Earnings of {en}: gross {gross.en}, net {net.en}; "
            f"allowances {total.en} ({'; '.join(parts_en)}; § 11b(3) SGB II); "
            f"counted: {counted.en}",
        }
    )
    return {
        "gross": gross.plain,
        "net": net.plain,
        "basic_allowance": basic.plain,
        "youth_allowance_applied": earned.youth,
        "bands": bands,
        "allowance": total.plain,
        "counted": counted.plain,
    }


def _claims(person: Person, de: str, en: str, lines: list[Line]) -> tuple[str, str, str, str]:
    """Append the lines on the claim; return benefit, living, housing and supplement."""
    claim, supplement = money(person.claim), money(person.supplement)
    living, housing = money(person.claim_living), money(person.claim_housing)
    if person.claim > ZERO:
        lines.append(
            {
                "de": f"Bürgergeld für {de}: {claim.de} (Regel- und Mehrbedarfe "
                f"{living.de}, Unterkunft und Heizung {housing.de}, § 19 Abs. 3 SGB II)",
                "en": f"Bürgergeld for {en}: {claim.en} (standard and additional "
                f"needs {living.en}, housing and heating {housing.en}, § 19(3) SGB II)",
            }
        )
    if person.supplement > ZERO:
        if person.supplement_reason == SUPPLEMENT_EDUCATION:
            why_de = " (neben bewilligten Leistungen für Bildung und Teilhabe, § 28 SGB II)"
            why_en = " (beside granted education and participation benefits, § 28 SGB II)"
        else:
            why_de = why_en = ""
        lines.append(
            {
                "de": f"Kindersofortzuschlag für {de} (§ 72 SGB II): {supplement.de}{why_de}",
                "en": f"Children's immediate supplement for {en} (§ 72 SGB II): "
                f"{supplement.en}{why_en}",
            }
        )
    return claim.plain, living.plain, housing.plain, supplement.plain


def render(person: Person, head: str, lines: PersonLines) -> MemberInfo:
    """Return the result dictionary of ``person`` and add the person's explanation lines.

    ``head`` is the id of the applicant, who receives child benefit that a
    child leaving the benefit unit does not need.
    """
    member = person.member
    ident = member.id
    de, en = f"Person {ident}", f"person {ident}"
    needs = lines.needs
    standard, share = money(person.standard_need), money(person.housing_share)
    total = money(person.total_need)
    additional = _needs(person, de, en, needs, standard, share, total)

    income = person.income
    income_total = money(income.total)
    start = len(needs)
    earned = None if income.earned is None else _earned(income.earned, de, en, needs)
    other: list[OtherIncomeInfo] = []
    for item in income.items:
        label_de, label_en = _INCOME_TEXTS[item.kind]
        amount = money(item.amount)
        other.append({"kind": item.kind, "amount": amount.plain})
        needs.append(
            {"de": f"{label_de} {de}: {amount.de}", "en": f"{label_en} of {en}: {amount.en}"}
        )
    lump = money(income.lump_sum)
    if income.lump_sum > ZERO:
        needs.append(
            {
                "de": f"Versicherungspauschale {de} (§ 6 Abs. 1 Nr. 1 Bürgergeld-V): −{lump.de}",
                "en": f"Insurance lump sum for {en} (§ 6(1) no. 1 Bürgergeld-V): −{lump.en}",
            }
        )
    if len(needs) > start:
        needs.append(
            {
                "de": f"Anrechenbares Einkommen {de}: {income_total.de}",
                "en": f"Countable income of {en}: {income_total.en}",
            }
        )

    surplus = money(person.surplus_child_benefit)
    if not person.in_unit and person.left_reason != LEFT_AGE:
        lines.left.append(
            {
                "de": f"{de} gehört nicht zur Bedarfsgemeinschaft, weil ihr eigenes Einkommen "
                f"({income_total.de}) ihren Bedarf ({total.de}) deckt (§ 7 Abs. 3 Nr. 4 "
                f"SGB II); nicht benötigtes Kindergeld von {surplus.de} zählt als Einkommen "
                f"von Person {head} (§ 11 Abs. 1 S. 5 SGB II).",
                "en": f"{_upper_first(en)} is not part of the benefit unit because their own "
                f"income ({income_total.en}) covers their need ({total.en}) (§ 7(3) no. 4 "
                f"SGB II); child benefit of {surplus.en} they do not need counts as income of "
                f"person {head} (§ 11(1) s. 5 SGB II).",
            }
        )
    claim, living, housing, supplement = _claims(person, de, en, lines.claims)
    return {
        "id": ident,
        "role": member.role,
        "age": member.age,
        "in_unit": person.in_unit,
        "left_unit_reason": None if person.in_unit else left_reason(person),
        "regelbedarfsstufe": person.level,
        "standard_need": standard.plain,
        "additional_needs": additional,
        "housing_share": share.plain,
        "total_need": total.plain,
        "income_counted": {
            "total": income_total.plain,
            "earned": earned,
            "other": other,
            "insurance_lump_sum": lump.plain,
        },
        "child_benefit_surplus_to_parent": surplus.plain,
        "benefit": claim,
        "benefit_living": living,
        "benefit_housing": housing,
        "immediate_supplement": supplement,
        "claim": money(person.claim + person.supplement).plain,
    }

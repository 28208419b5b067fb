"""Plain-language explanation of a computed claim, one line per step, German and English."""

from __future__ import annotations

from decimal import Decimal

from .engine import (
    CAP,
    DIET,
    DISABILITY,
    HOT_WATER,
    LEFT_AGE,
    NO_CLAIM_ASSETS,
    PREGNANCY,
    SINGLE_PARENT,
    SUPPLEMENT_CHILD_BENEFIT_ONLY,
    Earned,
    Person,
    Result,
)
from .money import fmt_de, fmt_en, pct_de, pct_en
from .schema import Line

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


def _line(de: str, en: str) -> Line:
    return {"de": de, "en": en}


def _who(person: Person) -> tuple[str, str]:
    return f"Person {person.member.id}", f"person {person.member.id}"


def _needs(person: Person) -> list[Line]:
    de, en = _who(person)
    if person.level is None:
        return [
            _line(
                f"{de} ist 25 Jahre oder älter und bildet eine eigene "
                "Bedarfsgemeinschaft (§ 7 Abs. 3 Nr. 4 SGB II); sie wird hier nur bei "
                "der Aufteilung der Wohnkosten mitgezählt.",
                f"{en.capitalize()} is 25 or older and forms a separate benefit unit "
                "(§ 7(3) no. 4 SGB II); they only count for splitting housing costs.",
            )
        ]
    lines = [
        _line(
            f"Regelbedarf für {de} (Regelbedarfsstufe {person.level}): "
            f"{fmt_de(person.standard_need)}",
            f"Standard need for {en} (level {person.level}): {fmt_en(person.standard_need)}",
        )
    ]
    for item in person.additional:
        label_de, label_en = NEED_LABELS[item.kind]
        rate_de = f", {pct_de(item.rate)}" if item.rate is not None else ""
        rate_en = f", {pct_en(item.rate)}" if item.rate is not None else ""
        lines.append(
            _line(
                f"{label_de} für {de}{rate_de}: {fmt_de(item.amount)}",
                f"{label_en.capitalize()} for {en}{rate_en}: {fmt_en(item.amount)}",
            )
        )
    lines.append(
        _line(
            f"Anteil an Unterkunft und Heizung für {de}: {fmt_de(person.housing_share)}; "
            f"Gesamtbedarf: {fmt_de(person.total_need)}",
            f"Share of housing and heating for {en}: {fmt_en(person.housing_share)}; "
            f"total need: {fmt_en(person.total_need)}",
        )
    )
    return lines


def _earned(person: Person, earned: Earned) -> Line:
    de, en = _who(person)
    basis_de = (
        "§ 11b Abs. 2b SGB II, Schule/Ausbildung/Studium unter 25"
        if earned.youth
        else "§ 11b Abs. 2 SGB II"
    )
    basis_en = (
        "§ 11b(2b) SGB II, school/training/studies under 25" if earned.youth else "§ 11b(2) SGB II"
    )
    parts_de = [f"Grundfreibetrag {fmt_de(earned.basic_allowance)} ({basis_de})"]
    parts_en = [f"basic allowance {fmt_en(earned.basic_allowance)} ({basis_en})"]
    for band in earned.bands:
        parts_de.append(
            f"{pct_de(band.rate)} von {fmt_de(band.base)} (Bruttoanteil "
            f"{fmt_de(band.lower)} bis {fmt_de(band.upper)}) = "
            f"{fmt_de(band.allowance)}"
        )
        parts_en.append(
            f"{pct_en(band.rate)} of {fmt_en(band.base)} (gross between "
            f"{fmt_en(band.lower)} and {fmt_en(band.upper)}) = "
            f"{fmt_en(band.allowance)}"
        )
    return _line(
        f"Erwerbseinkommen {de}: brutto {fmt_de(earned.gross)}, netto {fmt_de(earned.net)}; "
        f"Freibeträge {fmt_de(earned.allowance)} ({'; '.join(parts_de)}; § 11b Abs. 3 SGB II); "
        f"angerechnet: {fmt_de(earned.counted)}",
        f"Earnings of {en}: gross {fmt_en(earned.gross)}, net {fmt_en(earned.net)}; "
        f"allowances {fmt_en(earned.allowance)} ({'; '.join(parts_en)}; § 11b(3) SGB II); "
        f"counted: {fmt_en(earned.counted)}",
    )


def _income(person: Person) -> list[Line]:
    de, en = _who(person)
    income = person.income
    lines: list[Line] = []
    if income.earned is not None:
        lines.append(_earned(person, income.earned))
    for item in income.items:
        label_de, label_en = INCOME_LABELS[item.kind]
        lines.append(
            _line(
                f"{label_de} {de}: {fmt_de(item.amount)}",
                f"{label_en.capitalize()} of {en}: {fmt_en(item.amount)}",
            )
        )
    if income.lump_sum > 0:
        lines.append(
            _line(
                f"Versicherungspauschale {de} (§ 6 Abs. 1 Nr. 1 Bürgergeld-V): "
                f"−{fmt_de(income.lump_sum)}",
                f"Insurance lump sum for {en} (§ 6(1) no. 1 Bürgergeld-V): "
                f"−{fmt_en(income.lump_sum)}",
            )
        )
    if lines:
        lines.append(
            _line(
                f"Anrechenbares Einkommen {de}: {fmt_de(income.total)}",
                f"Countable income of {en}: {fmt_en(income.total)}",
            )
        )
    return lines


def _housing(result: Result) -> Line:
    hh = result.household
    persons = len(result.people)
    basis_de = (
        "tatsächliche Kosten (Karenzzeit, § 22 Abs. 1 S. 2 SGB II)"
        if hh.in_grace_period
        else "tatsächliche Kosten (§ 22 Abs. 1 SGB II)"
    )
    basis_en = (
        "actual costs (grace period, § 22(1) s. 2 SGB II)"
        if hh.in_grace_period
        else "actual costs (§ 22(1) SGB II)"
    )
    if result.housing_recognized < result.housing_actual:
        basis_de = (
            f"begrenzt auf die Angemessenheitsgrenze von "
            f"{fmt_de(result.housing_recognized)} (§ 22 Abs. 10 SGB II)"
        )
        basis_en = (
            f"limited to the reasonableness limit of "
            f"{fmt_en(result.housing_recognized)} (§ 22(10) SGB II)"
        )
    return _line(
        f"Unterkunft und Heizung: Miete {fmt_de(hh.rent)} + Heizung {fmt_de(hh.heating)} = "
        f"{fmt_de(result.housing_actual)}; anerkannt: {fmt_de(result.housing_recognized)}, "
        f"{basis_de}; nach Kopfteilen auf {persons} Person(en) verteilt: je "
        f"{fmt_de(result.housing_share)}",
        f"Housing and heating: rent {fmt_en(hh.rent)} + heating {fmt_en(hh.heating)} = "
        f"{fmt_en(result.housing_actual)}; recognised: {fmt_en(result.housing_recognized)}, "
        f"{basis_en}; split per head among {persons} person(s): "
        f"{fmt_en(result.housing_share)} each",
    )


def _unit(result: Result) -> list[Line]:
    ids = ", ".join(p.member.id for p in result.unit)
    lines = [
        _line(
            f"Zur Bedarfsgemeinschaft (§ 7 Abs. 3 SGB II) gehören: {ids}",
            f"Members of the benefit unit (§ 7(3) SGB II): {ids}",
        )
    ]
    for person in result.people:
        if person.in_unit or person.left_reason == LEFT_AGE:
            continue
        de, en = _who(person)
        lines.append(
            _line(
                f"{de} gehört nicht zur Bedarfsgemeinschaft, weil ihr eigenes Einkommen "
                f"({fmt_de(person.income.total)}) ihren Bedarf ({fmt_de(person.total_need)}) "
                f"deckt (§ 7 Abs. 3 Nr. 4 SGB II); nicht benötigtes Kindergeld von "
                f"{fmt_de(person.surplus_child_benefit)} zählt als Einkommen von Person "
                f"{result.people[0].member.id} (§ 11 Abs. 1 S. 5 SGB II).",
                f"{en.capitalize()} is not part of the benefit unit because their own income "
                f"({fmt_en(person.income.total)}) covers their need ({fmt_en(person.total_need)}) "
                f"(§ 7(3) no. 4 SGB II); child benefit of {fmt_en(person.surplus_child_benefit)} "
                f"they do not need counts as income of person {result.people[0].member.id} "
                "(§ 11(1) s. 5 SGB II).",
            )
        )
    return lines


def no_claim_reason(result: Result) -> tuple[str, str] | None:
    """Return the German and English reason why there is no claim, if there is none."""
    if result.no_claim == NO_CLAIM_ASSETS:
        grace = (
            " (Karenzzeit, § 12 Abs. 4 SGB II)"
            if result.household.in_grace_period
            else " (§ 12 Abs. 2 SGB II)"
        )
        grace_en = (
            " (grace period, § 12(4) SGB II)"
            if result.household.in_grace_period
            else " (§ 12(2) SGB II)"
        )
        return (
            (
                f"Kein Anspruch: Das Vermögen der Bedarfsgemeinschaft "
                f"({fmt_de(result.wealth_total)}) übersteigt den Freibetrag von "
                f"{fmt_de(result.wealth_limit)}{grace}. Es ist zuerst zu verbrauchen."
            ),
            (
                f"No claim: the assets of the benefit unit ({fmt_en(result.wealth_total)}) "
                f"exceed the protected amount of {fmt_en(result.wealth_limit)}{grace_en}. "
                "They must be used first."
            ),
        )
    if result.claim_total == 0:
        return (
            (
                f"Kein Anspruch: Das anrechenbare Einkommen ({fmt_de(result.unit_income)}) "
                f"deckt den ungedeckten Bedarf der Bedarfsgemeinschaft "
                f"({fmt_de(result.unit_need)})."
            ),
            (
                f"No claim: the countable income ({fmt_en(result.unit_income)}) covers the "
                f"remaining need of the benefit unit ({fmt_en(result.unit_need)})."
            ),
        )
    return None


def _claims(result: Result) -> list[Line]:
    lines: list[Line] = []
    if result.unmet > 0:
        lines.append(
            _line(
                f"Bedarf der Bedarfsgemeinschaft nach Abzug des eigenen Einkommens der Kinder: "
                f"{fmt_de(result.unit_need)}; Einkommen der Erwachsenen: "
                f"{fmt_de(result.unit_income)}; ungedeckt: {fmt_de(result.unmet)}, verteilt im "
                "Verhältnis der Bedarfe (§ 9 Abs. 2 S. 3 SGB II)",
                f"Need of the benefit unit after the children's own income: "
                f"{fmt_en(result.unit_need)}; income of the adults: {fmt_en(result.unit_income)}; "
                f"unmet: {fmt_en(result.unmet)}, shared in proportion to the needs "
                "(§ 9(2) s. 3 SGB II)",
            )
        )
    for person in result.people:
        de, en = _who(person)
        if person.claim > 0:
            lines.append(
                _line(
                    f"Bürgergeld für {de}: {fmt_de(person.claim)} (Regel- und Mehrbedarfe "
                    f"{fmt_de(person.claim_living)}, Unterkunft und Heizung "
                    f"{fmt_de(person.claim_housing)}, § 19 Abs. 3 SGB II)",
                    f"Bürgergeld for {en}: {fmt_en(person.claim)} (standard and additional needs "
                    f"{fmt_en(person.claim_living)}, housing and heating "
                    f"{fmt_en(person.claim_housing)}, § 19(3) SGB II)",
                )
            )
        if person.supplement > 0:
            why_de = (
                " (kein Bürgergeld nur wegen des Kindergeldes, § 72 Abs. 1 S. 2 SGB II)"
                if person.supplement_reason == SUPPLEMENT_CHILD_BENEFIT_ONLY
                else ""
            )
            why_en = (
                " (no Bürgergeld only because of child benefit, § 72(1) s. 2 SGB II)"
                if person.supplement_reason == SUPPLEMENT_CHILD_BENEFIT_ONLY
                else ""
            )
            lines.append(
                _line(
                    f"Kindersofortzuschlag für {de} (§ 72 SGB II): {fmt_de(person.supplement)}"
                    f"{why_de}",
                    f"Children's immediate supplement for {en} (§ 72 SGB II): "
                    f"{fmt_en(person.supplement)}{why_en}",
                )
            )
    return lines


def explain(result: Result) -> list[Line]:
    """Return the explanation lines for ``result``."""
    state = result.state
    lines = [
        _line(
            f"Angewendet: {state.title}, gültig ab {state.valid_from:%d.%m.%Y}",
            f"Applied: {state.title}, valid from {state.valid_from.isoformat()}",
        ),
        _housing(result),
    ]
    for person in result.people:
        lines.extend(_needs(person))
        lines.extend(_income(person))
    lines.extend(_unit(result))
    lines.append(
        _line(
            f"Vermögen der Bedarfsgemeinschaft: {fmt_de(result.wealth_total)}, Freibetrag "
            f"{fmt_de(result.wealth_limit)} (§ 12 SGB II)",
            f"Assets of the benefit unit: {fmt_en(result.wealth_total)}, protected amount "
            f"{fmt_en(result.wealth_limit)} (§ 12 SGB II)",
        )
    )
    reason = no_claim_reason(result)
    if reason is not None:
        lines.append(_line(*reason))
    lines.extend(_claims(result))
    total: Decimal = result.claim_total
    lines.append(
        _line(
            f"Monatlicher Gesamtanspruch: {fmt_de(total)} (Beträge auf Cent kaufmännisch "
            "gerundet, § 41 Abs. 2 SGB II)",
            f"Total monthly claim: {fmt_en(total)} (amounts rounded half up to cents, "
            "§ 41(2) SGB II)",
        )
    )
    return lines

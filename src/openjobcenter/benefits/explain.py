"""Plain-language explanation of a computed claim, one line per step, German and English.

The lines on each person (needs, income, claims) are written together with
the person's part of the result in :mod:`.members`; this module adds the
lines on the whole household and puts everything in order.  Amounts come
from :func:`~.money.money`, formatted once per calculation: formatting is
most of the work of a calculation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .engine import NO_CLAIM_ASSETS, Result
from .members import PersonLines, render
from .money import ZERO, Money, money
from .rules import LegalState
from .schema import Line


@dataclass(slots=True)
class Totals:
    """The household's amounts that both the result and the explanation show."""

    housing_actual: Money
    housing_recognized: Money
    housing_share: Money
    wealth: Money
    wealth_limit: Money
    claim: Money


def totals(result: Result) -> Totals:
    """Format the household's amounts of ``result``."""
    return Totals(
        money(result.housing_actual),
        money(result.housing_recognized),
        money(result.housing_share),
        money(result.wealth_total),
        money(result.wealth_limit),
        money(result.claim_total),
    )


# The first line depends on the legal state only (a handful per process).
_APPLIED: dict[date, tuple[str, str]] = {}


def _applied(state: LegalState) -> Line:
    texts = _APPLIED.get(state.valid_from)
    if texts is None:
        texts = (
            f"Angewendet: {state.title}, gültig ab {state.valid_from:%d.%m.%Y}",
            f"Applied: {state.title}, valid from {state.valid_from.isoformat()}",
        )
        _APPLIED[state.valid_from] = texts
    return {"de": texts[0], "en": texts[1]}


def _housing(result: Result, amounts: Totals) -> Line:
    hh = result.household
    persons = len(result.people)
    recognized = amounts.housing_recognized
    if result.housing_recognized < result.housing_actual:
        basis_de = (
            f"begrenzt auf die Angemessenheitsgrenze von {recognized.de} (§ 22 Abs. 10 SGB II)"
        )
        basis_en = f"limited to the reasonableness limit of {recognized.en} (§ 22(10) SGB II)"
    elif hh.in_grace_period:
        basis_de = "tatsächliche Kosten (Karenzzeit, § 22 Abs. 1 S. 2 SGB II)"
        basis_en = "actual costs (grace period, § 22(1) s. 2 SGB II)"
    else:
        basis_de = "tatsächliche Kosten (§ 22 Abs. 1 SGB II)"
        basis_en = "actual costs (§ 22(1) SGB II)"
    rent, heating = money(hh.rent), money(hh.heating)
    actual, share = amounts.housing_actual, amounts.housing_share
    return {
        "de": f"Unterkunft und Heizung: Miete {rent.de} + Heizung {heating.de} = "
        f"{actual.de}; anerkannt: {recognized.de}, {basis_de}; nach Kopfteilen auf "
        f"{persons} Person(en) verteilt: je {share.de}",
        "en": f"Housing and heating: rent {rent.en} + heating {heating.en} = "
        f"{actual.en}; recognised: {recognized.en}, {basis_en}; split per head among "
        f"{persons} person(s): {share.en} each",
    }


def no_claim_reason(result: Result, amounts: Totals | None = None) -> tuple[str, str] | None:
    """Return the German and English reason why there is no claim, if there is none."""
    if result.no_claim == NO_CLAIM_ASSETS:
        if result.household.in_grace_period:
            grace_de = " (Karenzzeit, § 12 Abs. 4 SGB II)"
            grace_en = " (grace period, § 12(4) SGB II)"
        else:
            grace_de, grace_en = " (§ 12 Abs. 2 SGB II)", " (§ 12(2) SGB II)"
        amounts = amounts or totals(result)
        wealth, limit = amounts.wealth, amounts.wealth_limit
        return (
            (
                f"Kein Anspruch: Das Vermögen der Bedarfsgemeinschaft ({wealth.de}) übersteigt "
                f"den Freibetrag von {limit.de}{grace_de}. Es ist zuerst zu verbrauchen."
            ),
            (
                f"No claim: the assets of the benefit unit ({wealth.en}) exceed the protected "
                f"amount of {limit.en}{grace_en}. They must be used first."
            ),
        )
    if result.claim_total == ZERO:
        income, need = money(result.unit_income), money(result.unit_need)
        return (
            (
                f"Kein Anspruch: Das anrechenbare Einkommen ({income.de}) deckt den ungedeckten "
                f"Bedarf der Bedarfsgemeinschaft ({need.de})."
            ),
            (
                f"No claim: the countable income ({income.en}) covers the remaining need of the "
                f"benefit unit ({need.en})."
            ),
        )
    return None


def explanation(
    result: Result, amounts: Totals, reason: tuple[str, str] | None, people: PersonLines
) -> list[Line]:
    """Return all explanation lines, given the people's lines from :func:`.members.render`."""
    lines = [_applied(result.state), _housing(result, amounts)]
    lines.extend(people.needs)
    ids = ", ".join([p.member.id for p in result.people if p.in_unit])
    lines.append(
        {
            "de": f"Zur Bedarfsgemeinschaft (§ 7 Abs. 3 SGB II) gehören: {ids}",
            "en": f"Members of the benefit unit (§ 7(3) SGB II): {ids}",
        }
    )
    lines.extend(people.left)
    wealth, limit = amounts.wealth, amounts.wealth_limit
    lines.append(
        {
            "de": f"Vermögen der Bedarfsgemeinschaft: {wealth.de}, Freibetrag {limit.de} "
            "(§ 12 SGB II)",
            "en": f"Assets of the benefit unit: {wealth.en}, protected amount {limit.en} "
            "(§ 12 SGB II)",
        }
    )
    if reason is not None:
        lines.append({"de": reason[0], "en": reason[1]})
    if result.unmet > ZERO:
        need, income = money(result.unit_need), money(result.unit_income)
        unmet = money(result.unmet)
        lines.append(
            {
                "de": "Bedarf der Bedarfsgemeinschaft nach Abzug des eigenen Einkommens der "
                f"Kinder: {need.de}; Einkommen der Erwachsenen: {income.de}; ungedeckt: "
                f"{unmet.de}, verteilt im Verhältnis der Bedarfe (§ 9 Abs. 2 S. 3 SGB II)",
                "en": f"Need of the benefit unit after the children's own income: {need.en}; "
                f"income of the adults: {income.en}; unmet: {unmet.en}, shared in proportion "
                "to the needs (§ 9(2) s. 3 SGB II)",
            }
        )
    lines.extend(people.claims)
    total = amounts.claim
    lines.append(
        {
            "de": f"Monatlicher Gesamtanspruch: {total.de} (Beträge auf Cent kaufmännisch "
            "gerundet, § 41 Abs. 2 SGB II)",
            "en": f"Total monthly claim: {total.en} (amounts rounded half up to cents, "
            "§ 41(2) SGB II)",
        }
    )
    return lines


def explain(result: Result) -> list[Line]:
    """Return the explanation lines for ``result``."""
    amounts = totals(result)
    people = PersonLines()
    head = result.people[0].member.id
    for person in result.people:
        render(person, head, people)
    return explanation(result, amounts, no_claim_reason(result, amounts), people)

"""Validation of the input document and conversion into typed objects.

The same dictionary shape is accepted from the CLI, the API and Python
callers.  Anything not understood is refused with a
:class:`~openjobcenter.benefits.errors.CalculationError` naming the field:
silently ignoring a misspelt field would compute a wrong claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from .errors import CalculationError
from .money import ZERO, cents

ADULT: Final = "adult"
PARTNER: Final = "partner"
CHILD: Final = "child"
ROLES: Final = (ADULT, PARTNER, CHILD)

MAX_MEMBERS: Final = 30
_MAX_AMOUNT_INT: Final = 100_000_000
MAX_AMOUNT: Final = Decimal(_MAX_AMOUNT_INT)
MAX_AGE: Final = 120
MAX_PREGNANCY_WEEK: Final = 45

_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT_RE: Final = re.compile(r"-?\d+(\.\d+)?")

TOP_FIELDS: Final = frozenset(
    {
        "date",
        "rent_m",
        "heating_m",
        "in_grace_period",
        "housing_limit_m",
        "single_parent",
        "decentral_hot_water",
        "members",
    }
)
_MEMBER_AMOUNTS: Final = (
    "gross_earnings_m",
    "net_earnings_m",
    "unemployment_benefit_m",
    "other_income_m",
    "child_support_m",
    "advance_maintenance_m",
    "diet_additional_need_m",
    "wealth",
)
_AMOUNT_FIELDS: Final = frozenset(_MEMBER_AMOUNTS)
_NO_AMOUNTS: Final = (ZERO,) * len(_MEMBER_AMOUNTS)
MEMBER_FIELDS: Final = frozenset(
    {
        "id",
        "role",
        "age",
        "child_benefit_m",
        "in_education",
        "pregnant_week",
        "disability_additional_need",
        "education_participation_granted",
        *_MEMBER_AMOUNTS,
    }
)


# The validated input is never changed after parsing, but the classes are
# not ``frozen``: a frozen dataclass sets every field through
# ``object.__setattr__``, which made creating them a large part of the time
# of a calculation.  (Named tuples are cheap to create but slow to read.)
@dataclass(slots=True)
class Member:
    """One person living in the household (treat as read-only)."""

    index: int
    id: str
    role: str
    age: int
    gross_earnings: Decimal
    net_earnings: Decimal
    unemployment_benefit: Decimal
    other_income: Decimal
    child_support: Decimal
    advance_maintenance: Decimal
    child_benefit: Decimal | None
    in_education: bool
    pregnant_week: int | None
    disability: bool
    diet: Decimal
    wealth: Decimal
    # A granted education-and-participation benefit (§ 28 SGB II); only this makes a
    # child without its own Bürgergeld eligible for the § 72 supplement.
    education_participation: bool = False


@dataclass(slots=True)
class Household:
    """The validated input: one household in one month (treat as read-only)."""

    day: date
    rent: Decimal
    heating: Decimal
    in_grace_period: bool
    housing_limit: Decimal | None
    single_parent: bool
    decentral_hot_water: bool
    members: tuple[Member, ...]


def _err(field: str, de: str, en: str) -> CalculationError:
    return CalculationError(field, de, en)


def _amount(value: object, path: str, key: str) -> Decimal:
    """Validate an amount; the field name ``path + key`` is only built for an error."""
    if value == 0 and value is not False:
        # Most fields are absent and default to 0: the common case stays cheap.
        return ZERO
    if type(value) is int:
        # Whole euros, the usual form: no text round trip needed.
        if value < 0:
            raise _err(
                f"{path}{key}",
                "Der Betrag darf nicht negativ sein.",
                "The amount must not be negative.",
            )
        if value > _MAX_AMOUNT_INT:
            raise _err(
                f"{path}{key}",
                "Der Betrag ist unrealistisch hoch.",
                "The amount is implausibly high.",
            )
        # Adding 0.00 sets two decimals exactly, like ``cents`` but cheaper.
        return Decimal(value) + ZERO
    field = f"{path}{key}"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _err(
            field,
            "Bitte einen Geldbetrag als Zahl angeben.",
            "Please give an amount of money as a number.",
        )
    if isinstance(value, str) and not _AMOUNT_RE.fullmatch(value.strip()):
        raise _err(
            field,
            "Der Betrag ist keine gültige Zahl (Beispiel: 450.50).",
            "The amount is not a valid number (example: 450.50).",
        )
    try:
        # str() first: Decimal(0.1) would carry the binary float error along.
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:  # pragma: no cover - regex above rules this out
        raise _err(
            field, "Der Betrag ist keine gültige Zahl.", "The amount is not a valid number."
        ) from exc
    if not amount.is_finite():
        raise _err(
            field, "Der Betrag muss eine endliche Zahl sein.", "The amount must be a finite number."
        )
    if amount < 0:
        raise _err(field, "Der Betrag darf nicht negativ sein.", "The amount must not be negative.")
    if amount > MAX_AMOUNT:
        raise _err(field, "Der Betrag ist unrealistisch hoch.", "The amount is implausibly high.")
    return cents(amount)


def _optional_amount(data: dict[str, object], key: str, path: str) -> Decimal | None:
    value = data.get(key)
    return None if value is None else _amount(value, path, key)


def _bool(data: dict[str, object], key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _err(f"{path}{key}", "Bitte true oder false angeben.", "Please give true or false.")
    return value


def _int(value: object, path: str, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(f"{path}{key}", "Bitte eine ganze Zahl angeben.", "Please give a whole number.")
    if not low <= value <= high:
        raise _err(
            f"{path}{key}",
            f"Der Wert muss zwischen {low} und {high} liegen.",
            f"The value must be between {low} and {high}.",
        )
    return value


def _reject_unknown(data: dict[str, object], allowed: frozenset[str], path: str) -> None:
    if allowed.issuperset(data):
        return
    # Name the first unknown field in the order of the input.
    for key in data:
        if key not in allowed:
            raise _err(f"{path}{key}", f"Unbekanntes Feld „{key}“.", f"Unknown field '{key}'.")


# Valid dates seen before.  Nearly all calculations are for a few months,
# and the look-up saves the regular expression and ``fromisoformat``.
_DAYS: dict[str, date] = {}


def _parse_date(value: object) -> date:
    if isinstance(value, str):
        day = _DAYS.get(value)
        if day is not None:
            return day
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise _err(
            "date",
            "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
            "Please give a date in the format YYYY-MM-DD.",
        )
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise _err("date", "Dieses Datum gibt es nicht.", "This date does not exist.") from exc
    if len(_DAYS) >= 4096:
        _DAYS.clear()
    _DAYS[value] = day
    return day


def _parse_member(raw: object, index: int) -> Member:
    path = f"members[{index}]."
    if not isinstance(raw, dict):
        raise _err(
            f"members[{index}]",
            "Jede Person muss ein Objekt sein.",
            "Each person must be an object.",
        )
    data: dict[str, object] = raw
    _reject_unknown(data, MEMBER_FIELDS, path)
    ident = data.get("id")
    if not isinstance(ident, str) or not ident.strip() or len(ident) > 64:
        raise _err(
            f"{path}id",
            "Bitte eine Kennung (Text, höchstens 64 Zeichen) angeben.",
            "Please give an identifier (text, at most 64 characters).",
        )
    role = data.get("role")
    if role not in ROLES:
        raise _err(
            f"{path}role",
            "Die Rolle muss „adult“, „partner“ oder „child“ sein.",
            "The role must be 'adult', 'partner' or 'child'.",
        )
    if "age" not in data:
        raise _err(f"{path}age", "Bitte das Alter angeben.", "Please give the age.")
    age = data["age"]
    if type(age) is not int or not 0 <= age <= MAX_AGE:
        age = _int(age, path, "age", 0, MAX_AGE)
    # Only the amounts present are validated (in a fixed order, so that the
    # error reported first does not depend on the order of the input).
    amounts: tuple[Decimal, ...] | list[Decimal] = _NO_AMOUNTS
    if not _AMOUNT_FIELDS.isdisjoint(data):
        amounts = [
            _amount(data[key], path, key) if key in data else ZERO for key in _MEMBER_AMOUNTS
        ]
    gross, net, unemployment, other, support, advance, diet, wealth = amounts
    week = data.get("pregnant_week")
    if week is not None:
        week = _int(week, path, "pregnant_week", 1, MAX_PREGNANCY_WEEK)
    benefit = data.get("child_benefit_m")
    if benefit is not None:
        benefit = _amount(benefit, path, "child_benefit_m")
    # The checks of _bool, inline: this runs for every person.
    education = data.get("in_education", False)
    if not isinstance(education, bool):
        education = _bool(data, "in_education", path)
    disability = data.get("disability_additional_need", False)
    if not isinstance(disability, bool):
        disability = _bool(data, "disability_additional_need", path)
    participation = data.get("education_participation_granted", False)
    if not isinstance(participation, bool):
        participation = _bool(data, "education_participation_granted", path)
    if net and net > gross:  # ("net and": no comparison in the usual case of no earnings)
        raise _err(
            f"{path}net_earnings_m",
            "Das Nettoeinkommen darf nicht höher sein als das Bruttoeinkommen "
            "(die Freibeträge werden vom Brutto berechnet).",
            "Net earnings must not exceed gross earnings (allowances are computed from gross pay).",
        )
    return Member(
        index,
        ident,
        str(role),
        age,
        gross,
        net,
        unemployment,
        other,
        support,
        advance,
        benefit,
        education,
        week,
        disability,
        diet,
        wealth,
        participation,
    )


def _check_member_rules(member: Member) -> None:
    if member.role != CHILD and member.age < 18:
        raise _err(
            f"members[{member.index}].age",
            "Antragsteller und Partner müssen volljährig sein; Minderjährige als "
            "Antragsteller oder Partner werden nicht unterstützt.",
            "Applicant and partner must be adults; minors as applicant or partner "
            "are not supported.",
        )


def check_disability_age(household: Household, disability_min_age: int) -> None:
    """Refuse the disability additional need below the age the law sets for it."""
    for member in household.members:
        if not member.disability or member.age >= disability_min_age:
            continue
        raise _err(
            f"members[{member.index}].disability_additional_need",
            f"Der Mehrbedarf nach § 21 Abs. 4 SGB II gilt erst ab {disability_min_age} Jahren.",
            f"The additional need under § 21(4) SGB II applies from age {disability_min_age} only.",
        )


def parse_household(data: object) -> Household:
    """Validate ``data`` and return a :class:`Household`.

    Raises :class:`CalculationError` for the first problem found.
    """
    if not isinstance(data, dict):
        raise _err("", "Die Eingabe muss ein JSON-Objekt sein.", "The input must be a JSON object.")
    doc: dict[str, object] = data
    _reject_unknown(doc, TOP_FIELDS, "")
    if "date" not in doc:
        raise _err(
            "date",
            "Bitte das Datum (Monat der Berechnung) angeben.",
            "Please give the date (month of the calculation).",
        )
    day = _parse_date(doc["date"])
    raw_members = doc.get("members")
    if not isinstance(raw_members, list) or not raw_members:
        raise _err(
            "members", "Bitte mindestens eine Person angeben.", "Please give at least one person."
        )
    if len(raw_members) > MAX_MEMBERS:
        raise _err(
            "members",
            f"Höchstens {MAX_MEMBERS} Personen je Haushalt.",
            f"At most {MAX_MEMBERS} people per household.",
        )
    members = tuple([_parse_member(raw, i) for i, raw in enumerate(raw_members)])
    if members[0].role != ADULT:
        raise _err(
            "members[0].role",
            "Die erste Person muss die antragstellende erwachsene Person (adult) sein.",
            "The first person must be the adult applicant ('adult').",
        )
    seen: set[str] = set()
    partners = 0
    for member in members:
        if member.id in seen:
            raise _err(
                f"members[{member.index}].id",
                "Diese Kennung ist doppelt vergeben.",
                "This identifier is used twice.",
            )
        seen.add(member.id)
        if member.index > 0 and member.role == ADULT:
            raise _err(
                f"members[{member.index}].role",
                "Nur die erste Person darf die Rolle „adult“ haben.",
                "Only the first person may have the role 'adult'.",
            )
        partners += member.role == PARTNER
        if partners > 1:
            raise _err(
                f"members[{member.index}].role",
                "Höchstens ein Partner ist möglich.",
                "At most one partner is possible.",
            )
        if member.age < 18:
            _check_member_rules(member)
    single_parent = _bool(doc, "single_parent", "")
    if single_parent and partners:
        raise _err(
            "single_parent",
            "Alleinerziehend und Partner im Haushalt schließen sich aus.",
            "Single parent and a partner in the household exclude each other.",
        )
    return Household(
        day,
        _amount(doc.get("rent_m", 0), "", "rent_m"),
        _amount(doc.get("heating_m", 0), "", "heating_m"),
        _bool(doc, "in_grace_period", ""),
        _optional_amount(doc, "housing_limit_m", ""),
        single_parent,
        _bool(doc, "decentral_hot_water", ""),
        members,
    )


def default_child_benefit(
    member: Member, age_limit: int, education_age_limit: int, amount: Decimal
) -> Decimal:
    """Return the child benefit to count when the input leaves it open (``null``)."""
    if member.child_benefit is not None:
        return member.child_benefit
    if member.role != CHILD:
        return ZERO
    if member.age < age_limit or (member.in_education and member.age < education_age_limit):
        return amount
    return ZERO

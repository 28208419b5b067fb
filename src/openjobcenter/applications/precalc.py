"""Pre-calculation for caseworkers (issue 4): a submitted application's answers mapped to
the Bürgergeld calculator's input (``openjobcenter.benefits.calculate``).

Recomputed on every view from the frozen submitted data, the job centre's housing limit
(``calculator.HousingLimit``) and the caseworker's overrides (housing limit, rent,
heating, grace period). Nothing is stored. What the form does not ask precisely enough
for the calculator (whose pregnancy or disability it is, the cost of a special diet,
people outside the benefit unit) is said in ``notes`` instead of being guessed silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openjobcenter.applications.engine import Answers, PersonRole
from openjobcenter.benefits import CalculationError, calculate
from openjobcenter.calculator.selectors import housing_limit_for

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application

EDUCATION_VALUES = frozenset({"school", "training", "studies"})
OTHER_INCOME_KEYS = (
    "self_employment_profit",
    "pension",
    "parental_benefit",
    "housing_benefit",
    "other_amount",
)


@dataclass(frozen=True)
class Overrides:
    housing_limit_m: Decimal | None = None
    rent_m: Decimal | None = None
    heating_m: Decimal | None = None
    in_grace_period: bool | None = None

    @property
    def any(self) -> bool:
        return any(
            v is not None
            for v in (self.housing_limit_m, self.rent_m, self.heating_m, self.in_grace_period)
        )


@dataclass
class Precalc:
    calc_input: dict[str, Any]
    result: dict[str, Any] | None
    error: str = ""
    limit_used: Decimal | None = None
    limit_overridden: bool = False
    notes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def month(self) -> date:
        return date.fromisoformat(str(self.calc_input["date"]))

    @property
    def member_rows(self) -> list[dict[str, Any]]:
        """The result per member, with the person's name from the application."""
        if not self.result:
            return []
        return [{**m, "name": self.names.get(m["id"], m["id"])} for m in self.result["members"]]

    @property
    def explanation(self) -> list[str]:
        if not self.result:
            return []
        key = "de" if (get_language() or "de").startswith("de") else "en"
        return [str(line[key]) for line in self.result.get("explanation", [])]


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    return max(amount, Decimal(0))


def _num(amount: Decimal) -> float | int:
    # The calculator takes JSON numbers; cents survive a float of this size exactly enough
    # because it rounds inputs to cents itself.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


# Anlage VM kinds the calculator counts. A car and a self-used home are protected when
# reasonable (§ 12 Abs. 1 SGB II) and recognised retirement provisions too: staff check
# those; the pre-calculation leaves them out, as the self-check does.
COUNTED_ASSET_KINDS = ("cash", "accounts", "building_savings", "securities", "other")


def countable_assets(answers: Answers) -> Decimal | None:
    """The household's assets as the calculator counts them, from the per-person asset
    steps (form version 2); None when the answers have none."""
    total: Decimal | None = None
    for person in answers.persons:
        assets = answers.step(f"person_assets:{person.id}")
        if not assets:
            continue
        total = total or Decimal(0)
        if assets.get("has_assets") != "yes":
            continue
        kinds = set(assets.get("kinds") or [])
        for kind in COUNTED_ASSET_KINDS:
            if kind in kinds:
                total += _money(assets.get(f"{kind}_value"))
        if "insurance" in kinds and assets.get("insurance_retirement") != "yes":
            total += _money(assets.get("insurance_value"))
        if "property" in kinds and assets.get("property_self_used") != "yes":
            total += _money(assets.get("property_value"))
    return total


def month_of(application: Application) -> date:
    """The first month of the claim: the month of filing (§ 37 Abs. 2 SGB II)."""
    when = application.filed_at or application.submitted_at or timezone.now()
    return timezone.localtime(when).date().replace(day=1)


def _pregnant_week(due: Any, on: date) -> int | None:
    if not isinstance(due, str):
        return None
    try:
        due_date = date.fromisoformat(due)
    except ValueError:
        return None
    week = 40 - (due_date - on).days // 7
    return week if 1 <= week <= 42 else None


def build_input(  # noqa: PLR0915
    application: Application, overrides: Overrides | None = None
) -> tuple[dict[str, Any], list[str], dict[str, str], int]:
    """The calculator input, notes for the caseworker, member id → name, household size."""
    overrides = overrides or Overrides()
    on = month_of(application)
    answers = Answers((application.submitted_data or {}).get("answers") or {}, on=on)
    notes: list[str] = []
    housing = answers.step("housing")
    needs = answers.step("additional_needs")
    kind = housing.get("kind")
    if kind == "rent":
        rent = _money(housing.get("cold_rent")) + _money(housing.get("service_charges"))
    elif kind == "own":
        rent = _money(housing.get("mortgage_interest")) + _money(housing.get("property_charges"))
    else:
        rent = Decimal(0)
    heating = _money(housing.get("heating_costs")) if kind in ("rent", "own") else Decimal(0)
    members: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for person in answers.persons:
        role = {
            PersonRole.APPLICANT: "adult",
            PersonRole.PARTNER: "partner",
            PersonRole.CHILD: "child",
        }.get(PersonRole(person.role) if person.role in set(PersonRole) else PersonRole.OTHER)
        if role is None:
            notes.append(
                _(
                    "%(name)s lebt im Haushalt, wird aber nicht mitgerechnet (keine Partnerin, "
                    "kein Partner, kein Kind)."
                )
                % {"name": person.name}
            )
            continue
        if person.age is None:
            notes.append(_("Für %(name)s fehlt das Geburtsdatum.") % {"name": person.name})
            continue
        income = answers.step(f"income:{person.id}")
        kinds = income.get("kinds") or []
        education = (
            answers.step("situation").get("education")
            if person.id == "p1"
            else answers.step(f"member:{person.id}").get("education")
        )
        member: dict[str, Any] = {
            "id": person.id,
            "role": role,
            "age": person.age,
            "gross_earnings_m": _num(_money(income.get("gross_earnings"))),
            "net_earnings_m": _num(_money(income.get("net_earnings"))),
            "unemployment_benefit_m": _num(_money(income.get("unemployment_benefit"))),
            "other_income_m": _num(
                sum((_money(income.get(k)) for k in OTHER_INCOME_KEYS), Decimal(0))
            ),
            "child_support_m": _num(_money(income.get("maintenance"))),
            "advance_maintenance_m": _num(_money(income.get("advance_maintenance"))),
            "in_education": education in EDUCATION_VALUES,
        }
        if role == "child":
            # Declared child benefit, else the statutory amount (null).
            member["child_benefit_m"] = (
                _num(_money(income.get("child_benefit"))) if "child_benefit" in kinds else None
            )
        elif "child_benefit" in kinds and _money(income.get("child_benefit")):
            notes.append(
                _("Das Kindergeld bei %(name)s wird dem Kind zugerechnet.") % {"name": person.name}
            )
        names[person.id] = person.name
        members.append(member)
    applicant = members[0] if members and members[0]["role"] == "adult" else None
    if applicant is not None:
        if needs.get("pregnant") == "yes":
            week = _pregnant_week(needs.get("due_date"), on)
            applicant["pregnant_week"] = week
            notes.append(
                _(
                    "Schwangerschaft: der Mehrbedarf ist der antragstellenden Person zugeordnet; "
                    "bitte prüfen."
                )
            )
        if needs.get("disability") == "yes":
            applicant["disability_additional_need"] = True
            notes.append(
                _(
                    "Mehrbedarf wegen Behinderung: der antragstellenden Person zugeordnet; "
                    "bitte prüfen."
                )
            )
        if needs.get("diet") == "yes":
            notes.append(
                _(
                    "Kostenaufwändige Ernährung: der Betrag ist nicht bekannt und fehlt in der "
                    "Rechnung."
                )
            )
        assets = answers.step("assets")
        if assets.get("significant") == "yes":
            applicant["wealth"] = _num(_money(assets.get("total_value")))
        counted = countable_assets(answers)
        if counted is not None:
            # Version 2 asks per person (Anlage VM); the calculator takes the household's
            # total, as the self-check does.
            applicant["wealth"] = _num(counted)
    if overrides.rent_m is not None:
        rent = overrides.rent_m
    if overrides.heating_m is not None:
        heating = overrides.heating_m
    size = max(1, len(members))
    calc_input: dict[str, Any] = {
        "date": on.isoformat(),
        "rent_m": _num(rent),
        "heating_m": _num(heating),
        "in_grace_period": True if overrides.in_grace_period is None else overrides.in_grace_period,
        "housing_limit_m": None,
        "single_parent": needs.get("single_parent") == "yes",
        "decentral_hot_water": housing.get("hot_water") == "decentral",
        "members": members,
    }
    return calc_input, notes, names, size


def precalculate(application: Application, overrides: Overrides | None = None) -> Precalc:
    """The pre-calculation of a submitted application (never raises for bad data)."""
    overrides = overrides or Overrides()
    calc_input, notes, names, size = build_input(application, overrides)
    limit = overrides.housing_limit_m
    if limit is None:
        limit = housing_limit_for(application.jobcenter, size)
    calc_input["housing_limit_m"] = None if limit is None else _num(limit)
    if not calc_input["members"]:
        return Precalc(
            calc_input,
            None,
            _("Die Angaben reichen für eine Berechnung nicht aus."),
            limit,
            overrides.housing_limit_m is not None,
            notes,
            names,
        )
    try:
        result = dict(calculate(calc_input))
    except CalculationError as exc:
        message = exc.message if (get_language() or "de").startswith("de") else exc.message_en
        return Precalc(
            calc_input, None, message, limit, overrides.housing_limit_m is not None, notes, names
        )
    return Precalc(
        calc_input, result, "", limit, overrides.housing_limit_m is not None, notes, names
    )

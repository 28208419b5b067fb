"""Hand-over from the self-check (issue 4): its answers become a first application's prefill.

Nothing is stored in the database before the person starts the application; the prefill
waits in the session (``SESSION_KEY``) until then.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "applications_self_check_prefill"
# The self-check result page's button (the calculator shows it; the text lives here).
START_LABEL = _("Antrag mit diesen Angaben beginnen")


def _amount(value: Any) -> str | None:
    try:
        amount = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return str(amount) if amount > 0 else None


def _income(member: dict[str, Any]) -> dict[str, Any]:
    kinds: list[str] = []
    out: dict[str, Any] = {}
    gross, net = _amount(member.get("gross_earnings_m")), _amount(member.get("net_earnings_m"))
    if gross or net:
        kinds.append("employment")
        out.update({k: v for k, v in (("gross_earnings", gross), ("net_earnings", net)) if v})
    for key, kind, field in (
        ("unemployment_benefit_m", "unemployment_benefit", "unemployment_benefit"),
        ("child_support_m", "maintenance", "maintenance"),
        ("other_income_m", "other", "other_amount"),
    ):
        value = _amount(member.get(key))
        if value:
            kinds.append(kind)
            out[field] = value
    out["kinds"] = kinds
    return out


def prefill_from_calculation(calc_input: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Step answers from a calculator input: household roles, rent and heating, incomes.

    Names and birth dates are not known from the self-check; the household rows carry the
    role only, so the person completes them (the ages are not turned into invented dates)."""
    data: dict[str, dict[str, Any]] = {}
    members = list(calc_input.get("members") or [])
    household: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for index, member in enumerate(members):
        if index == 0:
            ids[str(member.get("id"))] = "p1"
            continue
        pid = f"p{len(household) + 2}"
        ids[str(member.get("id"))] = pid
        role = "partner" if member.get("role") == "partner" else "child"
        household.append(
            {"id": pid, "role": role, "first_name": "", "last_name": "", "birth_date": ""}
        )
    if household:
        data["household"] = {"members": household}
    rent, heating = _amount(calc_input.get("rent_m")), _amount(calc_input.get("heating_m"))
    housing: dict[str, Any] = {}
    if rent or heating:
        housing["kind"] = "rent"
        if rent:
            # The self-check asks rent and service charges together.
            housing["cold_rent"] = rent
            housing["service_charges"] = "0.00"
        if heating:
            housing["heating_costs"] = heating
    if calc_input.get("decentral_hot_water"):
        housing["hot_water"] = "decentral"
    if housing:
        data["housing"] = housing
    for member in members:
        income = _income(member)
        if income["kinds"]:
            data[f"income:{ids[str(member.get('id'))]}"] = income
    return data


def prefill_from_self_check(post: QueryDict) -> dict[str, dict[str, Any]] | None:
    """The prefill for the self-check answers in ``post``; None when they are not valid."""
    from openjobcenter.calculator.forms import SelfCheckForm

    form = SelfCheckForm(post)
    if not form.is_valid():
        return None
    return prefill_from_calculation(form.to_calculation_input(month=timezone.localdate()))

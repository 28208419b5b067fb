"""Hand-over from the self-check (issues 4 and 17): its answers become a first application's
prefill, with the structure the application asks for (cold rent, service charges and heating
apart; each person; each person's income; the household's assets; pregnancy and single
parenthood).

Nothing is stored in the database before the person starts the application; the prefill
waits in the session (``SESSION_KEY``) until then, and only when the person presses
"Jetzt beantragen" on the result.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "applications_self_check_prefill"
# The self-check result page's button (the calculator shows it; the text lives here).
START_LABEL = _("Jetzt beantragen")


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
    housing: dict[str, Any] = {}
    rent, heating = _amount(calc_input.get("rent_m")), _amount(calc_input.get("heating_m"))
    if rent or heating:
        housing["kind"] = "rent"
        if rent:
            housing["cold_rent"] = rent
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


def _assets(wealth: Decimal) -> dict[str, Any]:
    """The applicant's asset step (Anlage VM, form version 2) from the self-check's one
    household amount ("Erspartes, Konten, Wertpapiere"): the amount is kept, as savings on
    accounts, for the customer to check and split by kind and person (the step says it was
    carried over). Nothing is dropped for being under the protected amount: the annex
    asks for everything and the job centre leaves out what is protected."""
    if wealth <= 0:
        return {"has_assets": "no"}
    return {
        "has_assets": "yes",
        "kinds": ["accounts"],
        "accounts_value": str(wealth.quantize(Decimal("0.01"))),
    }


def prefill_from_form(form: Any, calc_input: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The prefill for a valid self-check ``form`` (``calc_input`` is its calculator input).

    On top of :func:`prefill_from_calculation` (which only sees rent plus service charges
    as one sum): the service charges apart, the assets and the additional needs."""
    data = prefill_from_calculation(calc_input)
    d = form.cleaned_data
    housing = data.get("housing", {})
    cold, charges = _amount(d.get("rent_m")), _amount(d.get("service_charges_m"))
    if cold or charges:
        housing["kind"] = "rent"
        housing.pop("cold_rent", None)
        if cold:
            housing["cold_rent"] = cold
        if charges:
            housing["service_charges"] = charges
        data["housing"] = housing
    if d.get("wealth") is not None:
        data["person_assets:p1"] = _assets(d["wealth"])
    needs: dict[str, Any] = {}
    if d.get("pregnant_week"):
        needs["pregnant"] = "yes"
    if calc_input.get("single_parent"):
        needs["single_parent"] = "yes"
    if needs:
        data["additional_needs"] = needs
    return data


def prefill_from_self_check(post: QueryDict) -> dict[str, dict[str, Any]] | None:
    """The prefill for the self-check answers in ``post``; None when they are not valid."""
    from openjobcenter.calculator.forms import SelfCheckForm

    form = SelfCheckForm(post)
    if not form.is_valid():
        return None
    return prefill_from_form(form, form.to_calculation_input(month=timezone.localdate()))

"""The self-check questionnaire and the staff pre-calculation form.

Both turn plain answers into the calculator's input (``openjobcenter.benefits``); the
calculator itself validates again and names the field of any remaining problem.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_CHILDREN = 6


def money(label: str | Any, help_text: str | Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
        decimal_places=2,
    )


def age(label: str | Any, minimum: int, maximum: int, *, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=maximum,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": minimum, "max": maximum}),
    )


class SelfCheckForm(forms.Form):
    applicant_age = age(_("Ihr Alter"), 15, 120, required=True)
    has_partner = forms.BooleanField(
        label=_("Ich lebe mit meiner Ehepartnerin, meinem Ehepartner oder in einer Partnerschaft"),
        required=False,
    )
    partner_age = age(_("Alter der Partnerin oder des Partners"), 15, 120, required=False)
    pregnant_week = forms.IntegerField(
        label=_("Schwangerschaftswoche"),
        required=False,
        min_value=1,
        max_value=42,
        help_text=_("Nur ausfüllen, wenn jemand im Haushalt schwanger ist."),
    )

    # Asked as the application asks it (cold rent and service charges apart), so that the
    # answers carry over into the application unchanged (issue 17).
    rent_m = money(
        _("Kaltmiete im Monat"),
        _("Die Miete ohne Nebenkosten und ohne Heizung. Bei Eigentum: die Schuldzinsen."),
    )
    service_charges_m = money(
        _("Nebenkosten im Monat (ohne Heizung)"),
        _(
            "Vorauszahlung für Wasser, Müll, Hausmeister und Ähnliches. Bei Eigentum: Grundsteuer, Versicherungen und Ähnliches."
        ),
    )
    heating_m = money(_("Heizkosten im Monat"))
    decentral_hot_water = forms.BooleanField(
        label=_("Das warme Wasser wird in der Wohnung mit Strom erzeugt (z. B. Durchlauferhitzer)"),
        required=False,
    )

    gross_earnings_m = money(
        _("Ihr Lohn im Monat, brutto"), _("Vor Abzug von Steuern und Sozialversicherung")
    )
    net_earnings_m = money(_("Ihr Lohn im Monat, netto"), _("Der Betrag, der ausgezahlt wird"))
    unemployment_benefit_m = money(_("Ihr Arbeitslosengeld im Monat"))
    other_income_m = money(_("Sonstiges Einkommen im Monat"), _("z. B. Rente, Krankengeld"))
    partner_gross_earnings_m = money(_("Lohn der Partnerin oder des Partners, brutto"))
    partner_net_earnings_m = money(_("Lohn der Partnerin oder des Partners, netto"))
    partner_other_income_m = money(_("Sonstiges Einkommen der Partnerin oder des Partners"))

    wealth = money(
        _("Vermögen des Haushalts"),
        _(
            "Erspartes, Konten, Wertpapiere. Ein angemessenes Auto und die selbst bewohnte Wohnung zählen nicht."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, MAX_CHILDREN + 1):
            self.fields[f"child_{index}_age"] = age(
                _("Alter von Kind %(n)s") % {"n": index}, 0, 24, required=False
            )
            self.fields[f"child_{index}_support_m"] = money(
                _("Unterhalt oder Unterhaltsvorschuss für Kind %(n)s im Monat") % {"n": index}
            )
            self.fields[f"child_{index}_in_education"] = forms.BooleanField(
                label=_("Kind %(n)s geht zur Schule, macht eine Ausbildung oder studiert")
                % {"n": index},
                required=False,
            )

    def children(self) -> list[int]:
        return [
            i
            for i in range(1, MAX_CHILDREN + 1)
            if self.cleaned_data.get(f"child_{i}_age") is not None
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("has_partner") and data.get("partner_age") is None:
            self.add_error(
                "partner_age", _("Bitte geben Sie das Alter der Partnerin oder des Partners an.")
            )
        for prefix in ("", "partner_"):
            gross = data.get(f"{prefix}gross_earnings_m") or Decimal(0)
            net = data.get(f"{prefix}net_earnings_m") or Decimal(0)
            if net > gross:
                self.add_error(
                    f"{prefix}net_earnings_m",
                    _("Der Nettolohn kann nicht höher sein als der Bruttolohn."),
                )
        return data

    def household_size(self) -> int:
        return 1 + (1 if self.cleaned_data.get("has_partner") else 0) + len(self.children())

    def to_calculation_input(
        self,
        *,
        month: date,
        in_grace_period: bool = True,
        housing_limit_m: Decimal | None = None,
    ) -> dict[str, Any]:
        """The calculator's input for these answers (amounts as strings, exact)."""
        d = self.cleaned_data

        def amount(name: str) -> str:
            return str(d.get(name) or Decimal(0))

        members: list[dict[str, Any]] = [
            {
                "id": "A",
                "role": "adult",
                "age": d["applicant_age"],
                "gross_earnings_m": amount("gross_earnings_m"),
                "net_earnings_m": amount("net_earnings_m"),
                "unemployment_benefit_m": amount("unemployment_benefit_m"),
                "other_income_m": amount("other_income_m"),
                "pregnant_week": d.get("pregnant_week") if not d.get("has_partner") else None,
                "wealth": amount("wealth"),
            }
        ]
        if d.get("has_partner"):
            members.append(
                {
                    "id": "P",
                    "role": "partner",
                    "age": d["partner_age"],
                    "gross_earnings_m": amount("partner_gross_earnings_m"),
                    "net_earnings_m": amount("partner_net_earnings_m"),
                    "other_income_m": amount("partner_other_income_m"),
                    # In a couple the pregnancy question is about either partner; the
                    # additional need is the pregnant person's, assumed to be the partner.
                    "pregnant_week": d.get("pregnant_week"),
                }
            )
        children = self.children()
        for index in children:
            members.append(
                {
                    "id": f"K{index}",
                    "role": "child",
                    "age": d[f"child_{index}_age"],
                    "child_support_m": amount(f"child_{index}_support_m"),
                    "in_education": bool(d.get(f"child_{index}_in_education")),
                }
            )
        return {
            "date": month.replace(day=1).isoformat(),
            "rent_m": str(
                (d.get("rent_m") or Decimal(0)) + (d.get("service_charges_m") or Decimal(0))
            ),
            "heating_m": amount("heating_m"),
            "in_grace_period": in_grace_period,
            "housing_limit_m": None if housing_limit_m is None else str(housing_limit_m),
            "single_parent": not d.get("has_partner") and bool(children),
            "decentral_hot_water": bool(d.get("decentral_hot_water")),
            "members": members,
        }


class PreCalculationForm(SelfCheckForm):
    """The caseworker's version: grace period and housing limit can be overridden."""

    month = forms.DateField(
        label=_("Berechnungsmonat"),
        # A date input only shows ISO values; the localised default format leaves it empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Es zählt der Monat; der Tag wird auf den Monatsersten gesetzt."),
    )
    in_grace_period = forms.BooleanField(
        label=_("Karenzzeit (erstes Jahr des Leistungsbezugs)"), required=False, initial=True
    )
    housing_limit_m = money(
        _("Angemessenheitsgrenze für Miete und Heizung"),
        _("Leer lassen, um die Grenze des Jobcenters für diese Haushaltsgröße zu nehmen."),
    )

    field_order = ("month", "in_grace_period", "housing_limit_m")


class HousingLimitsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from openjobcenter.calculator.models import MAX_PERSONS

        for persons in range(1, MAX_PERSONS + 1):
            label = (
                _("%(n)s Personen oder mehr") % {"n": persons}
                if persons == MAX_PERSONS
                else _("1 Person")
                if persons == 1
                else _("%(n)s Personen") % {"n": persons}
            )
            self.fields[f"persons_{persons}"] = money(label)

"""The self-check's "So haben wir gerechnet", in the customer's language (issue 17).

The benefits package explains its result in German and English only (its lines serve
the CLI, the API and staff). For customers the breakdown is rendered here again from the
result's structured parts with gettext, so it reads in de, en, ar and uk alike, names the
people as the questionnaire did ("Sie", "Kind 1") instead of "Person K1", and cites the
paragraphs the way a caseworker would.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjobcenter.web.templatetags.ojc import euro

NEED_KINDS = {
    "pregnancy": gettext_lazy("Schwangerschaft"),
    "single_parent": gettext_lazy("Alleinerziehung"),
    "disability": gettext_lazy("Behinderung"),
    "diet": gettext_lazy("kostenaufwändige Ernährung"),
    "cap_21_8": gettext_lazy("Begrenzung der Mehrbedarfe auf den Regelbedarf"),
    "hot_water": gettext_lazy("Warmwasser aus der Wohnung"),
}
INCOME_KINDS = {
    "unemployment_benefit": gettext_lazy("Arbeitslosengeld"),
    "child_benefit": gettext_lazy("Kindergeld"),
    "child_benefit_surplus": gettext_lazy("Kindergeld, das ein Kind nicht braucht"),
    "child_support": gettext_lazy("Unterhalt"),
    "advance_maintenance": gettext_lazy("Unterhaltsvorschuss"),
    "other_income": gettext_lazy("sonstiges Einkommen"),
}


def self_check_names(result: Mapping[str, Any]) -> dict[str, str]:
    """The people as the self-check asked for them (ids "A", "P", "K1"... of its form)."""
    names: dict[str, str] = {}
    for member in result.get("members", []):
        ident = str(member["id"])
        if member["role"] == "adult":
            names[ident] = _("Sie")
        elif member["role"] == "partner":
            names[ident] = _("Ihre Partnerin oder Ihr Partner")
        else:
            names[ident] = _("Kind %(n)s") % {"n": ident.removeprefix("K")}
    return names


def _positive(value: Any) -> bool:
    return Decimal(str(value or "0")) > 0


def _member_lines(member: Mapping[str, Any], name: str) -> list[str]:
    lines: list[str] = []
    if not member["in_unit"]:
        reason = (member.get("left_unit_reason") or {}).get("code")
        if reason == "age_25_or_older":
            lines.append(
                _(
                    "%(name)s gehört nicht zur Bedarfsgemeinschaft, weil Kinder ab 25 Jahren "
                    "einen eigenen Antrag stellen (§ 7 Abs. 3 SGB II)."
                )
                % {"name": name}
            )
        else:
            lines.append(
                _(
                    "%(name)s gehört nicht zur Bedarfsgemeinschaft: Das eigene Einkommen deckt "
                    "den eigenen Bedarf (§ 7 Abs. 3 Nr. 4 SGB II)."
                )
                % {"name": name}
            )
        return lines
    lines.append(
        _("%(name)s: Regelbedarf %(amount)s (§ 20 SGB II)")
        % {"name": name, "amount": euro(member["standard_need"])}
    )
    for need in member.get("additional_needs", []):
        lines.append(
            _("%(name)s: Mehrbedarf für %(kind)s %(amount)s (§ 21 SGB II)")
            % {
                "name": name,
                "kind": NEED_KINDS.get(need["kind"], need["kind"]),
                "amount": euro(need["amount"]),
            }
        )
    lines.append(
        _("%(name)s: Anteil an Miete und Heizung %(share)s, Bedarf zusammen %(total)s")
        % {
            "name": name,
            "share": euro(member["housing_share"]),
            "total": euro(member["total_need"]),
        }
    )
    income = member["income_counted"]
    earned = income.get("earned")
    if earned:
        lines.append(
            _(
                "%(name)s: Lohn %(gross)s brutto und %(net)s netto; davon bleiben "
                "%(allowance)s frei (Freibeträge, § 11b SGB II)"
            )
            % {
                "name": name,
                "gross": euro(earned["gross"]),
                "net": euro(earned["net"]),
                "allowance": euro(earned["allowance"]),
            }
        )
    for item in income.get("other", []):
        lines.append(
            _("%(name)s: %(kind)s %(amount)s")
            % {
                "name": name,
                "kind": INCOME_KINDS.get(item["kind"], item["kind"]),
                "amount": euro(item["amount"]),
            }
        )
    if _positive(income.get("insurance_lump_sum")):
        lines.append(
            _("%(name)s: abzüglich Versicherungspauschale %(amount)s (§ 6 Bürgergeld-Verordnung)")
            % {"name": name, "amount": euro(income["insurance_lump_sum"])}
        )
    if earned or income.get("other"):
        lines.append(
            _("%(name)s: angerechnetes Einkommen %(amount)s")
            % {"name": name, "amount": euro(income["total"])}
        )
    return lines


def legal_line(result: Mapping[str, Any]) -> str:
    """The legal state in the active language ("Rechtsstand ab 1. Januar 2026"): the rules
    data's own title is German only."""
    valid_from = date.fromisoformat(result["legal_state"]["valid_from"])
    return _("Rechtsstand ab %(date)s") % {"date": date_format(valid_from, "DATE_FORMAT")}


def breakdown(result: Mapping[str, Any], names: Mapping[str, str] | None = None) -> list[str]:
    """The lines of "So haben wir gerechnet" for ``result`` in the active language."""
    names = names or {}
    housing = result["housing"]
    lines = [legal_line(result)]
    if Decimal(housing["recognized"]) < Decimal(housing["actual"]):
        lines.append(
            _(
                "Miete und Heizung: %(actual)s im Monat; angemessen und berücksichtigt sind "
                "%(recognized)s (§ 22 Abs. 10 SGB II)"
            )
            % {"actual": euro(housing["actual"]), "recognized": euro(housing["recognized"])}
        )
    else:
        lines.append(
            _("Miete und Heizung: %(actual)s im Monat, voll berücksichtigt (§ 22 SGB II)")
            % {"actual": euro(housing["actual"])}
        )
    lines.append(
        _("Die Kosten werden gleich auf alle im Haushalt verteilt: je %(share)s")
        % {"share": euro(housing["share_per_person"])}
    )
    for member in result["members"]:
        ident = str(member["id"])
        lines.extend(_member_lines(member, names.get(ident, ident)))
    assets = result["assets"]
    lines.append(
        _("Vermögen: %(total)s; geschützt sind %(limit)s (§ 12 SGB II)")
        % {"total": euro(assets["total"]), "limit": euro(assets["limit"])}
    )
    if result.get("no_claim_reason"):
        if Decimal(assets["total"]) > Decimal(assets["limit"]):
            lines.append(
                _(
                    "Das Vermögen ist höher als der geschützte Betrag. Es ist zuerst für den "
                    "Lebensunterhalt zu verwenden (§ 12 SGB II)."
                )
            )
        else:
            lines.append(
                _(
                    "Das angerechnete Einkommen deckt den Bedarf der Bedarfsgemeinschaft. "
                    "Deshalb besteht kein Anspruch (§ 9 Abs. 1 SGB II)."
                )
            )
    for member in result["members"]:
        ident = str(member["id"])
        name = names.get(ident, ident)
        if _positive(member["benefit"]):
            lines.append(
                _("%(name)s: Bürgergeld %(amount)s")
                % {"name": name, "amount": euro(member["benefit"])}
            )
        if _positive(member["immediate_supplement"]):
            lines.append(
                _("%(name)s: Kindersofortzuschlag %(amount)s (§ 72 SGB II)")
                % {"name": name, "amount": euro(member["immediate_supplement"])}
            )
    lines.append(_("Zusammen im Monat: %(amount)s") % {"amount": euro(result["claim_m"])})
    return lines


def no_claim_kind(result: Mapping[str, Any]) -> str:
    """ "assets" or "income" when there is no claim, else ""."""
    if not result.get("no_claim_reason"):
        return ""
    assets = result["assets"]
    return "assets" if Decimal(assets["total"]) > Decimal(assets["limit"]) else "income"

"""The kinds of proof (Nachweis) a customer sends: one vocabulary for the whole platform.

The application's derived proof list, document requests (Nachforderung), uploads and the
OCR kind suggestion all name a kind by its ``key``; the key is stored, the label shown.
Add a kind here; never rename a key (stored data refers to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str | Promise


_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("identity_document", _("Personalausweis oder Pass")),
    DocumentKind("residence_permit", _("Aufenthaltstitel")),
    DocumentKind("registration_certificate", _("Meldebescheinigung")),
    DocumentKind("tenancy_agreement", _("Mietvertrag")),
    DocumentKind("rent_statement", _("Nachweis der aktuellen Miete")),
    DocumentKind("service_charge_statement", _("Nebenkostenabrechnung")),
    DocumentKind("heating_bill", _("Heizkostenabrechnung")),
    DocumentKind("property_costs", _("Nachweise zu Kosten des Eigenheims")),
    DocumentKind("payslip", _("Lohn- oder Gehaltsabrechnung")),
    DocumentKind("employment_contract", _("Arbeitsvertrag")),
    DocumentKind("self_employment_income", _("Einnahmen und Ausgaben aus Selbständigkeit")),
    DocumentKind("bank_statement", _("Kontoauszug")),
    DocumentKind("unemployment_benefit_notice", _("Bescheid über Arbeitslosengeld")),
    DocumentKind("child_benefit_notice", _("Nachweis über Kindergeld")),
    DocumentKind("maintenance_proof", _("Nachweis über Unterhalt")),
    DocumentKind("advance_maintenance_notice", _("Bescheid über Unterhaltsvorschuss")),
    DocumentKind("pension_notice", _("Rentenbescheid")),
    DocumentKind("parental_benefit_notice", _("Bescheid über Elterngeld")),
    DocumentKind("housing_benefit_notice", _("Bescheid über Wohngeld")),
    DocumentKind("other_income_proof", _("Nachweis über sonstiges Einkommen")),
    DocumentKind("asset_proof", _("Nachweis über Vermögen")),
    DocumentKind("health_insurance_proof", _("Nachweis der Krankenversicherung")),
    DocumentKind("school_certificate", _("Schul- oder Studienbescheinigung")),
    DocumentKind("pregnancy_certificate", _("Mutterpass oder ärztliche Bescheinigung")),
    DocumentKind("disability_proof", _("Nachweis über Behinderung oder Eingliederungshilfe")),
    DocumentKind("medical_certificate", _("Ärztliche Bescheinigung")),
    DocumentKind("sick_note", _("Arbeitsunfähigkeitsbescheinigung")),
    DocumentKind("termination_notice", _("Kündigung oder Aufhebungsvertrag")),
    DocumentKind("notice_other", _("Sonstiger Bescheid")),
    DocumentKind("other", _("Sonstiges Dokument")),
)

KINDS: dict[str, DocumentKind] = {k.key: k for k in _KINDS}


def all_kinds() -> tuple[DocumentKind, ...]:
    return _KINDS


def get_kind(key: str) -> DocumentKind:
    """The kind with this key; unknown keys (old data) fall back to "other"."""
    return KINDS.get(key, KINDS["other"])


def kind_choices() -> list[tuple[str, str | Promise]]:
    return [(k.key, k.label) for k in _KINDS]

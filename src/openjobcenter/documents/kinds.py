"""The kinds of proof (Nachweis) a customer sends: one vocabulary for the whole platform.

The application's derived proof list, document requests (Nachforderung), uploads and the
OCR kind suggestion all name a kind by its ``key``; the key is stored, the label shown.
Add a kind here; never rename a key (stored data refers to it).

Each kind has a need-to-know category (``core.need_to_know``), decided here:

* financial (``FINANCIAL_DOCUMENTS``): everything about income, assets and housing
  costs: tenancy, rent, service charges, heating, property costs, payslips, employment
  contract (it states the pay), self-employment, bank statements, every benefit or income
  notice (unemployment benefit, child benefit, maintenance, pension, parental benefit,
  housing benefit, other income), assets, and "other notice" (a notice is about money
  as a rule);
* health (``HEALTH_DOCUMENTS``): health insurance proof (it can show the kind of
  insurance and care), pregnancy, disability, medical certificate, sick note;
* general (``GENERAL``): identity document, residence permit, registration
  certificate, school certificate, termination notice (job placement needs it as much
  as benefits do);
* "other" (an unlabelled upload) counts as financial: unknown content is treated as
  the stricter benefit category, never as general.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.need_to_know import Category

_FIN, _HEALTH, _GEN = Category.FINANCIAL_DOCUMENTS, Category.HEALTH_DOCUMENTS, Category.GENERAL


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str | Promise
    category: Category = _FIN


_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("identity_document", _("Personalausweis oder Pass"), _GEN),
    DocumentKind("residence_permit", _("Aufenthaltstitel"), _GEN),
    DocumentKind("registration_certificate", _("Meldebescheinigung"), _GEN),
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
    DocumentKind("health_insurance_proof", _("Nachweis der Krankenversicherung"), _HEALTH),
    DocumentKind("school_certificate", _("Schul- oder Studienbescheinigung"), _GEN),
    DocumentKind("pregnancy_certificate", _("Mutterpass oder ärztliche Bescheinigung"), _HEALTH),
    DocumentKind(
        "disability_proof", _("Nachweis über Behinderung oder Eingliederungshilfe"), _HEALTH
    ),
    DocumentKind("medical_certificate", _("Ärztliche Bescheinigung"), _HEALTH),
    DocumentKind("sick_note", _("Arbeitsunfähigkeitsbescheinigung"), _HEALTH),
    DocumentKind("termination_notice", _("Kündigung oder Aufhebungsvertrag"), _GEN),
    DocumentKind("notice_other", _("Sonstiger Bescheid")),
    DocumentKind("other", _("Sonstiges Dokument")),
)

KINDS: dict[str, DocumentKind] = {k.key: k for k in _KINDS}


def all_kinds() -> tuple[DocumentKind, ...]:
    return _KINDS


def get_kind(key: str) -> DocumentKind:
    """The kind with this key; unknown keys (old data) fall back to "other"."""
    return KINDS.get(key, KINDS["other"])


def kind_category(key: str) -> Category:
    return get_kind(key).category


def kinds_in(categories: frozenset[Category] | set[Category]) -> list[str]:
    """The keys of every kind in one of ``categories``."""
    return [k.key for k in _KINDS if k.category in categories]


def kind_choices() -> list[tuple[str, str | Promise]]:
    return [(k.key, k.label) for k in _KINDS]

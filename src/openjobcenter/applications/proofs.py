"""Which proofs (Nachweise) the answers call for, each with its reason.

Kinds are the shared vocabulary of ``documents.kinds`` (the key is what the upload and
document requests refer to). The rules read only the answers, so they work the same for a
draft, a submitted application and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjobcenter.applications.engine import (
    APPLICANT,
    Answers,
    FormDefinition,
    Person,
    PersonRole,
    answers_for,
    get_definition,
    step_instances,
    submitted_answers,
)
from openjobcenter.documents.kinds import get_kind

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application


@dataclass(frozen=True)
class Proof:
    kind_key: str
    label: str
    reason: str
    person_id: str | None = None
    person_name: str = ""
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind_key,
            "label": self.label,
            "reason": self.reason,
            "person_id": self.person_id,
            "person_name": self.person_name,
            "note": self.note,
        }


# Income kind → (document kind, reason template).
_INCOME_PROOFS: dict[str, tuple[str, str]] = {
    "employment": ("payslip", "employment"),
    "self_employment": ("self_employment_income", "self_employment"),
    "unemployment_benefit": ("unemployment_benefit_notice", "unemployment_benefit"),
    "child_benefit": ("child_benefit_notice", "child_benefit"),
    "maintenance": ("maintenance_proof", "maintenance"),
    "advance_maintenance": ("advance_maintenance_notice", "advance_maintenance"),
    "pension": ("pension_notice", "pension"),
    "parental_benefit": ("parental_benefit_notice", "parental_benefit"),
    "housing_benefit": ("housing_benefit_notice", "housing_benefit"),
    "other": ("other_income_proof", "other"),
}


def _income_reason(kind: str, name: str) -> str:
    match kind:
        case "employment":
            return _("%(name)s hat Lohn oder Gehalt: bitte die letzten drei Abrechnungen.") % {
                "name": name
            }
        case "self_employment":
            return _(
                "%(name)s ist selbständig: bitte Einnahmen und Ausgaben der letzten sechs Monate."
            ) % {"name": name}
        case "unemployment_benefit":
            return _("%(name)s bekommt Arbeitslosengeld: bitte den aktuellen Bescheid.") % {
                "name": name
            }
        case "child_benefit":
            return _("Für %(name)s wird Kindergeld gezahlt.") % {"name": name}
        case "maintenance":
            return _("%(name)s bekommt Unterhalt.") % {"name": name}
        case "advance_maintenance":
            return _("%(name)s bekommt Unterhaltsvorschuss.") % {"name": name}
        case "pension":
            return _("%(name)s bekommt eine Rente.") % {"name": name}
        case "parental_benefit":
            return _("%(name)s bekommt Elterngeld.") % {"name": name}
        case "housing_benefit":
            return _("Der Haushalt bekommt Wohngeld.")
    return _("%(name)s hat sonstiges Einkommen.") % {"name": name}


class _Collector:
    def __init__(self) -> None:
        self.items: list[Proof] = []
        self._seen: set[tuple[str, str | None]] = set()

    def has(self, kind: str, person: Person | None = None) -> bool:
        return (kind, person.id if person else None) in self._seen

    def add(self, kind: str, reason: str, person: Person | None = None, note: str = "") -> None:
        key = (kind, person.id if person else None)
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append(
            Proof(
                kind,
                str(get_kind(kind).label),
                reason,
                person.id if person else None,
                person.name if person else "",
                note,
            )
        )


def derive_proofs_for(definition: FormDefinition, answers: Answers) -> list[Proof]:  # noqa: PLR0915
    """The proofs for these answers, in a stable order (household, housing, income, ...).

    Only steps the form actually needs count: an answer left in a step that is no longer
    needed (e.g. rent after switching to "own home") asks for nothing."""
    needed = {i.key for i in step_instances(definition, answers) if i.needed}
    out = _Collector()
    applicant = answers.person(APPLICANT)

    def step(key: str) -> dict[str, Any]:
        return answers.step(key) if key in needed else {}

    personal = step("personal")
    if "filing" in needed and definition.key == "initial":
        out.add("identity_document", _("Damit wir wissen, wer den Antrag stellt."), applicant)
    if personal.get("nationality") == "other":
        out.add(
            "residence_permit",
            _("Sie haben eine Staatsangehörigkeit außerhalb der EU."),
            applicant,
        )
    for person in answers.persons[1:]:
        member = step(f"member:{person.id}")
        if member.get("nationality") == "other":
            out.add(
                "residence_permit",
                _("%(name)s hat eine Staatsangehörigkeit außerhalb der EU.")
                % {"name": person.name},
                person,
            )
        if member.get("education") in {"school", "training", "studies"} and (person.age or 0) >= 15:
            out.add(
                "school_certificate",
                _("%(name)s geht zur Schule, macht eine Ausbildung oder studiert.")
                % {"name": person.name},
                person,
            )
    situation = step("situation")
    if situation.get("education") in {"school", "training", "studies"}:
        out.add(
            "school_certificate",
            _("Sie gehen zur Schule, machen eine Ausbildung oder studieren."),
            applicant,
        )
    if situation.get("pension") == "yes":
        out.add("pension_notice", _("Sie beziehen oder beantragen eine Rente."), applicant)
    if situation.get("able_to_work") == "no":
        out.add(
            "medical_certificate",
            _("Sie können nach Ihrer Angabe keine 3 Stunden am Tag arbeiten."),
            applicant,
        )

    housing = step("housing")
    match housing.get("kind"):
        case "rent":
            out.add("tenancy_agreement", _("Sie wohnen zur Miete: Wir brauchen den Mietvertrag."))
            out.add(
                "rent_statement",
                _("Damit wir die aktuelle Miete übernehmen können, falls sie sich geändert hat."),
            )
            out.add(
                "heating_bill",
                _("Für die Heizkosten: der aktuelle Abschlag oder die letzte Abrechnung."),
            )
        case "own":
            out.add(
                "property_costs",
                _("Sie wohnen im eigenen Heim: Kreditvertrag, Grundsteuer, Versicherungen."),
            )
            out.add(
                "heating_bill",
                _("Für die Heizkosten: der aktuelle Abschlag oder die letzte Abrechnung."),
            )

    for person in answers.persons:
        income = step(f"income:{person.id}")
        for kind in income.get("kinds") or []:
            doc, _reason_key = _INCOME_PROOFS.get(kind, ("other_income_proof", "other"))
            out.add(doc, _income_reason(kind, person.name), person)
            if kind == "employment" and definition.key != "renewal":
                out.add(
                    "employment_contract",
                    _("%(name)s ist angestellt: bitte den Arbeitsvertrag.") % {"name": person.name},
                    person,
                )
    job = step("job")
    if job:
        out.add("employment_contract", _("Sie haben eine neue Arbeit."), applicant)
        out.add(
            "payslip",
            _("Sobald Sie die erste Lohnabrechnung der neuen Arbeit haben."),
            applicant,
        )

    assets = step("assets")
    if assets.get("significant") == "yes":
        out.add("asset_proof", _("Sie haben erhebliches Vermögen angegeben."))

    needs = step("additional_needs")
    if needs.get("pregnant") == "yes":
        out.add("pregnancy_certificate", _("Für den Mehrbedarf in der Schwangerschaft."))
    if needs.get("disability") == "yes":
        out.add("disability_proof", _("Für den Mehrbedarf bei Behinderung."))
    if needs.get("diet") == "yes":
        out.add(
            "medical_certificate",
            _("Für den Mehrbedarf bei kostenaufwändiger Ernährung."),
            applicant,
        )

    health = step("health_insurance")
    if health.get("kind") in {"private", "none"}:
        out.add(
            "health_insurance_proof",
            _("Sie sind nicht gesetzlich versichert: bitte einen Nachweis Ihrer Versicherung."),
        )

    for person in answers.persons:
        _person_health_proofs(out, person, step(f"person_health_insurance:{person.id}"))

    if definition.key in {"initial", "renewal"} or step("bank"):
        has_account = step("bank").get("has_account")
        if definition.key != "change_notice" and has_account != "no":
            out.add(
                "bank_statement",
                _("Kontoauszüge der letzten drei Monate von allen Konten des Haushalts."),
                note=_(
                    "Buchungen, die nichts mit dem Antrag zu tun haben (zum Beispiel Spenden an "
                    "eine Partei oder Religionsgemeinschaft), dürfen Sie schwärzen. Die Beträge "
                    "von Einnahmen müssen lesbar bleiben."
                ),
            )
    for person in answers.persons:
        _person_asset_proofs(out, person, step(f"person_assets:{person.id}"))
    if (
        _has_role(answers, PersonRole.CHILD)
        and step("maintenance_claims").get("child_other_parent") == "yes"
    ):
        out.add(
            "maintenance_proof",
            _(
                "Ein Elternteil lebt nicht im Haushalt: Nachweis über Unterhalt oder "
                "Unterhaltsvorschuss."
            ),
        )
    return out.items


# Asset kinds (Anlage VM) → what proves their value; cash needs no proof.
_ASSET_EVIDENCE: dict[str, Any] = {
    "building_savings": gettext_lazy("Bausparverträge: Kontoauszug oder Jahresmitteilung"),
    "insurance": gettext_lazy("Versicherungen: Bescheinigung über den Rückkaufswert"),
    "securities": gettext_lazy("Wertpapiere: aktueller Depotauszug"),
    "vehicles": gettext_lazy("Kraftfahrzeuge: Zulassungsbescheinigung Teil I und Kaufvertrag"),
    "property": gettext_lazy("Haus- und Grundeigentum: Grundbuchauszug"),
    "other": gettext_lazy("Sonstiges: ein Nachweis über den Wert"),
}


def _person_asset_proofs(out: _Collector, person: Person, assets: dict[str, Any]) -> None:
    """Anlage VM (version 2): account statements for accounts, one asset proof per person
    naming what each declared kind needs."""
    if assets.get("has_assets") != "yes":
        return
    kinds = [k for k in assets.get("kinds") or [] if isinstance(k, str)]
    # The household's statements of all accounts, asked above, cover the accounts too.
    if "accounts" in kinds and not out.has("bank_statement"):
        out.add(
            "bank_statement",
            _("%(name)s hat Guthaben auf Giro-, Spar- oder Tagesgeldkonten.")
            % {"name": person.name},
            person,
            note=_("Bitte die aktuellen Kontoauszüge aller Konten dieser Person."),
        )
    evidence = [str(_ASSET_EVIDENCE[k]) for k in kinds if k in _ASSET_EVIDENCE]
    if evidence:
        out.add(
            "asset_proof",
            _("%(name)s hat Vermögen angegeben.") % {"name": person.name},
            person,
            note="; ".join(evidence),
        )


def _person_health_proofs(out: _Collector, person: Person, health: dict[str, Any]) -> None:
    match health.get("kind"):
        case "private":
            out.add(
                "health_insurance_proof",
                _(
                    "%(name)s ist privat versichert: bitte die aktuelle Beitragsrechnung der "
                    "Kranken- und Pflegeversicherung."
                )
                % {"name": person.name},
                person,
            )
        case "none" | "unknown":
            out.add(
                "health_insurance_proof",
                _(
                    "Für %(name)s ist keine Krankenversicherung bekannt: bitte, falls vorhanden, "
                    "einen Nachweis der letzten Versicherung."
                )
                % {"name": person.name},
                person,
            )


def _has_role(answers: Answers, role: str) -> bool:
    return any(p.role == role for p in answers.persons)


def derive_proofs(application: Application) -> list[Proof]:
    """The proofs for an application (from its frozen data once submitted), in the active
    language."""
    definition = get_definition(application.form_key, application.form_version)
    if application.submitted_data:
        answers = submitted_answers(application.submitted_data)
    else:
        answers = answers_for(application)
    return derive_proofs_for(definition, answers)

"""Reading the answers: display values, summary sections (staff page, PDF) and JSON (API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

from openjobcenter.applications import validators
from openjobcenter.applications.engine.answers import (
    PERSON_ROLE_LABELS,
    Answers,
    _parse_date,
    answers_for,
    submitted_answers,
)
from openjobcenter.applications.engine.cleaning import (
    BANK_SUFFIX,
    CONFIRM_SUFFIX,
    MAX_TEXTAREA,
    MEMBER_ROLES,
)
from openjobcenter.applications.engine.definitions import (
    Field,
    FieldType,
    FormDefinition,
    get_definition,
)
from openjobcenter.applications.engine.progress import step_instances

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application


# --- Display -------------------------------------------------------------------------------


def display_value(f: Field, value: Any) -> str:
    """An answer as a person reads it (in the active language)."""
    if value is None or value in ("", []):
        return "–"
    match f.type:
        case FieldType.YESNO:
            return _("Ja") if value == "yes" else _("Nein")
        case FieldType.CONFIRM:
            return _("Bestätigt") if value else _("Nicht bestätigt")
        case FieldType.CHOICE:
            return f.choice_label(str(value))
        case FieldType.MULTI:
            return ", ".join(f.choice_label(str(v)) for v in value)
        case FieldType.MONEY:
            amount = Decimal(str(value))
            text = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
            return f"{text} €"
        case FieldType.DECIMAL:
            return str(value).replace(".", ",")
        case FieldType.DATE:
            parsed = _parse_date(value)
            return parsed.strftime("%d.%m.%Y") if parsed else str(value)
        case FieldType.IBAN:
            return validators.format_iban(str(value))
        case FieldType.PERSONS:
            return ", ".join(
                f"{m.get('first_name', '')} {m.get('last_name', '')}".strip() for m in value
            )
    return str(value)


def bank_of(f: Field, value: Any) -> str:
    """The bank of an IBAN answer (looked up, never stored), or ""."""
    if f.type != FieldType.IBAN or not isinstance(value, str) or not value:
        return ""
    return validators.bank_name_for(value)


@dataclass
class SummaryRow:
    label: str
    value: str
    key: str


@dataclass
class SummarySection:
    key: str  # step instance key
    title: str
    topic: str
    person_id: str | None
    person_name: str
    rows: list[SummaryRow] = field(default_factory=list)


def summary_sections_for(
    definition: FormDefinition, answers: Answers, *, include_unanswered: bool = False
) -> list[SummarySection]:
    """Every needed step instance with its questions and answers, grouped by topic and person,
    in the order of the form; labels in the active language."""
    out: list[SummarySection] = []
    for inst in step_instances(definition, answers):
        if not inst.needed:
            continue
        stored = answers.step(inst.key)
        section = SummarySection(
            inst.key,
            inst.title,
            str(inst.step.topic),
            inst.person.id if inst.person else None,
            inst.person.name if inst.person else "",
        )
        for f in inst.step.fields:
            if not f.shown(answers, inst.person, stored):
                continue
            if f.key not in stored and not include_unanswered:
                continue
            if f.type == FieldType.PERSONS:
                for m in stored.get(f.key) or []:
                    birth = _parse_date(m.get("birth_date"))
                    section.rows.append(
                        SummaryRow(
                            str(PERSON_ROLE_LABELS.get(m.get("role", ""), m.get("role", ""))),
                            f"{m.get('first_name', '')} {m.get('last_name', '')}, "
                            f"{birth.strftime('%d.%m.%Y') if birth else '–'}",
                            f"{f.key}.{m.get('id')}",
                        )
                    )
                continue
            section.rows.append(
                SummaryRow(str(f.label), display_value(f, stored.get(f.key)), f.key)
            )
            bank = bank_of(f, stored.get(f.key))
            if bank:
                # The bank is named back so a typo in a valid-looking IBAN is noticed.
                section.rows.append(SummaryRow(_("Bank"), bank, f.key + BANK_SUFFIX))
            if stored.get(f.key + CONFIRM_SUFFIX):
                section.rows.append(
                    SummaryRow(_("Hoher Betrag bestätigt"), _("Ja"), f.key + CONFIRM_SUFFIX)
                )
        out.append(section)
    return out


def summary_sections(
    application: Application, *, language: str | None = None
) -> list[SummarySection]:
    """The application's answers for reading (staff page, PDF, customer summary).

    A submitted application is shown from its frozen ``submitted_data`` with the form
    version it was filed with; a draft from its current steps."""
    definition = get_definition(application.form_key, application.form_version)
    if application.submitted_data:
        answers = submitted_answers(application.submitted_data)
    else:
        answers = answers_for(application)
    if language is None:
        return summary_sections_for(definition, answers)
    with translation.override(language):
        return summary_sections_for(definition, answers)


# --- JSON (API) ----------------------------------------------------------------------------


def _field_json(f: Field) -> dict[str, Any]:
    return {
        "key": f.key,
        "type": f.type.value,
        "label": str(f.label),
        "help": str(f.help),
        "hint": str(f.hint),
        "required": f.required,
        "max_length": MAX_TEXTAREA if f.type == FieldType.TEXTAREA else f.max_length,
        "choices": [{"value": c.value, "label": str(c.label)} for c in f.choices]
        if f.type != FieldType.PERSONS
        else [{"value": r, "label": str(PERSON_ROLE_LABELS[r])} for r in MEMBER_ROLES],
        "show_if": f.show_if.as_json() if f.show_if else None,
        "confirm_above": str(f.confirm_above) if f.confirm_above is not None else None,
        "min_value": f.min_value,
        "max_value": f.max_value,
    }


def definition_as_json(definition: FormDefinition, language: str | None = None) -> dict[str, Any]:
    """The whole definition (steps, fields, conditions, help texts) for ``GET /api/v1/forms/``,
    labels in ``language`` (the active language if None)."""

    def build() -> dict[str, Any]:
        return {
            "key": definition.key,
            "version": definition.version,
            "kind": definition.kind,
            "title": str(definition.title),
            "description": str(definition.description),
            "steps": [
                {
                    "key": s.key,
                    "title": str(s.title),
                    "topic": str(s.topic),
                    "intro": str(s.intro),
                    "filing": s.filing,
                    "show_if": s.show_if.as_json() if s.show_if else None,
                    "per_person": s.per_person.as_json() if s.per_person else None,
                    "fields": [_field_json(f) for f in s.fields],
                }
                for s in definition.steps
            ],
        }

    if language is None:
        return build()
    with translation.override(language):
        return build()

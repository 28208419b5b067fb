"""Co-signing corrections, field by field (issue 25 §4).

The co-signing adult corrects only what the application says about them: their row of
the household (first name, last name, birth date) and the answers of the steps asked for
them (``income:p2``, ``person_assets:p2``, ...). Each field keeps its old and its
corrected value (``CosignCorrection``); the new value is checked with the application
form's own rules (``applications.engine.cleaning``), so a correction can never hold what
the form would refuse. Keys: ``members.<field>`` for the household row,
``<step instance>.<field>`` for an answer (``income:p2.net_earnings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openjobcenter.applications.engine.answers import submitted_answers
from openjobcenter.applications.engine.cleaning import clean_one
from openjobcenter.applications.engine.definitions import Field, FieldType, get_definition
from openjobcenter.applications.engine.progress import step_instances
from openjobcenter.applications.engine.summary import display_value

if TYPE_CHECKING:
    from openjobcenter.mandates.models import Cosignature

# Answers that are not one value a person types (a list of choices, a ticked declaration,
# the household list itself) are not corrected field by field.
_NOT_CORRECTABLE = frozenset({FieldType.PERSONS, FieldType.CONFIRM, FieldType.MULTI})
MEMBER_PREFIX = "members."
NAME_MAX = 100


@dataclass(frozen=True)
class Correctable:
    """One field the co-signing adult may correct, with what the application says."""

    key: str
    section: str
    label: str
    field: Field
    old: Any

    @property
    def old_display(self) -> str:
        return display_value(self.field, self.old)


def _member_fields() -> tuple[tuple[str, Field], ...]:
    return (
        ("first_name", Field("first_name", FieldType.TEXT, _("Vorname"), max_length=NAME_MAX)),
        ("last_name", Field("last_name", FieldType.TEXT, _("Nachname"), max_length=NAME_MAX)),
        ("birth_date", Field("birth_date", FieldType.DATE, _("Geburtsdatum"))),
    )


def correctable_fields(cosignature: Cosignature) -> list[Correctable]:
    """The fields of the application that concern this adult, in the form's order
    (labels in the active language)."""
    application = cosignature.application
    if not application.submitted_data:
        return []
    pid = cosignature.person_id
    answers = submitted_answers(application.submitted_data)
    person = answers.person(pid)
    if person is None:
        return []
    row = next(
        (
            m
            for m in (answers.step("household").get("members") or [])
            if isinstance(m, dict) and m.get("id") == pid
        ),
        {},
    )
    household = _("Haushalt")
    out = [
        Correctable(MEMBER_PREFIX + key, household, str(f.label), f, row.get(key) or "")
        for key, f in _member_fields()
    ]
    definition = get_definition(application.form_key, application.form_version)
    for inst in step_instances(definition, answers):
        if inst.person is None or inst.person.id != pid or not inst.needed:
            continue
        stored = answers.step(inst.key)
        for f in inst.step.fields:
            if f.type in _NOT_CORRECTABLE or f.key not in stored:
                continue
            if not f.shown(answers, inst.person, stored):
                continue
            out.append(
                Correctable(
                    f"{inst.key}.{f.key}", str(inst.step.title), str(f.label), f, stored[f.key]
                )
            )
    return out


@dataclass(frozen=True)
class Change:
    """A checked correction: the old value and the new one (canonical and as read)."""

    item: Correctable
    new: Any

    @property
    def new_display(self) -> str:
        return display_value(self.item.field, self.new)


def clean_corrections(
    cosignature: Cosignature, raw: Mapping[str, Any], *, today: date | None = None
) -> tuple[list[Change], dict[str, str]]:
    """The corrections the adult entered (``key → new value``; empty or unchanged values
    are no correction) and the refusals by key (German, as the form words them). A key
    that is not one of the adult's own fields is refused."""
    today = today or timezone.localdate()
    fields = {c.key: c for c in correctable_fields(cosignature)}
    changes: list[Change] = []
    errors: dict[str, str] = {}
    for key, value in raw.items():
        item = fields.get(str(key))
        if item is None:
            errors[str(key)] = _("Diese Angabe können Sie hier nicht korrigieren.")
            continue
        text = "" if value is None else str(value).strip()
        if not text:
            continue
        new, error = clean_one(item.field, text, today=today)
        if error:
            errors[item.key] = error
            continue
        if new == item.old:
            continue
        changes.append(Change(item, new))
    return changes, errors


def german_rows(cosignature: Cosignature, changes: list[Change]) -> list[tuple[str, str, str, str]]:
    """(key, label, old, new) as the job centre's file reads them: always German."""
    with translation.override("de"):
        german = {c.key: c for c in correctable_fields(cosignature)}
        return [
            (
                c.item.key,
                f"{german[c.item.key].section}: {german[c.item.key].label}",
                display_value(c.item.field, c.item.old),
                display_value(c.item.field, c.new),
            )
            for c in changes
        ]

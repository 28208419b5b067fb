"""Fields, steps and form definitions, and the registry of versioned definitions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from openjobcenter.applications.engine.answers import Raw, Text

if TYPE_CHECKING:
    from openjobcenter.applications.engine.answers import Answers, Person
    from openjobcenter.applications.engine.conditions import Cond, PersonIs


# --- Fields and steps ------------------------------------------------------------------------


class FieldType(enum.StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"
    CHOICE = "choice"
    MULTI = "multi"  # several choices (checkboxes), stored as a list of keys
    YESNO = "yesno"
    MONEY = "money"  # euros and cents, never negative, stored as "123.45"
    INTEGER = "integer"
    DECIMAL = "decimal"  # e.g. floor space in m², stored as "54.5"
    IBAN = "iban"
    TAX_ID = "tax_id"
    PENSION_NUMBER = "pension_number"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    CONFIRM = "confirm"  # a checkbox that must be ticked (declarations)
    PERSONS = "persons"  # the people of the household (a repeating group)


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Field:
    key: str
    type: FieldType
    label: Text
    help: Text = ""  # "Was bedeutet das?"
    hint: Text = ""  # short line under the label
    required: bool = True
    max_length: int = 200
    choices: tuple[Choice, ...] = ()
    show_if: Cond | None = None
    # Amounts above this are asked to be confirmed (a checkbox shown with the warning).
    confirm_above: Decimal | None = None
    min_value: int | None = None
    max_value: int | None = None
    # Dates: the oldest plausible date in years before today (ages over 120 are refused).
    past_only: bool = True
    future_only: bool = False
    autocomplete: str = ""

    def choice_label(self, value: str) -> str:
        for c in self.choices:
            if c.value == value:
                return str(c.label)
        return value

    def shown(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        return self.show_if is None or self.show_if.test(answers, person, current)


@dataclass(frozen=True)
class Step:
    key: str
    title: Text
    topic: Text
    fields: tuple[Field, ...]
    intro: Text = ""
    show_if: Cond | None = None
    # None: one instance. A ``PersonIs``: one instance per matching person.
    per_person: PersonIs | None = None
    # The minimal first step whose completion files the application (§ 37 SGB II).
    filing: bool = False

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


@dataclass(frozen=True)
class FormDefinition:
    key: str
    version: int
    kind: str
    title: Text
    steps: tuple[Step, ...]
    description: Text = ""

    def step(self, key: str) -> Step:
        base = key.partition(":")[0]
        for s in self.steps:
            if s.key == base:
                return s
        raise KeyError(key)

    @property
    def filing_step(self) -> Step | None:
        return next((s for s in self.steps if s.filing), None)


# --- Registry ------------------------------------------------------------------------------

_registry: dict[tuple[str, int], FormDefinition] = {}


def register(definition: FormDefinition) -> FormDefinition:
    key = (definition.key, definition.version)
    if key in _registry and _registry[key] is not definition:
        msg = f"Form {key!r} registered twice"
        raise ValueError(msg)
    _registry[key] = definition
    return definition


def _load() -> None:
    # The definitions register themselves on import; importing here avoids a cycle.
    from openjobcenter.applications import definitions  # noqa: F401


def get_definition(key: str, version: int) -> FormDefinition:
    """The definition with this key and version; ``KeyError`` if there is none."""
    _load()
    return _registry[(key, version)]


def latest_definition(key: str) -> FormDefinition:
    """The newest version of a form (new applications start with it)."""
    _load()
    versions = [v for (k, v) in _registry if k == key]
    if not versions:
        raise KeyError(key)
    return _registry[(key, max(versions))]


def all_definitions() -> list[FormDefinition]:
    _load()
    return sorted(_registry.values(), key=lambda d: (d.key, d.version))


def choices(*pairs: tuple[str, Text]) -> tuple[Choice, ...]:
    return tuple(Choice(v, label) for v, label in pairs)

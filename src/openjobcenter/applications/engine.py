"""The form engine: definitions as data, conditions, people, validation, progress, summary.

A form definition (``FormDefinition``) is a list of steps (one topic per page); a step is a
list of fields. Steps and fields may carry a declarative condition (``Cond``) that says
when they are shown; a step with ``per_person`` repeats once for every person of the
household that matches (step key ``"income:p2"``). Answers are stored per step instance,
language-neutral: field keys and canonical values (money as ``"123.45"``, dates as ISO,
yes/no as ``"yes"``/``"no"``, choices by key, several choices as a list of keys).

Public API (used by the customer pages, the staff pages, the API and the PDF):

* ``get_definition(key, version)`` / ``latest_definition(key)`` / ``all_definitions()``
* ``definition_as_json(definition, language)``
* ``Answers`` (the answers of one application) and ``answers_for(application)``
* ``step_instances(definition, answers)`` → every step instance with ``needed``
* ``validate_step(definition, step_key, raw, answers)`` → ``(cleaned, errors)``
* ``progress(application)`` → ``list[StepProgress]``
* ``summary_sections(application)`` / ``summary_sections_for(definition, answers)``
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjobcenter.applications import validators

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application

Text = str | Promise
Raw = Mapping[str, Any]
PERSON_ID = re.compile(r"^p[1-9][0-9]?$")
APPLICANT = "p1"
MAX_PERSONS = 15


# --- Conditions ----------------------------------------------------------------------------


class Cond:
    """A condition over the answers; evaluated for one person in per-person steps.

    A reference ``"step.field"`` names a field of another step; when that step repeats per
    person and a person is given, the person's own instance is read. ``".field"`` names a
    field of the same step (and person)."""

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        raise NotImplementedError

    def as_json(self) -> dict[str, Any]:
        raise NotImplementedError

    def __and__(self, other: Cond) -> Cond:
        return All((self, other))

    def __or__(self, other: Cond) -> Cond:
        return AnyOf((self, other))

    def __invert__(self) -> Cond:
        return Not(self)


def _lookup(ref: str, answers: Answers, person: Person | None, current: Raw | None) -> Any:
    step, _dot, name = ref.partition(".")
    if not step:
        return (current or {}).get(name)
    return answers.get(step, name, person=person)


@dataclass(frozen=True)
class Eq(Cond):
    ref: str
    value: Any

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        return bool(_lookup(self.ref, answers, person, current) == self.value)

    def as_json(self) -> dict[str, Any]:
        return {"op": "eq", "ref": self.ref, "value": self.value}


@dataclass(frozen=True)
class In(Cond):
    ref: str
    values: tuple[Any, ...]

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        return _lookup(self.ref, answers, person, current) in self.values

    def as_json(self) -> dict[str, Any]:
        return {"op": "in", "ref": self.ref, "values": list(self.values)}


@dataclass(frozen=True)
class Has(Cond):
    """A several-choices field contains ``value``."""

    ref: str
    value: str

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        got = _lookup(self.ref, answers, person, current)
        return isinstance(got, list) and self.value in got

    def as_json(self) -> dict[str, Any]:
        return {"op": "has", "ref": self.ref, "value": self.value}


def Yes(ref: str) -> Cond:  # noqa: N802 - reads like the other condition constructors
    return Eq(ref, "yes")


@dataclass(frozen=True)
class All(Cond):
    parts: tuple[Cond, ...]

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        return all(p.test(answers, person, current) for p in self.parts)

    def as_json(self) -> dict[str, Any]:
        return {"op": "all", "parts": [p.as_json() for p in self.parts]}


@dataclass(frozen=True)
class AnyOf(Cond):
    parts: tuple[Cond, ...]

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        return any(p.test(answers, person, current) for p in self.parts)

    def as_json(self) -> dict[str, Any]:
        return {"op": "any", "parts": [p.as_json() for p in self.parts]}


@dataclass(frozen=True)
class Not(Cond):
    part: Cond

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        return not self.part.test(answers, person, current)

    def as_json(self) -> dict[str, Any]:
        return {"op": "not", "part": self.part.as_json()}


@dataclass(frozen=True)
class PersonIs(Cond):
    """The person of a per-person step has one of these roles and is in this age range."""

    roles: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        if person is None:
            return False
        if self.roles and person.role not in self.roles:
            return False
        age = person.age
        if self.min_age is not None and (age is None or age < self.min_age):
            return False
        return not (self.max_age is not None and age is not None and age > self.max_age)

    def as_json(self) -> dict[str, Any]:
        return {
            "op": "person",
            "roles": list(self.roles),
            "min_age": self.min_age,
            "max_age": self.max_age,
        }


@dataclass(frozen=True)
class AnyPerson(Cond):
    """At least one person of the household matches."""

    who: PersonIs

    def test(self, answers: Answers, person: Person | None, current: Raw | None) -> bool:
        return any(self.who.test(answers, p, current) for p in answers.persons)

    def as_json(self) -> dict[str, Any]:
        return {"op": "any_person", "who": self.who.as_json()}


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


# --- People and answers ----------------------------------------------------------------------


class PersonRole(enum.StrEnum):
    APPLICANT = "applicant"
    PARTNER = "partner"
    CHILD = "child"
    OTHER = "other"


PERSON_ROLE_LABELS: dict[str, Text] = {
    PersonRole.APPLICANT: gettext_lazy("Antragsteller/in"),
    PersonRole.PARTNER: gettext_lazy("Partner/in"),
    PersonRole.CHILD: gettext_lazy("Kind"),
    PersonRole.OTHER: gettext_lazy("Weitere Person"),
}


@dataclass(frozen=True)
class Person:
    id: str  # stable: "p1" is the applicant, "p2"... in the order they were added
    role: str
    first_name: str
    last_name: str
    birth_date: date | None
    on: date | None = None  # the reference date for the age (today if None)

    @property
    def name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        if full:
            return full
        # Never the internal key ("p2"): a person without a name yet is numbered as
        # the household list shows them.
        number = self.id[1:] if self.id[:1] == "p" and self.id[1:].isdigit() else ""
        return translation.gettext("Person %(n)s") % {"n": number or "?"}

    @property
    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        today = self.on or date.today()
        years = today.year - self.birth_date.year
        if (today.month, today.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
        }


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class Answers:
    """The stored answers of one application: ``{step_key: {field: value}}``."""

    def __init__(self, data: Mapping[str, Mapping[str, Any]], *, on: date | None = None) -> None:
        self.data: dict[str, dict[str, Any]] = {k: dict(v) for k, v in data.items()}
        self.on = on
        self.persons: list[Person] = self._persons()

    def _persons(self) -> list[Person]:
        who = self.data.get("personal") or {}
        filing = self.data.get("filing") or {}
        applicant = Person(
            APPLICANT,
            PersonRole.APPLICANT,
            str(filing.get("first_name") or who.get("first_name") or ""),
            str(filing.get("last_name") or who.get("last_name") or ""),
            _parse_date(filing.get("birth_date") or who.get("birth_date")),
            self.on,
        )
        members = (self.data.get("household") or {}).get("members") or []
        people = [applicant]
        for m in members:
            if isinstance(m, dict) and PERSON_ID.match(str(m.get("id", ""))):
                people.append(
                    Person(
                        str(m["id"]),
                        str(m.get("role") or PersonRole.OTHER),
                        str(m.get("first_name") or ""),
                        str(m.get("last_name") or ""),
                        _parse_date(m.get("birth_date")),
                        self.on,
                    )
                )
        return people

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.persons if p.id == person_id), None)

    def step(self, step_key: str) -> dict[str, Any]:
        return self.data.get(step_key) or {}

    def get(self, step: str, name: str, *, person: Person | None = None) -> Any:
        if person is not None and f"{step}:{person.id}" in self.data:
            return self.data[f"{step}:{person.id}"].get(name)
        return (self.data.get(step) or {}).get(name)

    def with_step(self, step_key: str, values: Mapping[str, Any]) -> Answers:
        data = dict(self.data)
        data[step_key] = dict(values)
        return Answers(data, on=self.on)


def submitted_answers(data: Mapping[str, Any] | None) -> Answers:
    """The answers frozen in ``submitted_data``. The people come along even where the
    household step was not asked again (a renewal without household change)."""
    data = data or {}
    answers = {str(k): dict(v) for k, v in (data.get("answers") or {}).items()}
    persons = [p for p in data.get("persons") or [] if p.get("id") != APPLICANT]
    if "household" not in answers and persons:
        answers["household"] = {"members": persons}
    return Answers(answers)


def answers_for(application: Application) -> Answers:
    """The answers stored for an application (one query)."""
    rows = application.steps.all().values_list("step_key", "answers")
    return Answers(dict(rows))


# --- Step instances and progress -------------------------------------------------------------


class StepStatus(enum.StrEnum):
    DONE = "done"
    OPEN = "open"
    NOT_NEEDED = "not_needed"


@dataclass(frozen=True)
class StepInstance:
    key: str  # "housing" or "income:p2"
    step: Step
    person: Person | None
    needed: bool

    @property
    def title(self) -> str:
        if self.person is None:
            return str(self.step.title)
        return f"{self.step.title}: {self.person.name}"


def step_instances(definition: FormDefinition, answers: Answers) -> list[StepInstance]:
    """Every step of the form in order, per-person steps expanded, each marked needed or not."""
    out: list[StepInstance] = []
    for step in definition.steps:
        if step.per_person is None:
            needed = step.show_if is None or step.show_if.test(answers, None, None)
            out.append(StepInstance(step.key, step, None, needed))
            continue
        for person in answers.persons:
            if not step.per_person.test(answers, person, None):
                continue
            needed = step.show_if is None or step.show_if.test(answers, person, None)
            out.append(StepInstance(f"{step.key}:{person.id}", step, person, needed))
    return out


def get_instance(definition: FormDefinition, answers: Answers, step_key: str) -> StepInstance:
    """The step instance with this key; ``KeyError`` if the form has no such step (now)."""
    for inst in step_instances(definition, answers):
        if inst.key == step_key:
            return inst
    raise KeyError(step_key)


@dataclass(frozen=True)
class StepProgress:
    key: str
    title: str
    topic: str
    status: StepStatus
    person_id: str | None


def progress_for(
    definition: FormDefinition, answers: Answers, done_keys: Iterable[str]
) -> list[StepProgress]:
    done = set(done_keys)
    return [
        StepProgress(
            inst.key,
            inst.title,
            str(inst.step.topic),
            StepStatus.NOT_NEEDED
            if not inst.needed
            else (StepStatus.DONE if inst.key in done else StepStatus.OPEN),
            inst.person.id if inst.person else None,
        )
        for inst in step_instances(definition, answers)
    ]


def progress(application: Application) -> list[StepProgress]:
    """Done / open / not needed for every step instance of the application."""
    from openjobcenter.applications.models import StepState

    rows = list(application.steps.all().values_list("step_key", "answers", "state"))
    answers = Answers({k: a for k, a, _s in rows})
    done = [k for k, _a, s in rows if s == StepState.DONE]
    definition = get_definition(application.form_key, application.form_version)
    return progress_for(definition, answers, done)


def next_open_step(definition: FormDefinition, answers: Answers, done: Iterable[str]) -> str | None:
    for p in progress_for(definition, answers, done):
        if p.status == StepStatus.OPEN:
            return p.key
    return None


# --- Validation -----------------------------------------------------------------------------

MONEY_RE = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")
DECIMAL_RE = re.compile(r"^\d{1,6}([.,]\d{1,2})?$")
PHONE_RE = re.compile(r"^\+?[0-9 ()/-]{5,30}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
POSTCODE_RE = re.compile(r"^\d{5}$")
MAX_TEXTAREA = 2000
CONFIRM_SUFFIX = "_confirmed"
BANK_SUFFIX = "_bank"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).strip()


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _truthy(value: Any) -> bool:
    return _as_text(value).lower() in {"1", "true", "on", "yes", "ja"}


def parse_money(value: str) -> Decimal | None:
    """German or English decimal notation without thousands separators; ``None`` if bad."""
    text = value.replace(" ", "").replace("€", "")
    if text.startswith("-"):
        return Decimal(-1)
    if "." in text and "," in text:
        return None
    if not MONEY_RE.match(text):
        return None
    try:
        return Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


class _Refused(Exception):  # noqa: N818 - internal signal carrying the message
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _clean_date(f: Field, text: str, today: date) -> str:
    parsed = _parse_date(text)
    if parsed is None:
        m = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)
        if m:
            try:
                parsed = date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                parsed = None
    if parsed is None:
        raise _Refused(_("Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.01.1980."))
    if f.past_only and parsed > today:
        raise _Refused(_("Das Datum darf nicht in der Zukunft liegen."))
    if f.future_only and parsed < today:
        raise _Refused(_("Das Datum darf nicht in der Vergangenheit liegen."))
    if parsed.year < today.year - 120:
        raise _Refused(_("Bitte prüfen Sie das Datum: Es liegt mehr als 120 Jahre zurück."))
    if f.future_only and parsed.year > today.year + 2:
        raise _Refused(_("Bitte prüfen Sie das Datum: Es liegt zu weit in der Zukunft."))
    return parsed.isoformat()


def _clean_value(f: Field, raw: Any, today: date) -> Any:
    """The canonical value of one answered field, or ``_Refused``."""
    if f.type == FieldType.MULTI:
        values = _as_list(raw)
        allowed = {c.value for c in f.choices}
        if any(v not in allowed for v in values):
            raise _Refused(_("Bitte wählen Sie nur aus den angebotenen Antworten."))
        return [c.value for c in f.choices if c.value in values]
    if f.type == FieldType.CONFIRM:
        return _truthy(raw)
    text = _as_text(raw)
    limit = MAX_TEXTAREA if f.type == FieldType.TEXTAREA else f.max_length
    if len(text) > limit:
        raise _Refused(
            _("Bitte kürzen Sie Ihre Angabe auf höchstens %(n)s Zeichen.") % {"n": limit}
        )
    if "\x00" in text:
        raise _Refused(_("Die Angabe enthält ungültige Zeichen."))
    match f.type:
        case FieldType.TEXT | FieldType.TEXTAREA:
            return text
        case FieldType.DATE:
            return _clean_date(f, text, today)
        case FieldType.CHOICE | FieldType.YESNO:
            allowed = {c.value for c in f.choices} if f.type == FieldType.CHOICE else {"yes", "no"}
            if text not in allowed:
                raise _Refused(_("Bitte wählen Sie eine der angebotenen Antworten."))
            return text
        case FieldType.MONEY:
            amount = parse_money(text)
            if amount is None:
                raise _Refused(_("Bitte geben Sie einen Betrag in Euro an, zum Beispiel 450,00."))
            if amount < 0:
                raise _Refused(_("Der Betrag darf nicht negativ sein."))
            return str(amount)
        case FieldType.DECIMAL:
            if not DECIMAL_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine Zahl an, zum Beispiel 54,5."))
            return str(Decimal(text.replace(",", ".")))
        case FieldType.INTEGER:
            if not re.fullmatch(r"\d{1,6}", text):
                raise _Refused(_("Bitte geben Sie eine ganze Zahl ohne Vorzeichen an."))
            number = int(text)
            if (f.min_value is not None and number < f.min_value) or (
                f.max_value is not None and number > f.max_value
            ):
                raise _Refused(
                    _("Bitte geben Sie eine Zahl zwischen %(a)s und %(b)s an.")
                    % {"a": f.min_value or 0, "b": f.max_value}
                )
            return number
        case FieldType.IBAN:
            return validators.clean_iban(text)
        case FieldType.TAX_ID:
            return validators.clean_tax_id(text)
        case FieldType.PENSION_NUMBER:
            return validators.clean_pension_number(text)
        case FieldType.EMAIL:
            if not EMAIL_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine gültige E-Mail-Adresse an."))
            return text
        case FieldType.PHONE:
            if not PHONE_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine gültige Telefonnummer an."))
            return text
        case FieldType.POSTCODE:
            if not POSTCODE_RE.match(text):
                raise _Refused(_("Bitte geben Sie eine Postleitzahl mit 5 Ziffern an."))
            return text
    return text


def _is_empty(f: Field, raw: Any) -> bool:
    if f.type == FieldType.MULTI:
        return not _as_list(raw)
    if f.type == FieldType.CONFIRM:
        return not _truthy(raw)
    return _as_text(raw) == ""


PERSON_FIELDS = ("role", "first_name", "last_name", "birth_date")
MEMBER_ROLES = (PersonRole.PARTNER, PersonRole.CHILD, PersonRole.OTHER)


def _clean_persons(raw: Any, today: date) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The household members: a list of dicts with a stable id each ("p2", "p3", ...)."""
    errors: dict[str, str] = {}
    rows = raw if isinstance(raw, list) else []
    if len(rows) > MAX_PERSONS - 1:
        return [], {"members": _("Bitte geben Sie höchstens %(n)s Personen an.") % {"n": 14}}
    used = {str(r.get("id")) for r in rows if isinstance(r, dict)}
    next_no = 2
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    partners = 0
    date_field = Field("birth_date", FieldType.DATE, "")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        values = {k: _as_text(row.get(k)) for k in PERSON_FIELDS}
        if not any(values.values()):
            continue  # an empty "add another" row
        pid = str(row.get("id") or "")
        if not PERSON_ID.match(pid) or pid == APPLICANT or pid in seen:
            while f"p{next_no}" in used or f"p{next_no}" in seen:
                next_no += 1
            pid = f"p{next_no}"
        seen.add(pid)
        prefix = f"members.{index}."
        if values["role"] not in MEMBER_ROLES:
            errors[prefix + "role"] = _("Bitte wählen Sie, wer diese Person für Sie ist.")
        partners += values["role"] == PersonRole.PARTNER
        for name in ("first_name", "last_name"):
            if not values[name]:
                errors[prefix + name] = _("Bitte geben Sie den Namen an.")
            elif len(values[name]) > 100:
                errors[prefix + name] = _(
                    "Bitte kürzen Sie Ihre Angabe auf höchstens %(n)s Zeichen."
                ) % {"n": 100}
        birth = ""
        try:
            birth = _clean_date(date_field, values["birth_date"], today)
        except _Refused as refused:
            errors[prefix + "birth_date"] = refused.message
        out.append({"id": pid, **values, "birth_date": birth})
    if partners > 1:
        errors["members"] = _("Bitte geben Sie höchstens eine Partnerin oder einen Partner an.")
    return out, errors


def validate_step(
    definition: FormDefinition,
    step_key: str,
    raw: Raw,
    answers: Answers,
    *,
    today: date | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the raw answers of one step instance against its fields.

    ``raw`` maps field keys to submitted values (strings, lists for several choices, a list
    of dicts for the household members). ``answers`` holds the application's other steps
    (conditions may refer to them). Returns the cleaned, canonical answers of the fields
    that are shown, and the errors by field key (a message in the active language).
    Hidden fields are dropped, so a changed answer never leaves stale data behind.
    ``KeyError`` if the step does not exist (or is not a step of this form/person)."""
    today = today or date.today()
    inst = get_instance(definition, answers, step_key)
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in inst.step.fields:
        if not f.shown(answers, inst.person, raw):
            continue
        value = raw.get(f.key)
        if f.type == FieldType.PERSONS:
            members, person_errors = _clean_persons(value, today)
            cleaned[f.key] = members
            errors.update(person_errors)
            continue
        if _is_empty(f, value):
            if f.required:
                errors[f.key] = (
                    _("Bitte bestätigen Sie diese Erklärung.")
                    if f.type == FieldType.CONFIRM
                    else _("Bitte beantworten Sie diese Frage.")
                )
            elif f.type == FieldType.MULTI:
                cleaned[f.key] = []
            continue
        try:
            value = _clean_value(f, value, today)
            if isinstance(value, validators.CheckedIban):
                value = value.iban
            cleaned[f.key] = value
        except _Refused as refused:
            errors[f.key] = refused.message
            continue
        except validators.InvalidValueError as invalid:
            errors[f.key] = invalid.message
            continue
        if f.confirm_above is not None and Decimal(cleaned[f.key]) > f.confirm_above:
            if _truthy(raw.get(f.key + CONFIRM_SUFFIX)):
                cleaned[f.key + CONFIRM_SUFFIX] = True
            else:
                errors[f.key] = _(
                    "Dieser Betrag ist ungewöhnlich hoch. Bitte prüfen Sie ihn und bestätigen "
                    "Sie, dass er stimmt."
                )
                errors[f.key + CONFIRM_SUFFIX] = errors[f.key]
    return cleaned, errors


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


def choices(*pairs: tuple[str, Text]) -> tuple[Choice, ...]:
    return tuple(Choice(v, label) for v, label in pairs)

"""People and answers: who belongs to the household and what was answered, by step instance."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application

Text = str | Promise
Raw = Mapping[str, Any]
PERSON_ID = re.compile(r"^p[1-9][0-9]?$")
APPLICANT = "p1"
MAX_PERSONS = 15


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


def person_label(number: int | str, name: str) -> str:
    """ "Person 2 (Anna Beispiel)", or "Person 2" while the person has no name yet."""
    if name:
        return translation.gettext("Person %(n)s (%(name)s)") % {"n": number, "name": name}
    return translation.gettext("Person %(n)s") % {"n": number}


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
    def number(self) -> str:
        """The person's number as the household list shows it ("2" for "p2")."""
        return self.id[1:] if self.id[:1] == "p" and self.id[1:].isdigit() else "?"

    @property
    def label(self) -> str:
        """How an error names the person: "Person 2 (Anna Beispiel)"."""
        return person_label(self.number, f"{self.first_name} {self.last_name}".strip())

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

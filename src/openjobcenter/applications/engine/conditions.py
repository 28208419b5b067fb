"""Declarative conditions over the answers (when a step or field is shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openjobcenter.applications.engine.answers import Raw

if TYPE_CHECKING:
    from openjobcenter.applications.engine.answers import Answers, Person


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

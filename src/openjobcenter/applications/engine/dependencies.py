"""Which stored steps a step's checks can look at, so saving one step reads only those.

A step's conditions (``show_if`` of the step and of its fields, ``per_person``) refer to
other steps by name (``"housing.kind"``); the people of the household come from the
filing, personal and household steps. Saving a step needs the answers of exactly these
(plus its own stored row for the version check), not every step of the application.
A condition kind this module does not know makes the step depend on everything (``None``):
a new kind of condition can never make a save check against missing answers.
"""

from __future__ import annotations

from functools import cache

from openjobcenter.applications.engine.conditions import (
    All,
    AnyOf,
    AnyPerson,
    Cond,
    Eq,
    Has,
    In,
    Not,
    PersonIs,
)
from openjobcenter.applications.engine.definitions import FormDefinition, get_definition

# Where ``Answers.persons`` reads the people from.
PERSON_STEPS = frozenset({"filing", "personal", "household"})


def _refs(cond: Cond | None, out: set[str]) -> bool:
    """Add the step names ``cond`` refers to; False for a condition kind not known here."""
    if cond is None or isinstance(cond, PersonIs):
        return True
    if isinstance(cond, (Eq, In, Has)):
        step = cond.ref.partition(".")[0]
        if step:  # "" is the step being saved (its own raw answers)
            out.add(step)
        return True
    if isinstance(cond, (All, AnyOf)):
        return all(_refs(part, out) for part in cond.parts)
    if isinstance(cond, Not):
        return _refs(cond.part, out)
    if isinstance(cond, AnyPerson):
        return _refs(cond.who, out)
    return False


def dependencies_of(definition: FormDefinition, step: str) -> frozenset[str] | None:
    """The step names (without person suffix) whose stored answers the checks of
    ``step`` (a step key without ``":p2"``) can read, the people's steps always among
    them; ``None``: every step. ``KeyError`` for a step the form does not have."""
    found = definition.step(step)
    names: set[str] = set(PERSON_STEPS)
    conds: list[Cond | None] = [found.show_if, found.per_person]
    conds += [f.show_if for f in found.fields]
    if not all(_refs(c, names) for c in conds):
        return None
    return frozenset(names)


@cache
def step_dependencies(form_key: str, form_version: int, step: str) -> frozenset[str] | None:
    """``dependencies_of`` for a registered form (definitions never change at run time)."""
    return dependencies_of(get_definition(form_key, form_version), step)


def progress_inputs_of(definition: FormDefinition) -> frozenset[str] | None:
    """The step names whose answers can change the form's progress (which steps there
    are, per person, and which are needed: ``engine.progress``): the people's steps and
    every step a step-level condition (``show_if``, ``per_person``) names; ``None``: any
    step (a condition kind not known here)."""
    names: set[str] = set(PERSON_STEPS)
    for step in definition.steps:
        if not (_refs(step.show_if, names) and _refs(step.per_person, names)):
            return None
    return frozenset(names)


@cache
def progress_inputs(form_key: str, form_version: int) -> frozenset[str] | None:
    """``progress_inputs_of`` for a registered form."""
    return progress_inputs_of(get_definition(form_key, form_version))

"""Step instances (per-person steps expanded) and done / open / not needed."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openjobcenter.applications.engine.answers import Answers, Person
from openjobcenter.applications.engine.definitions import FormDefinition, Step, get_definition

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application


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
    """The step instance with this key; ``KeyError`` if the form has no such step (now).

    The instance ``step_instances`` would list under this key, found without expanding
    the other steps: a save looks at one step only (and may hold only the answers that
    step's conditions read, ``engine.dependencies``)."""
    base, _sep, person_id = step_key.partition(":")
    step = next((s for s in definition.steps if s.key == base), None)
    if step is None:
        raise KeyError(step_key)
    if step.per_person is None:
        if _sep:
            raise KeyError(step_key)
        needed = step.show_if is None or step.show_if.test(answers, None, None)
        return StepInstance(step.key, step, None, needed)
    person = answers.person(person_id) if person_id else None
    if person is None or not step.per_person.test(answers, person, None):
        raise KeyError(step_key)
    needed = step.show_if is None or step.show_if.test(answers, person, None)
    return StepInstance(step_key, step, person, needed)


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

"""Saving one step touches that step only (issue 19): the other steps stay as stored, the
checks still see the answers their conditions name, a submitted application stays
read-only, and the version check still refuses a lost update."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import engine
from openjobcenter.applications.engine.conditions import Cond, Eq, Has, PersonIs
from openjobcenter.applications.engine.definitions import Field, FieldType, FormDefinition, Step
from openjobcenter.applications.engine.dependencies import dependencies_of
from openjobcenter.applications.models import Application, ApplicationStep
from openjobcenter.applications.services import (
    ApplicationError,
    StepConflict,
    StepInvalid,
    application_start,
    application_step_open,
    application_step_save,
    application_submit,
)
from tests.applications.customer_data import COUPLE, enable

pytestmark = pytest.mark.django_db

SINGLE = {k: v for k, v in COUPLE.items() if ":" not in k or k.endswith(":p1")}
SINGLE["household"] = {"members": []}


def _save(app: Application, key: str, answers: dict[str, Any]) -> ApplicationStep:
    stored = ApplicationStep.objects.filter(application=app, step_key=key).first()
    return application_step_save(
        request=None,
        application=app,
        step_key=key,
        answers=answers,
        base_version=stored.version if stored else 0,
    )


def _draft(customer: CustomerProfile, answers: dict[str, dict[str, Any]]) -> Application:
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    for key, values in answers.items():
        _save(app, key, values)
    return Application.objects.select_related("jobcenter", "customer__user").get(pk=app.pk)


def _rows(app: Application) -> dict[str, tuple[Any, ...]]:
    return {
        r.step_key: (r.answers, r.version, r.state, r.updated_at)
        for r in ApplicationStep.objects.filter(application=app)
    }


def test_a_save_writes_its_own_step_and_leaves_the_others_untouched(
    customer: CustomerProfile,
) -> None:
    app = _draft(customer, SINGLE)
    before = _rows(app)
    row = _save(app, "housing", {**SINGLE["housing"], "cold_rent": "470"})
    after = _rows(app)
    assert row.version == before["housing"][1] + 1
    assert after["housing"][0]["cold_rent"] == "470.00"
    assert after["housing"][1] == before["housing"][1] + 1
    assert {k: v for k, v in after.items() if k != "housing"} == {
        k: v for k, v in before.items() if k != "housing"
    }


def test_a_save_reads_only_the_steps_its_checks_name(customer: CustomerProfile) -> None:
    app = _draft(customer, SINGLE)
    base = ApplicationStep.objects.get(application=app, step_key="housing").version
    with CaptureQueriesContext(connection) as ctx:
        application_step_save(
            request=None,
            application=app,
            step_key="housing",
            answers={**SINGLE["housing"], "cold_rent": "480"},
            base_version=base,
        )
    selects = [q["sql"] for q in ctx.captured_queries if "applicationstep" in q["sql"].lower()]
    reads = [s for s in selects if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1
    # The people's steps and its own row, never a step such as the bank account.
    assert "'housing'" in reads[0]
    assert "'household'" in reads[0]
    assert "'bank'" not in reads[0]
    # The draft's lock, the steps' read, the step's write, the audit entry (and the
    # transaction's begin/commit or savepoints where the test database has them).
    assert len(ctx.captured_queries) <= 8, [q["sql"][:80] for q in ctx.captured_queries]


def test_a_condition_on_another_step_is_checked_against_its_stored_answers(
    customer: CustomerProfile,
) -> None:
    """``child_other_parent`` is asked only when a child lives in the household (a
    condition over the household step): saved without a child it is dropped; once a
    child is added in the household step, the same save is refused until answered."""
    app = _draft(customer, SINGLE)
    claims = {"separated_partner": "no", "child_other_parent": "yes"}
    _save(app, "maintenance_claims", claims)
    stored = ApplicationStep.objects.get(application=app, step_key="maintenance_claims")
    assert "child_other_parent" not in stored.answers

    child = {
        "id": "p2",
        "role": "child",
        "first_name": "Mia",
        "last_name": "Kunde",
        "birth_date": "2018-03-01",
    }
    _save(app, "household", {"members": [child]})
    with pytest.raises(StepInvalid) as refused:
        _save(app, "maintenance_claims", {"separated_partner": "no"})
    assert "child_other_parent" in refused.value.errors
    assert ApplicationStep.objects.get(pk=stored.pk).answers == stored.answers

    _save(app, "maintenance_claims", claims)
    assert ApplicationStep.objects.get(pk=stored.pk).answers["child_other_parent"] == "yes"


def test_a_per_person_step_needs_its_person(customer: CustomerProfile) -> None:
    app = _draft(customer, SINGLE)
    with pytest.raises(ApplicationError) as unknown:
        _save(app, "income:p2", {"kinds": []})
    assert unknown.value.code == "unknown_step"
    assert not ApplicationStep.objects.filter(application=app, step_key="income:p2").exists()


def test_a_stale_version_is_refused_and_nothing_changes(customer: CustomerProfile) -> None:
    app = _draft(customer, SINGLE)
    before = _rows(app)
    with pytest.raises(StepConflict) as conflict:
        application_step_save(
            request=None,
            application=app,
            step_key="housing",
            answers={**SINGLE["housing"], "cold_rent": "999"},
            base_version=before["housing"][1] - 1,
        )
    assert conflict.value.version == before["housing"][1]
    assert conflict.value.answers == before["housing"][0]
    assert _rows(app) == before


def test_an_opened_step_is_saved_over(customer: CustomerProfile) -> None:
    """A step opened (an empty row of version 0) is saved with ``base_version=0``."""
    app = _draft(customer, {k: v for k, v in SINGLE.items() if k != "housing"})
    application_step_open(application=app, step_key="housing")
    row = _save(app, "housing", SINGLE["housing"])
    stored = ApplicationStep.objects.get(application=app, step_key="housing")
    assert (stored.pk, stored.version, stored.state) == (row.pk, 1, "done")


def test_a_submitted_application_is_read_only(customer: CustomerProfile) -> None:
    app = _draft(customer, SINGLE)
    application_submit(request=None, application=app)
    before = _rows(app)
    updated = Application.objects.get(pk=app.pk).updated_at
    with pytest.raises(ApplicationError) as refused:
        _save(app, "housing", {**SINGLE["housing"], "cold_rent": "1"})
    assert refused.value.code == "read_only"
    assert _rows(app) == before
    assert Application.objects.get(pk=app.pk).updated_at == updated


def test_the_filing_step_files_once_and_names_the_customer(customer: CustomerProfile) -> None:
    app = _draft(customer, {})
    _save(app, "filing", {**SINGLE["filing"], "first_name": "Kira"})
    first = Application.objects.get(pk=app.pk)
    assert first.filed_at is not None
    assert first.customer_name.startswith("Kira ")
    _save(app, "filing", {**SINGLE["filing"], "first_name": "Kim"})
    again = Application.objects.get(pk=app.pk)
    assert again.filed_at == first.filed_at
    assert again.customer_name.startswith("Kim ")
    assert app.events.filter(kind="filed").count() == 1


# --- which steps a step's checks read ----------------------------------------------------------


def _form(*steps: Step) -> FormDefinition:
    return FormDefinition("test", 1, "initial", "Test", steps)


def _field(key: str, show_if: Cond | None = None) -> Field:
    return Field(key, FieldType.TEXT, key, show_if=show_if)


def test_dependencies_name_the_steps_of_the_conditions_and_the_people() -> None:
    form = _form(
        Step("a", "A", "T", (_field("x"),)),
        Step("b", "B", "T", (_field("y", Eq("a.x", "1") & Has("c.z", "q")),), show_if=Eq(".y", 1)),
        Step("c", "C", "T", (_field("z"),), per_person=PersonIs(min_age=15)),
    )
    assert dependencies_of(form, "a") == engine.PERSON_STEPS
    assert dependencies_of(form, "b") == engine.PERSON_STEPS | {"a", "c"}
    assert dependencies_of(form, "c") == engine.PERSON_STEPS


def test_a_condition_of_an_unknown_kind_depends_on_every_step() -> None:
    class Odd(Cond):
        def test(self, answers: Any, person: Any, current: Any) -> bool:
            return True

    form = _form(Step("a", "A", "T", (_field("x", Odd()),)))
    assert dependencies_of(form, "a") is None


@pytest.mark.parametrize("key", ["initial", "renewal", "change_notice"])
def test_get_instance_finds_what_step_instances_lists(key: str) -> None:
    definition = engine.latest_definition(key)
    answers = engine.Answers(COUPLE)
    listed = engine.step_instances(definition, answers)
    assert listed
    for inst in listed:
        assert engine.get_instance(definition, answers, inst.key) == inst
    for missing in ("nope", "income:p9", "housing:p1"):
        with pytest.raises(KeyError):
            engine.get_instance(definition, answers, missing)


def test_a_step_opened_between_the_read_and_the_write_is_saved_over(
    customer: CustomerProfile,
) -> None:
    """The first save read no row, but another device opened the step meanwhile (an empty
    row of version 0, written without the application's lock): the insert meets the
    unique constraint (``ON CONFLICT DO NOTHING``, no savepoint) and the save goes over
    that row, in the same transaction."""
    from django.db import transaction
    from django.utils import timezone

    from openjobcenter.applications.services_common import _audit_entry
    from openjobcenter.applications.services_steps import _write_step
    from openjobcenter.core.models import AuditAction, AuditEntry

    app = _draft(customer, {k: v for k, v in SINGLE.items() if k != "housing"})
    application_step_open(application=app, step_key="housing")
    opened = ApplicationStep.objects.get(application=app, step_key="housing")
    entry = _audit_entry(None, app, AuditAction.UPDATE, "step housing (conflict)")
    with transaction.atomic():
        row = _write_step(app, "housing", None, {"kind": "rent"}, timezone.now(), entry)
    stored = ApplicationStep.objects.get(application=app, step_key="housing")
    assert (stored.pk, stored.version, stored.state) == (opened.pk, 1, "done")
    assert stored.answers == {"kind": "rent"}
    assert row.pk == opened.pk
    # The audit entry went out with the insert that met the conflict: written once.
    assert AuditEntry.objects.filter(detail="step housing (conflict)").count() == 1


def test_every_save_is_audited_once_and_a_refused_one_not_at_all(
    customer: CustomerProfile,
) -> None:
    """The audit entry goes out in the statement that writes the step (``fastsql``'s
    ``along``): one entry per save, first and later alike, with the person and job
    centre; a save refused for a conflict or bad answers leaves none (it rolls back)."""
    from openjobcenter.core.models import AuditEntry

    app = _draft(customer, {k: v for k, v in SINGLE.items() if k != "housing"})
    entries = AuditEntry.objects.filter(object_type="application", object_id=str(app.pk))
    entries = entries.filter(detail="step housing")
    first = _save(app, "housing", SINGLE["housing"])
    again = application_step_save(
        request=None,
        application=app,
        step_key="housing",
        answers={**SINGLE["housing"], "cold_rent": "481"},
        base_version=first.version,
    )
    assert again.version == first.version + 1
    assert entries.count() == 2
    entry = entries.first()
    assert entry is not None
    assert (entry.subject_id, entry.jobcenter_id) == (customer.user_id, app.jobcenter_id)
    with pytest.raises(StepConflict):
        application_step_save(
            request=None,
            application=app,
            step_key="housing",
            answers=SINGLE["housing"],
            base_version=first.version,
        )
    with pytest.raises(StepInvalid):
        application_step_save(
            request=None,
            application=app,
            step_key="housing",
            answers={**SINGLE["housing"], "cold_rent": "viel"},
            base_version=again.version,
        )
    assert entries.count() == 2

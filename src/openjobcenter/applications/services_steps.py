"""Saving one step of a draft, noting that a step was opened, and filing (DESIGN §4.1).

A save is the most frequent write of the module (every page of the form), so it does only
what one step needs (issue 19):

1. one conditional ``UPDATE`` of the application (``updated_at``; the name from the
   filing step) that only a draft passes. It takes the application's row lock, so saves
   of one application, and a save and the submission, run one after the other;
2. one ``SELECT`` of the stored steps the step's checks can read
   (``engine.step_dependencies``: the steps its conditions name and the people's steps)
   and of its own row, for the optimistic version check;
3. the check of this step's answers only, then one ``UPDATE`` (or ``INSERT``) of its row
   and the audit entry.

The other steps are neither read nor written: their answers stay as they are, and whether
they are needed is worked out when progress is shown (``engine.progress``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.applications import engine
from openjobcenter.applications import outbox as submission_outbox
from openjobcenter.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    EventKind,
    StepState,
)
from openjobcenter.applications.services_common import (
    ApplicationError,
    StepConflict,
    StepInvalid,
    _actor,
    _audit_entry,
    _event,
    _lock,
    _send_receipt_mail,
)
from openjobcenter.core import fastsql
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

# (id, answers, version, done) of a stored step, by step key.
StoredSteps = dict[str, tuple[int, dict[str, Any], int, bool]]


def _read_only() -> ApplicationError:
    return ApplicationError(
        _(
            "Dieser Antrag ist schon abgeschickt und kann nicht mehr geändert werden. "
            "Änderungen teilen Sie uns bitte mit einer Veränderungsmitteilung mit."
        ),
        code="read_only",
    )


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise _read_only()


def _touch_draft(application_id: int, now: datetime, customer_name: str | None) -> bool:
    """``UPDATE`` the application if it is still a draft (taking its row lock); False if it
    is not (submitted meanwhile, or gone)."""
    table = Application._meta.db_table
    at = Application._meta.get_field("updated_at").get_db_prep_save(now, connection)
    sets, params = "updated_at = %s", [at]
    if customer_name is not None:
        sets += ", customer_name = %s"
        params.append(customer_name)
    params += [application_id, ApplicationStatus.DRAFT.value]
    with connection.cursor() as cursor:
        # Only the model's own table and column names are formatted in; values are parameters.
        cursor.execute(
            f"UPDATE {table} SET {sets} WHERE id = %s AND status = %s",  # noqa: S608
            params,
        )
        return bool(cursor.rowcount)


def _load_steps(application_id: int, names: frozenset[str] | None, own_key: str) -> StoredSteps:
    """The stored steps named (each also per person, ``"income:p2"``) and ``own_key``;
    every step when ``names`` is None. Read under the application's row lock."""
    table = ApplicationStep._meta.db_table
    sql = f"SELECT id, step_key, answers, version, state FROM {table} WHERE application_id = %s"  # noqa: S608
    params: list[Any] = [application_id]
    if names is not None:
        keys = sorted({*names, own_key})
        clauses = ["step_key IN ({})".format(", ".join(["%s"] * len(keys)))]
        params += keys
        # Over-reading is harmless ("_" in a name matches any character): the checks see
        # stored answers only, as they would with every step loaded.
        clauses += ["step_key LIKE %s"] * len(names)
        params += [f"{name}:%" for name in sorted(names)]
        sql += " AND ({})".format(" OR ".join(clauses))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out: StoredSteps = {}
    for pk, key, answers, version, state in rows:
        # Raw cursors hand JSON over as text on both databases (Django decodes in the field).
        value = json.loads(answers) if isinstance(answers, str | bytes) else answers
        out[str(key)] = (int(pk), dict(value or {}), int(version), state == StepState.DONE)
    return out


def _write_step(
    application: Application,
    step_key: str,
    stored: tuple[int, dict[str, Any], int, bool] | None,
    cleaned: dict[str, Any],
    now: datetime,
    entry: AuditEntry,
) -> ApplicationStep:
    """Write the step's row and, in the same statement, the audit ``entry``."""
    version = (stored[2] if stored else 0) + 1
    row = ApplicationStep(
        application_id=application.pk,
        step_key=step_key,
        answers=cleaned,
        state=StepState.DONE,
        version=version,
        completed_at=now,
        updated_at=now,
    )
    values = {
        "answers": cleaned,
        "state": StepState.DONE.value,
        "version": version,
        "completed_at": now,
        "updated_at": now,
    }
    if stored is not None:
        fastsql.update(ApplicationStep, stored[0], values, along=(entry,))
        row.pk = stored[0]
        row._state.adding = False
        return row
    row.started_at = now
    # ``ON CONFLICT DO NOTHING`` rather than a savepoint (two round trips fewer per first
    # save): the step may have been opened on another device at this moment
    # (``application_step_open`` writes an empty row of version 0 without the
    # application's lock). Then save over that row.
    if not fastsql.insert(row, ignore_conflict=True, along=(entry,)):
        row.pk = ApplicationStep.objects.filter(
            application_id=application.pk, step_key=step_key, version=0
        ).values_list("pk", flat=True)[0]
        fastsql.update(ApplicationStep, row.pk, values)
        row._state.adding = False
    return row


@transaction.atomic
def application_step_save(
    *,
    request: HttpRequest | None,
    application: Application,
    step_key: str,
    answers: Mapping[str, Any],
    base_version: int,
) -> ApplicationStep:
    """Check and save the answers of one step instance (``"housing"``, ``"income:p2"``).

    ``base_version`` is the step's ``version`` the person started from (0 for a step never
    saved). If the stored version differs, someone saved meanwhile (another device):
    ``StepConflict`` carries the newer answers and nothing is written. Bad answers raise
    ``StepInvalid`` with messages per field; a submitted application ``ApplicationError``
    (read-only). Completing the filing step files the application (``filed_at``, FILED
    event, receipt e-mail). Only this step is checked and written (module docstring)."""
    definition = engine.get_definition(application.form_key, application.form_version)
    base = step_key.partition(":")[0]
    try:
        step = definition.step(base)
    except KeyError:
        step = None
    now = timezone.now()
    # First the draft's row lock (and the check that it is still a draft): every read
    # below sees what the last save of this application committed. A refused save rolls
    # back with everything else.
    if not _touch_draft(application.pk, now, None):
        raise _read_only()
    if step is None:
        raise ApplicationError(_("Diesen Schritt gibt es nicht."), code="unknown_step")
    names = engine.step_dependencies(definition.key, definition.version, base)
    stored = _load_steps(application.pk, names, step_key)
    context = engine.Answers({k: v[1] for k, v in stored.items()})
    try:
        inst = engine.get_instance(definition, context, step_key)
    except KeyError:
        raise ApplicationError(_("Diesen Schritt gibt es nicht."), code="unknown_step") from None
    cleaned, errors = engine.validate_step(definition, step_key, answers, context)
    row = stored.get(step_key)
    stored_version = row[2] if row is not None else 0
    # The conflict is told before the checks' messages: the newer answers matter more.
    if base_version != stored_version:
        raise StepConflict(step_key, dict(row[1]) if row else {}, stored_version)
    if errors:
        raise StepInvalid(errors, cleaned)
    entry = _audit_entry(request, application, AuditAction.UPDATE, f"step {step_key}")
    saved = _write_step(application, step_key, row, cleaned, now, entry)
    if inst.step.filing:
        name = f"{cleaned.get('first_name', '')} {cleaned.get('last_name', '')}".strip()
        _touch_draft(application.pk, now, name)
        locked = _lock(application)
        if locked.filed_at is None:
            _file(request, locked, now)
    if (
        row is None
        or not row[3]
        or base in (engine.progress_inputs(definition.key, definition.version) or {base})
    ):
        # The home's "Nächster Schritt" moves on. A step saved again whose answers no
        # step-level condition reads leaves the progress, and so the home, as it was.
        home_changed(application.customer.user_id)
    return saved


@transaction.atomic
def application_step_open(*, application: Application, step_key: str) -> None:
    """Note that the person reached a step (its ``started_at``), so the step funnel can
    tell how long people spend on a page and where they stop. Stores no answers; does
    nothing for a submitted application or a step already begun."""
    if application.status != ApplicationStatus.DRAFT:
        return
    try:
        with transaction.atomic():
            ApplicationStep.objects.get_or_create(
                application=application, step_key=step_key[:80], defaults={"version": 0}
            )
    except IntegrityError:  # opened on two devices at the same moment
        pass


def _file(request: HttpRequest | None, application: Application, now: Any) -> None:
    application.filed_at = now
    application.save(update_fields=["filed_at", "updated_at"])
    _event(application, EventKind.FILED, actor=_actor(request))
    _send_receipt_mail(application, filed=True)
    submission_outbox.record_filed(application)
    queue_changed(jobcenter_id=application.jobcenter_id, module="applications")  # "gestellt"


def application_file(
    *,
    request: HttpRequest | None,
    application: Application,
    answers: Mapping[str, Any],
    base_version: int = 0,
) -> Application:
    """Save the minimal first step (name, date of birth, address, contact): the application
    counts as filed from now (``filed_at``; § 37 SGB II: from the first of the month).
    The status stays draft until submission. Returns the refreshed application."""
    definition = engine.get_definition(application.form_key, application.form_version)
    step = definition.filing_step
    if step is None:  # pragma: no cover - every definition has one
        raise ApplicationError(_("Dieser Antrag hat keinen ersten Schritt."))
    application_step_save(
        request=request,
        application=application,
        step_key=step.key,
        answers=answers,
        base_version=base_version,
    )
    application.refresh_from_db()
    return application

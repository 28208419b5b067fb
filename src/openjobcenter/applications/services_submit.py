"""Submitting an application and storing its PDFs (DESIGN §4.1).

``application_submit`` freezes the answers as canonical JSON (``build_submission``,
``canonical_json``) with its SHA-256, and records the hand-off deliveries and the PDF
work in the same transaction (``applications/outbox.py``); the receipt e-mail goes after
commit. ``application_pdfs_store`` (called by the task) renders and seals the summary and
receipt outside the row lock.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone

from openjobcenter.applications import engine
from openjobcenter.applications import outbox as submission_outbox
from openjobcenter.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    EventKind,
    StepState,
)
from openjobcenter.applications.proofs import derive_proofs_for
from openjobcenter.applications.services_common import (
    ApplicationIncomplete,
    _actor,
    _audit,
    _audit_entry,
    _event,
    _event_row,
    _lock,
    _receipt_message,
    _send_receipt_mail,
    schema_id,
)
from openjobcenter.core import failpoints, fastsql
from openjobcenter.core.mail import rows_along as mail_rows_along
from openjobcenter.core.mail import sealed_mail
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

# --- Submission ------------------------------------------------------------------------------


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def build_submission(application: Application, answers: engine.Answers) -> dict[str, Any]:
    """The frozen, language-neutral data of a submitted application (what hand-off
    backends receive and the JSON Schema describes)."""
    definition = engine.get_definition(application.form_key, application.form_version)
    needed = [i for i in engine.step_instances(definition, answers) if i.needed]
    proofs = derive_proofs_for(definition, answers)
    return {
        "$schema": schema_id(definition.version),
        "form": {"key": definition.key, "version": definition.version},
        "kind": application.kind,
        "reference": application.reference,
        "jobcenter": application.jobcenter.slug,
        "customer_number": application.customer_number or None,
        "filed_at": application.filed_at.isoformat() if application.filed_at else None,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "persons": [p.as_json() for p in answers.persons],
        "answers": {i.key: answers.step(i.key) for i in needed},
        "proofs": [{"kind": p.kind_key, "person_id": p.person_id} for p in proofs],
    }


@transaction.atomic
def application_submit(
    *,
    request: HttpRequest | None,
    application: Application,
    idempotency_key: str | None = None,
    address_to_profile: bool = False,
) -> Application:
    """Submit a complete draft: freeze ``submitted_data`` (canonical JSON) and its SHA-256,
    status RECEIVED, SUBMITTED event, and in the same transaction the hand-off deliveries
    and the outbox row for the PDFs (``applications/outbox.py``); the receipt e-mail
    after commit.

    ``address_to_profile``: the customer confirmed that the application's address (filing
    step) shall become their profile's address; it is written through
    ``customer_profile_update`` (audited) in the same transaction. Without it the profile
    is never changed by an application.

    Idempotent: submitting an already submitted application returns it unchanged (no
    second event, the same receipt). ``ApplicationIncomplete`` lists open steps."""
    if fastsql.writes_along():
        # PostgreSQL: what the submission reads and writes goes out in psycopg's
        # pipeline mode: the lock and the reads in one round trip, the statement that
        # writes it all in the next (``_lock_and_read``). Writes through the ORM read a
        # row count that pipeline mode gives only later: none inside it.
        with _pipeline():
            application, answers = _submit(request, application, idempotency_key, along=True)
    else:
        application, answers = _submit(request, application, idempotency_key, along=False)
    if answers is None:
        if application.submitted_at is not None:
            # A retry finds the work recorded (it committed with the submission); this
            # only repairs an application submitted before the outbox existed.
            submission_outbox.record_submitted(application)
        return application
    queue_changed(jobcenter_id=application.jobcenter_id, module="applications")
    if address_to_profile:
        _address_to_profile(request, application, answers)
    return application


def _pipeline() -> AbstractContextManager[Any]:
    from django.db import connection

    connection.ensure_connection()
    return cast("AbstractContextManager[Any]", connection.connection.pipeline())


def _submit(
    request: HttpRequest | None,
    application: Application,
    idempotency_key: str | None,
    *,
    along: bool,
) -> tuple[Application, engine.Answers | None]:
    """Lock, check and write the submission; the answers, or None when the application
    was no draft (nothing written)."""
    keys: list[int] | None = None
    if along:
        application, rows, keys = _lock_and_read(application)
    else:
        application = _lock(application)
        rows = [
            (r.step_key, r.answers, r.state)
            for r in ApplicationStep.objects.filter(application=application)
        ]
    if application.status != ApplicationStatus.DRAFT:
        return application, None
    definition = engine.get_definition(application.form_key, application.form_version)
    answers = engine.Answers({key: value for key, value, _state in rows})
    done = [key for key, _value, state in rows if state == StepState.DONE]
    open_steps = [
        p
        for p in engine.progress_for(definition, answers, done)
        if p.status == engine.StepStatus.OPEN
    ]
    if open_steps:
        raise ApplicationIncomplete(open_steps)
    failpoints.on_commit("applications.submitted")  # fault tests: die before any callback
    now = timezone.now()
    if application.filed_at is None:  # pragma: no cover - the filing step is always first
        application.filed_at = now
    application.submitted_at = now
    data = build_submission(application, answers)
    application.submitted_data = data
    application.submission_sha256 = hashlib.sha256(canonical_json(data)).hexdigest()
    application.status = ApplicationStatus.RECEIVED
    # The receipt is drawn again with the submission date beside the filing date.
    application.receipt_pdf_name = ""
    event_data = {
        "idempotency_key": (idempotency_key or "")[:100],
        "sha256": application.submission_sha256,
    }
    if keys is not None:
        _write_submission_along(request, application, event_data, now, keys)
    else:
        _write_submission(request, application, event_data)
    return application, answers


StepRow = tuple[str, dict[str, Any], str]


def _lock_and_read(application: Application) -> tuple[Application, list[StepRow], list[int]]:
    """PostgreSQL, in psycopg's pipeline mode (``application_submit``): the application's
    row lock, its steps, the keys of the three rows that name each other
    (``_write_submission_along``) and the locked row itself, in one round trip (``BEGIN``
    goes with them).

    Issue 19: under load a submission waited on its round trips, not on the database's
    work or its own CPU (``pg_stat_activity`` of 20 submissions at once: no lock waits,
    the backends "idle in transaction" waiting for the client after each statement).
    ``BEGIN``, the lock, the steps, the keys were four round trips one after the other.

    The statements run in the order sent, each with its own snapshot: the steps and the
    row are read after the lock is granted, so they are what the last step save (which
    takes the same lock) committed."""
    from django.db import connection

    from openjobcenter.core.models import OutboxItem, OutgoingMail

    quote = connection.ops.quote_name
    app_table = quote(Application._meta.db_table)
    step_table = quote(ApplicationStep._meta.db_table)
    # Only the models' own table names, quoted, are formatted in; values are parameters.
    lock_sql = f"SELECT id FROM {app_table} WHERE id = %s FOR UPDATE"  # noqa: S608
    steps_sql = f"SELECT step_key, answers, state FROM {step_table} WHERE application_id = %s"  # noqa: S608
    # The receipt mail and the two outbox rows (``submitted_items``): reserved even when
    # the application turns out submitted already (a gap in a sequence is harmless).
    keys_sql, keys_params = fastsql.key_sql([OutgoingMail, OutboxItem, OutboxItem])
    with (
        connection.cursor() as lock,
        connection.cursor() as steps,
        connection.cursor() as reserve,
    ):
        lock.execute(lock_sql, [application.pk])
        steps.execute(steps_sql, [application.pk])
        reserve.execute(keys_sql, keys_params)
        # Reading this one sends all of them (and waits for the lock).
        locked = Application.objects.select_related("jobcenter", "customer__user").get(
            pk=application.pk
        )
        lock.fetchall()
        found = steps.fetchall()
        keys = [int(k) for k in reserve.fetchone() or ()]
    rows: list[StepRow] = []
    for key, value, state in found:
        # Raw cursors hand JSON over as text (Django decodes it in the field).
        answers = json.loads(value) if isinstance(value, str | bytes) else value
        rows.append((str(key), dict(answers or {}), str(state)))
    return locked, rows, keys


_SUBMITTED_FIELDS = (
    "receipt_pdf_name",
    "filed_at",
    "submitted_at",
    "submitted_data",
    "submission_sha256",
    "status",
)


def _write_submission(
    request: HttpRequest | None, application: Application, event_data: dict[str, Any]
) -> None:
    """The submission's writes one by one (SQLite): the row, the event, the audit entry,
    the receipt mail, and the outbox rows for the PDFs and the hand-offs."""
    application.save(update_fields=[*_SUBMITTED_FIELDS, "updated_at"])
    _event(
        application,
        EventKind.SUBMITTED,
        actor=_actor(request),
        status_from=ApplicationStatus.DRAFT,
        status_to=ApplicationStatus.RECEIVED,
        data=event_data,
    )
    _audit(request, application, AuditAction.UPDATE, "submitted")
    _send_receipt_mail(application, filed=False)
    # The PDFs and the hand-offs commit with the submission (an outbox), so a process
    # that dies right after the commit loses neither (applications/outbox.py).
    submission_outbox.record_submitted(application)


def _write_submission_along(
    request: HttpRequest | None,
    application: Application,
    event_data: dict[str, Any],
    now: datetime,
    keys: list[int],
) -> None:
    """The same rows as ``_write_submission``, written by one statement (PostgreSQL,
    ``core.fastsql``'s ``along``): the application's UPDATE takes along its event, the
    audit entry, the sealed receipt mail, the hand-off deliveries, both outbox rows and
    the task rows that enqueue the mail and the outbox nudges (``core/taskrows.py``).

    Issue 19: written one by one, a submission made 14 round trips and four commits (the
    three tasks were enqueued after the commit, each its own transaction); under load
    each round trip waits for the CPU, and the submission waited on them, not on its
    own work. Now: the lock, the steps and the keys of the rows that tasks name in one
    round trip (``_lock_and_read``), this statement, and one commit; the enabled hand-off backends come from the process's copy, checked
    against the version the request's job centre was read under (``handoff.configcache``;
    a round trip only after a change)."""
    mail = sealed_mail(_receipt_message(application, filed=False))
    items = submission_outbox.submitted_items(application)
    # Keys taken with the lock (``_lock_and_read``), in the order it names the models.
    for obj, key in zip([mail, *items], keys, strict=True):
        obj.pk = key
    event = _event_row(
        application,
        EventKind.SUBMITTED,
        actor=_actor(request),
        status_from=ApplicationStatus.DRAFT,
        status_to=ApplicationStatus.RECEIVED,
        data=event_data,
    )
    entry = _audit_entry(request, application, AuditAction.UPDATE, "submitted")
    along = (
        entry,
        event,
        *mail_rows_along(mail),
        *submission_outbox.submitted_rows(
            application, items, version=_tenant_version(request, application)
        ),
    )
    values = {name: getattr(application, name) for name in _SUBMITTED_FIELDS}
    application.updated_at = now
    fastsql.update(Application, application.pk, {**values, "updated_at": now}, along=along)


def _tenant_version(request: HttpRequest | None, application: Application) -> str | None:
    """The shared version the request's job centre was read under, when it is the
    application's (the hand-off backends' per-process copy is checked against it)."""
    from openjobcenter.tenants.jccache import version_of

    jobcenter = getattr(request, "jobcenter", None) if request is not None else None
    if jobcenter is None or jobcenter.pk != application.jobcenter_id:
        return None
    return version_of(jobcenter)


# --- The application's address and the profile (issue 17: answers follow the person) -----------

ADDRESS_FIELDS = ("street", "postcode", "city")


@dataclass(frozen=True)
class AddressOffer:
    """The filing step's address where it differs from the profile's."""

    address: dict[str, str]
    profile_has_address: bool

    @property
    def default(self) -> bool:
        # A profile without an address takes the application's unless the customer
        # says no; an existing one is changed only when the customer ticks the box.
        return not self.profile_has_address


def profile_address_offer(application: Application, answers: engine.Answers) -> AddressOffer | None:
    """What to offer on the submit page, or None when the profile already holds it."""
    filing = answers.step("filing")
    address = {k: str(filing.get(k) or "") for k in ADDRESS_FIELDS}
    if not all(address.values()):
        return None
    profile = application.customer
    current = {k: str(getattr(profile, k) or "") for k in ADDRESS_FIELDS}
    if current == address:
        return None
    # A town alone (as a sign-up may leave it) is not an address to protect.
    return AddressOffer(address, bool(current["street"]))


def _address_to_profile(
    request: HttpRequest | None, application: Application, answers: engine.Answers
) -> None:
    from openjobcenter.accounts.services import customer_profile_update

    offer = profile_address_offer(application, answers)
    if offer is None:
        return
    profile = application.customer
    customer_profile_update(
        request=request, actor=profile.user, profile=profile, data=dict(offer.address)
    )


# --- PDFs (called by the task) -----------------------------------------------------------------


def application_pdfs_store(
    *, application_id: int, parts: tuple[str, ...] = ("summary", "receipt")
) -> Application:
    """Render and store the summary (once submitted) and the receipt (once filed) through
    the storage API; names kept on the application. Idempotent.

    The summary comes first and is committed on its own: it is what staff, the customer
    and the hand-off wait for after submitting, so it must not wait for the receipt's
    render.
    """
    application: Application | None = None
    for part in parts:
        application = _store_pdf(application_id=application_id, part=part)
    if application is None:  # pragma: no cover - callers name at least one part
        return Application.objects.get(pk=application_id)
    return application


_PDF_FIELD = {"summary": "pdf_name", "receipt": "receipt_pdf_name"}


def _store_pdf(*, application_id: int, part: str) -> Application:
    """Render and seal one PDF outside any lock, then lock the row only to record it.

    A render takes a second or more (WeasyPrint); holding the application's row lock
    through it would stall every write to that application (and, before ``of=("self",)``,
    to its job centre). If another worker recorded the same PDF meanwhile, ours is dropped.
    """
    from openjobcenter.applications import pdf
    from openjobcenter.core import sealed

    failpoints.hit("applications.pdf")
    application = Application.objects.select_related("jobcenter", "customer__user").get(
        pk=application_id
    )
    field = _PDF_FIELD[part]
    if part == "receipt":
        wanted = bool(application.filed_at) and not application.receipt_pdf_name
    else:
        wanted = bool(application.submitted_data) and not application.pdf_name
    if not wanted:
        return application
    content = (
        pdf.render_receipt(application) if part == "receipt" else pdf.render_summary(application)
    )
    name = sealed.save(application.jobcenter, "applications", ".pdf", content)
    with transaction.atomic():
        locked = _lock(application)
        # The submission the PDF was made from must still be the one on record (a
        # re-submission clears the names and renders again).
        same = locked.submission_sha256 == application.submission_sha256
        if getattr(locked, field) or not same:
            transaction.on_commit(lambda: sealed.delete(name))
            return locked
        setattr(locked, field, name)
        locked.save(update_fields=[field, "updated_at"])
    return locked

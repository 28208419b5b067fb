"""Customer-side writes of applications (DESIGN §4.1): start, file, save a step, submit,
answer a staff question. Each is atomic, audited, and sends mail / enqueues tasks only
after commit. Staff-side writes live in ``services_staff.py``.

Start, steps, filing and answers are here; the errors and shared helpers are in
``services_common.py``, submission and PDFs in ``services_submit.py``, re-exported here
so callers keep writing ``services.application_submit``. To replace a function in a
test, patch it in the module that defines it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.applications import engine, prefill_sources
from openjobcenter.applications import outbox as submission_outbox
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationStatus,
    ApplicationStep,
    EventKind,
    StepState,
)
from openjobcenter.applications.selectors import (
    kinds_offered,
    latest_submitted,
    open_draft,
)
from openjobcenter.applications.services_common import (
    MAX_ANSWER_LENGTH,
    REFERENCE_ALPHABET,
    REFERENCE_PREFIX,
    SCHEMA_ID,
    ApplicationError,
    ApplicationIncomplete,
    StepConflict,
    StepInvalid,
    _actor,
    _audit,
    _event,
    _lock,
    _send_receipt_mail,
    customer_url,
    new_reference,
)
from openjobcenter.applications.services_submit import (
    application_pdfs_store,
    application_submit,
    build_submission,
    canonical_json,
)
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile

logger = logging.getLogger(__name__)


# --- Prefill --------------------------------------------------------------------------------


def _profile_filing(customer: CustomerProfile) -> dict[str, Any]:
    user = customer.user
    values = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "street": customer.street,
        "postcode": customer.postcode,
        "city": customer.city,
        "email": user.email,
        "phone": customer.phone,
    }
    return {k: v for k, v in values.items() if v}


# Steps a renewal or change notice takes over from the last submitted application.
CARRIED_STEPS = (
    "personal",
    "bank",
    "situation",
    "household",
    "member",
    "housing",
    "income",
    "assets",
    "additional_needs",
    "health_insurance",
)


def prefill_for(
    customer: CustomerProfile, kind: str, extra: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[dict[str, dict[str, Any]], Application | None]:
    """Answers to start with: the profile, then (renewal/change notice) the latest submitted
    application, then ``extra`` (e.g. the self-check's answers). Returns the answers by step
    and the previous application."""
    data: dict[str, dict[str, Any]] = {}
    previous = None
    if kind != ApplicationKind.INITIAL:
        previous = latest_submitted(customer)
        if previous is not None and previous.submitted_data:
            old = previous.submitted_data.get("answers") or {}
            for key, values in old.items():
                if key.partition(":")[0] in CARRIED_STEPS:
                    data[key] = dict(values)
            filing = dict(old.get("filing") or {})
            data["filing"] = filing
    filing = data.setdefault("filing", {})
    filing.update(_profile_filing(customer))
    for key, values in (extra or {}).items():
        data.setdefault(key, {}).update(values)
    return data, previous


# --- Start ---------------------------------------------------------------------------------


@transaction.atomic
def application_start(
    *,
    request: HttpRequest | None,
    customer: CustomerProfile,
    kind: str,
    prefill: Mapping[str, Mapping[str, Any]] | None = None,
) -> Application:
    """Start a draft of ``kind`` (initial / renewal / change_notice) for the customer.

    If the customer already has an unfinished draft of this kind, that draft is returned
    (one at a time, so a second device continues the same one). ``prefill`` maps step keys
    to answers to start with (e.g. from the self-check); they are saved as open steps, not
    as done ones, so the customer sees and confirms them. ``ApplicationError`` if the job
    centre has this kind switched off."""
    if kind not in ApplicationKind.values or kind not in kinds_offered(customer.jobcenter):
        raise ApplicationError(_("Diese Antragsart bietet Ihr Jobcenter nicht online an."))
    existing = open_draft(customer, kind)
    if existing is not None:
        return existing
    definition = engine.latest_definition(kind)
    data, previous = prefill_for(customer, kind, prefill)
    user = customer.user
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    jobcenter=customer.jobcenter,
                    customer=customer,
                    kind=kind,
                    reference=new_reference(kind),
                    form_key=definition.key,
                    form_version=definition.version,
                    customer_name=f"{user.first_name} {user.last_name}".strip(),
                    customer_number=customer.customer_number or "",
                    previous=previous,
                )
            break
        except IntegrityError:  # the same reference drawn twice: draw again
            continue
    else:  # pragma: no cover - 31^8 codes per kind and year
        raise ApplicationError(_("Bitte versuchen Sie es noch einmal."))
    known = {s.key for s in definition.steps}
    stored = [key for key, values in data.items() if key.partition(":")[0] in known and values]
    ApplicationStep.objects.bulk_create(
        [
            ApplicationStep(application=application, step_key=key, answers=data[key], version=1)
            for key in stored
        ]
    )
    # Each step later says where its answers came from (issue 17).
    prefilled = prefill_sources.origins(
        stored,
        self_check=prefill,
        previous=((previous.submitted_data or {}).get("answers") or {}) if previous else (),
        profile=bool(_profile_filing(customer)),
    )
    _event(
        application,
        EventKind.CREATED,
        actor=_actor(request),
        data={"prefilled": prefilled} if prefilled else None,
    )
    _audit(request, application, AuditAction.CREATE, f"application {kind}")
    return application


# --- Saving a step and filing ---------------------------------------------------------------


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationError(
            _(
                "Dieser Antrag ist schon abgeschickt und kann nicht mehr geändert werden. "
                "Änderungen teilen Sie uns bitte mit einer Veränderungsmitteilung mit."
            ),
            code="read_only",
        )


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
    event, receipt e-mail)."""
    application = _lock(application)
    _require_draft(application)
    definition = engine.get_definition(application.form_key, application.form_version)
    rows = {s.step_key: s for s in ApplicationStep.objects.filter(application=application)}
    context = engine.Answers({k: r.answers for k, r in rows.items()})
    try:
        inst = engine.get_instance(definition, context, step_key)
    except KeyError:
        raise ApplicationError(_("Diesen Schritt gibt es nicht."), code="unknown_step") from None
    cleaned, errors = engine.validate_step(definition, step_key, answers, context)
    row = rows.get(step_key)
    stored_version = row.version if row is not None else 0
    # The conflict is told before the checks' messages: the newer answers matter more.
    if base_version != stored_version:
        raise StepConflict(step_key, dict(row.answers) if row else {}, stored_version)
    if errors:
        raise StepInvalid(errors, cleaned)
    now = timezone.now()
    if row is None:
        row = ApplicationStep(application=application, step_key=step_key)
    row.answers = cleaned
    row.state = StepState.DONE
    row.version = stored_version + 1
    row.completed_at = now
    row.save()
    fields = ["updated_at"]
    if inst.step.filing:
        application.customer_name = (
            f"{cleaned.get('first_name', '')} {cleaned.get('last_name', '')}".strip()
        )
        fields.append("customer_name")
    application.save(update_fields=fields)
    _audit(request, application, AuditAction.UPDATE, f"step {step_key}")
    if inst.step.filing and application.filed_at is None:
        _file(request, application, now)
    # The home's "Nächster Schritt" moves on.
    home_changed(application.customer.user_id)
    return row


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


# --- Answer to a staff question ----------------------------------------------------------


@transaction.atomic
def application_answer_question(
    *,
    request: HttpRequest | None,
    application: Application,
    question: ApplicationEvent,
    message: str,
) -> ApplicationEvent:
    """The customer answers a question staff asked (an ANSWER event, shown to both)."""
    text = (message or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise ApplicationError(_("Bitte schreiben Sie eine Antwort."), field="message")
    if len(text) > MAX_ANSWER_LENGTH:
        raise ApplicationError(
            _("Bitte kürzen Sie Ihre Antwort auf höchstens %(n)s Zeichen.")
            % {"n": MAX_ANSWER_LENGTH},
            field="message",
        )
    if question.application_id != application.pk or question.kind != EventKind.QUESTION:
        raise ApplicationError(_("Diese Frage gibt es nicht."), code="unknown_question")
    application = _lock(application)
    event = _event(
        application,
        EventKind.ANSWER,
        actor=_actor(request),
        message=text,
        data={"question": question.pk},
    )
    application.save(update_fields=["updated_at"])
    _audit(request, application, AuditAction.UPDATE, "answer")
    return event


__all__ = [
    "CARRIED_STEPS",
    "MAX_ANSWER_LENGTH",
    "REFERENCE_ALPHABET",
    "REFERENCE_PREFIX",
    "SCHEMA_ID",
    "ApplicationError",
    "ApplicationIncomplete",
    "StepConflict",
    "StepInvalid",
    "application_answer_question",
    "application_file",
    "application_pdfs_store",
    "application_start",
    "application_step_open",
    "application_step_save",
    "application_submit",
    "build_submission",
    "canonical_json",
    "customer_url",
    "new_reference",
    "prefill_for",
]

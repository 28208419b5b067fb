"""Customer-side writes of applications (DESIGN §4.1): start, file, save a step, submit,
answer a staff question. Each is atomic, audited, and sends mail / enqueues tasks only
after commit. Staff-side writes live in ``services_staff.py``.

Start and answers are here; saving steps and filing in ``services_steps.py``, the errors and shared helpers in
``services_common.py``, submission and PDFs in ``services_submit.py``, re-exported here
so callers keep writing ``services.application_submit``. To replace a function in a
test, patch it in the module that defines it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openjobcenter.applications import engine, prefill_sources
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationStep,
    EventKind,
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
    customer_url,
    new_reference,
)
from openjobcenter.applications.services_steps import (
    application_file,
    application_step_open,
    application_step_save,
)
from openjobcenter.applications.services_submit import (
    application_pdfs_store,
    application_submit,
    build_submission,
    canonical_json,
)
from openjobcenter.core.models import AuditAction

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
    filing.update(prefill_sources.filing_from_sources(customer)[0])
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
        filing_source=prefill_sources.filing_from_sources(customer)[1],
    )
    _event(
        application,
        EventKind.CREATED,
        actor=_actor(request),
        data={"prefilled": prefilled} if prefilled else None,
    )
    _audit(request, application, AuditAction.CREATE, f"application {kind}")
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

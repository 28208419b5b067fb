"""Customer-side writes of applications (DESIGN §4.1): start, file, save a step, submit,
answer a staff question. Each is atomic, audited, and sends mail / enqueues tasks only
after commit. Staff-side writes live in ``services_staff.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
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
from openjobcenter.applications.proofs import derive_proofs_for
from openjobcenter.applications.selectors import (
    kinds_offered,
    latest_submitted,
    open_draft,
)
from openjobcenter.core import failpoints
from openjobcenter.core.audit import audit
from openjobcenter.core.mail import send_after_commit
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User

logger = logging.getLogger(__name__)

REFERENCE_PREFIX = {
    ApplicationKind.INITIAL: "EA",
    ApplicationKind.RENEWAL: "WA",
    ApplicationKind.CHANGE_NOTICE: "VM",
}
# No 0/O, 1/I/L: read aloud on the phone without mistakes. 31^8 ≈ 8.5e11 per year and kind.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SCHEMA_ID = "https://openjobcenter.de/schemas/application/1"
MAX_ANSWER_LENGTH = 2000


class ApplicationError(Exception):
    """A request the rules refuse; ``message`` is shown to the person as it is."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class StepInvalid(ApplicationError):  # noqa: N818 - reads as the situation
    """The answers of a step did not pass the checks; ``errors`` by field key."""

    def __init__(self, errors: dict[str, str], cleaned: dict[str, Any]) -> None:
        super().__init__(_("Bitte prüfen Sie Ihre Angaben."), code="invalid_step")
        self.errors = errors
        self.cleaned = cleaned


class StepConflict(ApplicationError):  # noqa: N818
    """The step was saved meanwhile from another device; nothing was overwritten.

    ``answers`` and ``version`` are the stored (newer) ones; save again with
    ``base_version=version`` to replace them knowingly."""

    def __init__(self, step_key: str, answers: dict[str, Any], version: int) -> None:
        super().__init__(
            _("Dieser Schritt wurde inzwischen auf einem anderen Gerät geändert."),
            code="conflict",
        )
        self.step_key = step_key
        self.answers = answers
        self.version = version


class ApplicationIncomplete(ApplicationError):  # noqa: N818
    def __init__(self, open_steps: list[engine.StepProgress]) -> None:
        super().__init__(
            _("Es fehlen noch Angaben. Bitte füllen Sie zuerst alle offenen Schritte aus."),
            code="incomplete",
        )
        self.open_steps = open_steps


def _audit(
    request: HttpRequest | None, application: Application, action: AuditAction, detail: str
) -> None:
    audit(
        request=request,
        action=action,
        object_type="application",
        object_id=application.pk,
        jobcenter=application.jobcenter,
        subject=application.customer.user,
        detail=detail,
    )


def _event(
    application: Application,
    kind: EventKind,
    *,
    actor: User | None,
    message: str = "",
    data: dict[str, Any] | None = None,
    status_from: str = "",
    status_to: str = "",
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        message=message,
        data=data or {},
        status_from=status_from,
        status_to=status_to,
    )


def _actor(request: HttpRequest | None) -> User | None:
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


def new_reference(kind: str) -> str:
    prefix = REFERENCE_PREFIX.get(ApplicationKind(kind), "AN")
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{timezone.localdate().year}-{code}"


def _lock(application: Application) -> Application:
    # of=("self",): lock the application row only. A plain FOR UPDATE would lock the
    # joined job-centre and user rows too, and all customers of a job centre would queue
    # behind each other.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("jobcenter", "customer__user")
        .get(pk=application.pk)
    )


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


def customer_url(application: Application, name: str = "customer:application") -> str:
    try:
        path = reverse(name, kwargs={"jc": application.jobcenter.slug, "pk": application.pk})
    except NoReverseMatch:
        path = reverse("customer:home", kwargs={"jc": application.jobcenter.slug})
    return str(settings.SITE_URL).rstrip("/") + path


def _send_receipt_mail(application: Application, *, filed: bool) -> None:
    """In the customer's language; only reference and date, no social data."""
    user = application.customer.user
    when = application.filed_at if filed else application.submitted_at
    with translation.override(user.preferred_language or "de"):
        local = timezone.localtime(when)
        if filed:
            subject = _("Eingangsbestätigung: Ihr Antrag %(ref)s") % {"ref": application.reference}
            intro = _(
                "Ihr Antrag ist am %(date)s um %(time)s Uhr bei uns eingegangen. Das ist Ihr "
                "Antragsdatum. Die übrigen Angaben können Sie in den nächsten Tagen ergänzen."
            )
        else:
            subject = _("Ihr Antrag %(ref)s ist abgeschickt") % {"ref": application.reference}
            intro = _(
                "Ihr vollständiger Antrag ist am %(date)s um %(time)s Uhr bei uns eingegangen."
            )
        body = "\n\n".join(
            [
                _("Guten Tag,"),
                intro % {"date": date_format(local, "d.m.Y"), "time": date_format(local, "H:i")},
                _("Aktenzeichen: %(ref)s") % {"ref": application.reference},
                _("Die Bestätigung als PDF und den Stand Ihres Antrags finden Sie hier:")
                + "\n"
                + customer_url(application, "customer:application_receipt_pdf")
                + "\n"
                + customer_url(application),
                _("Ihr %(jc)s") % {"jc": application.jobcenter.name},
            ]
        )
    send_after_commit(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))


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
        "$schema": SCHEMA_ID,
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
) -> Application:
    """Submit a complete draft: freeze ``submitted_data`` (canonical JSON) and its SHA-256,
    status RECEIVED, SUBMITTED event, and in the same transaction the hand-off deliveries
    and the outbox row for the PDFs (``applications/outbox.py``); the receipt e-mail
    after commit.

    Idempotent: submitting an already submitted application returns it unchanged (no
    second event, the same receipt). ``ApplicationIncomplete`` lists open steps."""
    application = _lock(application)
    if application.status != ApplicationStatus.DRAFT:
        if application.submitted_at is not None:
            # A retry finds the work recorded (it committed with the submission); this
            # only repairs an application submitted before the outbox existed.
            submission_outbox.record_submitted(application)
        return application
    definition = engine.get_definition(application.form_key, application.form_version)
    rows = list(ApplicationStep.objects.filter(application=application))
    answers = engine.Answers({r.step_key: r.answers for r in rows})
    done = [r.step_key for r in rows if r.state == StepState.DONE]
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
    application.save(
        update_fields=[
            "receipt_pdf_name",
            "filed_at",
            "submitted_at",
            "submitted_data",
            "submission_sha256",
            "status",
            "updated_at",
        ]
    )
    _event(
        application,
        EventKind.SUBMITTED,
        actor=_actor(request),
        status_from=ApplicationStatus.DRAFT,
        status_to=ApplicationStatus.RECEIVED,
        data={
            "idempotency_key": (idempotency_key or "")[:100],
            "sha256": application.submission_sha256,
        },
    )
    _audit(request, application, AuditAction.UPDATE, "submitted")
    _send_receipt_mail(application, filed=False)
    # The PDFs and the hand-offs commit with the submission (an outbox), so a process
    # that dies right after the commit loses neither (applications/outbox.py).
    submission_outbox.record_submitted(application)
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

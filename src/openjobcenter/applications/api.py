"""API of the applications module, mounted at the root of ``/api/v1/``.

Public: ``/forms/`` (form definitions with steps, fields, conditions and help texts) and
``/schemas/`` (the versioned JSON Schema of submitted data).

Customers (``/applications/...``; session with CSRF or a personal bearer token) see and
change only their own applications: someone else's is a 404 like a missing one. The
whole customer flow works through these endpoints alone: start a draft, file (the
minimal first step), save steps (optimistic ``base_version``; 409 with the newer answers
when another device saved meanwhile), read the derived proofs, submit (idempotent, with
an ``Idempotency-Key`` header; rate limited), read status and history, answer questions.

Staff (``/applications/staff/{jc}/...``) take only a session in which the second factor
was used, like the appointments API; another job centre's staff get 404, roles without
the permission 403. Writes go through ``services`` (customer) and ``services_staff``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.api.auth import auth_user, session_or_token, staff_session
from openjobcenter.api.schemas import ErrorOut, RateLimitedOut, ValidationErrorOut
from openjobcenter.applications import engine, proofs, ratelimit, schema, services, services_staff
from openjobcenter.applications.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    ApplicationStep,
    StepState,
)
from openjobcenter.applications.selectors import (
    applications_of_customer,
    customer_events,
    get_application_for_customer,
    get_question_for_customer,
)
from openjobcenter.applications.selectors_staff import (
    CappedPaginator,
    InboxFilter,
    events_of,
    get_application_for_staff,
    get_processing_staff,
    inbox,
)
from openjobcenter.core.access import Perm, has_perm, staff_roles
from openjobcenter.core.audit import audit
from openjobcenter.core.inputs import Day
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["applications"])
MODULE = "applications"
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
MAX_ANSWERS_KEYS = 60

# --- schemas --------------------------------------------------------------------------


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class FormSummaryOut(Schema):
    key: str
    version: int
    kind: str
    title: str
    description: str
    url: str


class LangQuery(Schema):
    lang: str | None = Field(default=None, description="Language of labels and help texts")
    version: int | None = Field(default=None, ge=1, description="Default: the newest version")


class SchemaRefOut(Schema):
    name: str
    version: int
    id: str
    url: str


class ApplicationStartIn(Strict):
    kind: Literal["initial", "renewal", "change_notice"]
    prefill: dict[str, dict[str, Any]] | None = Field(
        default=None, description="Step key → answers to start with (saved as open steps)"
    )


class StepIn(Strict):
    answers: dict[str, Any] = Field(description="Field key → value (canonical or as typed)")
    base_version: int = Field(ge=0, description="The step's version you started from (0: new)")


class StepOut(Schema):
    step_key: str
    state: str
    version: int
    answers: dict[str, Any]
    completed_at: datetime | None


class ConflictOut(Schema):
    detail: str
    step_key: str
    version: int
    answers: dict[str, Any]


class ProgressOut(Schema):
    key: str
    title: str
    topic: str
    status: str
    person_id: str | None
    version: int


class ApplicationOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    status_label: str
    form_key: str
    form_version: int
    filed_at: datetime | None
    submitted_at: datetime | None
    submission_sha256: str
    pdf_ready: bool


class ApplicationDetailOut(ApplicationOut):
    steps: list[ProgressOut]
    next_step: str | None


class ProofOut(Schema):
    kind: str
    label: str
    reason: str
    person_id: str | None
    person_name: str
    note: str


class EventOut(Schema):
    id: int
    at: datetime
    kind: str
    kind_label: str
    status_from: str
    status_to: str
    message: str


class StaffEventOut(EventOut):
    actor: str | None
    internal: bool
    data: dict[str, Any]


class AnswerIn(Strict):
    message: str = Field(max_length=services.MAX_ANSWER_LENGTH)


class IncompleteOut(Schema):
    detail: str
    open_steps: list[str]


class ApplicationInboxQuery(Schema):
    kind: Literal["initial", "renewal", "change_notice"] | None = None
    status: (
        Literal[
            "received", "in_progress", "documents_requested", "complete", "decided", "withdrawn"
        ]
        | None
    ) = None
    assignee: str | None = Field(
        default=None,
        pattern=r"^(mine|unassigned|[0-9]{1,10})$",
        description="'mine', 'unassigned' or a staff member's user id",
    )
    von: Day | None = Field(default=None, description="Submitted on or after (day)")
    bis: Day | None = Field(default=None, description="Submitted on or before (day)")
    q: str | None = Field(
        default=None, max_length=100, description="Name, customer number or reference"
    )
    page: int = Field(default=1, ge=1, le=100000)


class StaffApplicationOut(ApplicationOut):
    customer_name: str
    customer_number: str
    assignee_id: int | None
    assignee_name: str | None


class InboxOut(Schema):
    count: int = Field(description="Matching applications, at most 5,000 (see count_capped)")
    count_capped: bool = Field(description="More match than counted: narrow the filter")
    page: int
    pages: int
    results: list[StaffApplicationOut]


class StaffApplicationDetailOut(StaffApplicationOut):
    submitted_data: dict[str, Any]
    events: list[StaffEventOut]


class ApplicationStatusIn(Strict):
    status: Literal[
        "received", "in_progress", "documents_requested", "complete", "decided", "withdrawn"
    ]
    reason: str = Field(
        min_length=1, max_length=services_staff.MAX_MESSAGE, description="Shown to the customer"
    )


class QuestionIn(Strict):
    question: str = Field(
        min_length=1,
        max_length=services_staff.MAX_MESSAGE,
        description="Shown to the customer after login (not in the e-mail)",
    )


class ApplicationAssignIn(Strict):
    assignee_id: int | None = Field(description="A colleague's user id, or null for nobody")


# --- helpers --------------------------------------------------------------------------


def _language(lang: str | None) -> str | None:
    if lang is None:
        return None
    if lang not in LANGUAGES:
        raise HttpError(422, f"Unknown language; one of: {', '.join(LANGUAGES)}")
    return lang


def _customer(request: HttpRequest) -> CustomerProfile:
    user: User = auth_user(request)
    profile = CustomerProfile.objects.select_related("jobcenter", "user").filter(user=user).first()
    if profile is None or not is_enabled(profile.jobcenter, MODULE):
        raise Http404
    return profile


def _own(request: HttpRequest, application_id: int) -> Application:
    return get_application_for_customer(_customer(request), application_id)


def _app_out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "reference": app.reference,
        "kind": app.kind,
        "status": app.status,
        "status_label": str(app.get_status_display()),
        "form_key": app.form_key,
        "form_version": app.form_version,
        "filed_at": app.filed_at,
        "submitted_at": app.submitted_at,
        "submission_sha256": app.submission_sha256,
        "pdf_ready": bool(app.pdf_name),
    }


def _detail_out(app: Application) -> dict[str, Any]:
    rows = {s.step_key: s for s in ApplicationStep.objects.filter(application=app)}
    progress = engine.progress_for(
        engine.get_definition(app.form_key, app.form_version),
        engine.Answers({k: r.answers for k, r in rows.items()}),
        [k for k, r in rows.items() if r.state == StepState.DONE],
    )
    steps = [
        {
            "key": p.key,
            "title": str(p.title),
            "topic": str(p.topic),
            "status": str(p.status),
            "person_id": p.person_id,
            "version": rows[p.key].version if p.key in rows else 0,
        }
        for p in progress
    ]
    open_steps = [s["key"] for s in steps if s["status"] == engine.StepStatus.OPEN]
    return {**_app_out(app), "steps": steps, "next_step": open_steps[0] if open_steps else None}


def _step_out(row: ApplicationStep) -> dict[str, Any]:
    return {
        "step_key": row.step_key,
        "state": row.state,
        "version": row.version,
        "answers": row.answers,
        "completed_at": row.completed_at,
    }


def _event_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "kind": e.kind,
        "kind_label": str(e.get_kind_display()),
        "status_from": e.status_from,
        "status_to": e.status_to,
        "message": e.message,
    }


def _field_errors(errors: dict[str, str]) -> Status[Any]:
    return Status(
        422,
        {
            "detail": [
                {"loc": ["body", "answers", *key.split(".")], "msg": str(msg), "type": "invalid"}
                for key, msg in errors.items()
            ]
        },
    )


def _service_error(exc: services.ApplicationError) -> Status[Any]:
    if isinstance(exc, services.StepConflict):
        return Status(
            409,
            {
                "detail": exc.message,
                "step_key": exc.step_key,
                "version": exc.version,
                "answers": exc.answers,
            },
        )
    if isinstance(exc, services.StepInvalid):
        return _field_errors(exc.errors)
    if isinstance(exc, services.ApplicationIncomplete):
        return Status(422, {"detail": exc.message, "open_steps": [p.key for p in exc.open_steps]})
    if exc.code == "unknown_step":
        return Status(404, {"detail": exc.message})
    if exc.code == "read_only":
        return Status(409, {"detail": exc.message})
    if exc.field:
        return Status(
            422, {"detail": [{"loc": ["body", exc.field], "msg": exc.message, "type": exc.code}]}
        )
    return Status(422, {"detail": [{"loc": ["body"], "msg": exc.message, "type": exc.code}]})


def _check_answers(answers: dict[str, Any]) -> None:
    if len(answers) > MAX_ANSWERS_KEYS:
        raise HttpError(422, "Too many answers in one step")


# --- public: forms and schemas --------------------------------------------------------


@router.get("/forms/", response=list[FormSummaryOut], auth=None, tags=["forms"])
def list_forms(request: HttpRequest, params: Query[LangQuery]) -> list[dict[str, Any]]:
    """Every form definition (all versions): key, version, kind, title."""
    lang = _language(params.lang)
    with translation.override(lang or translation.get_language()):
        return [
            {
                "key": d.key,
                "version": d.version,
                "kind": d.kind,
                "title": str(d.title),
                "description": str(d.description),
                "url": f"/api/v1/forms/{d.key}?version={d.version}",
            }
            for d in engine.all_definitions()
        ]


@router.get(
    "/forms/{key}",
    response={200: dict[str, Any], 404: ErrorOut, 422: ValidationErrorOut},
    auth=None,
    tags=["forms"],
)
def get_form(request: HttpRequest, key: str, params: Query[LangQuery]) -> Any:
    """One definition with its steps, fields, conditions (``show_if``) and help texts."""
    lang = _language(params.lang)
    try:
        definition = (
            engine.get_definition(key, params.version)
            if params.version
            else engine.latest_definition(key)
        )
    except KeyError:
        return Status(404, {"detail": "No such form"})
    return engine.definition_as_json(definition, lang)


@router.get("/schemas/", response=list[SchemaRefOut], auth=None, tags=["schemas"])
def list_schemas(request: HttpRequest) -> list[dict[str, Any]]:
    """The published JSON Schemas of submitted data, one per name and version."""
    return [
        {
            "name": name,
            "version": v,
            "id": f"{schema.BASE_ID}/{name}/{v}",
            "url": f"/api/v1/schemas/{name}/{v}",
        }
        for name, found in schema.versions().items()
        for v in found
    ]


@router.get(
    "/schemas/{name}/{version}",
    response={200: dict[str, Any], 404: ErrorOut},
    auth=None,
    tags=["schemas"],
)
def get_schema(request: HttpRequest, name: str, version: int) -> Any:
    """One JSON Schema (draft 2020-12)."""
    try:
        return schema.get_schema(name, version)
    except KeyError:
        return Status(404, {"detail": "No such schema"})


# --- customers ------------------------------------------------------------------------

CUSTOMER_ERRORS: dict[int, Any] = {
    404: ErrorOut,
    409: ConflictOut | ErrorOut,
    422: ValidationErrorOut,
}


@router.get("/applications/", response=list[ApplicationOut], auth=session_or_token)
def my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own applications, newest first (drafts included)."""
    return [_app_out(a) for a in applications_of_customer(_customer(request))[:100]]


@router.post(
    "/applications/",
    response={201: ApplicationDetailOut, **CUSTOMER_ERRORS},
    auth=session_or_token,
)
def start_application(request: HttpRequest, payload: ApplicationStartIn) -> Any:
    """Start a draft of a kind (or continue the open one of that kind)."""
    customer = _customer(request)
    if payload.prefill is not None and len(payload.prefill) > MAX_ANSWERS_KEYS:
        raise HttpError(422, "Too many steps in prefill")
    try:
        app = services.application_start(
            request=request, customer=customer, kind=payload.kind, prefill=payload.prefill
        )
    except services.ApplicationError as exc:
        return _service_error(exc)
    return Status(201, _detail_out(app))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, 404: ErrorOut},
    auth=session_or_token,
)
def my_application(request: HttpRequest, application_id: int) -> Any:
    """One own application with the progress of every step (done, open, not needed)."""
    return _detail_out(_own(request, application_id))


@router.get(
    "/applications/{application_id}/steps/{step_key}",
    response={200: StepOut, 404: ErrorOut},
    auth=session_or_token,
)
def get_step(request: HttpRequest, application_id: int, step_key: str) -> Any:
    """The stored answers and version of one step instance (version 0: never saved)."""
    app = _own(request, application_id)
    row = ApplicationStep.objects.filter(application=app, step_key=step_key[:80]).first()
    if row is None:
        definition = engine.get_definition(app.form_key, app.form_version)
        try:
            definition.step(step_key)
        except KeyError:
            return Status(404, {"detail": "No such step"})
        return {
            "step_key": step_key,
            "state": StepState.OPEN,
            "version": 0,
            "answers": {},
            "completed_at": None,
        }
    return _step_out(row)


@router.put(
    "/applications/{application_id}/steps/{step_key}",
    response={200: StepOut, **CUSTOMER_ERRORS},
    auth=session_or_token,
)
def save_step(request: HttpRequest, application_id: int, step_key: str, payload: StepIn) -> Any:
    """Save one step. 409 with the stored (newer) answers and version when the step was
    saved meanwhile from elsewhere; 422 naming each refused field."""
    app = _own(request, application_id)
    _check_answers(payload.answers)
    try:
        row = services.application_step_save(
            request=request,
            application=app,
            step_key=step_key[:80],
            answers=payload.answers,
            base_version=payload.base_version,
        )
    except services.ApplicationError as exc:
        return _service_error(exc)
    return _step_out(row)


@router.post(
    "/applications/{application_id}/file",
    response={200: ApplicationDetailOut, **CUSTOMER_ERRORS},
    auth=session_or_token,
)
def file_application(request: HttpRequest, application_id: int, payload: StepIn) -> Any:
    """Save the minimal first step: the application counts as filed from now on."""
    app = _own(request, application_id)
    _check_answers(payload.answers)
    try:
        app = services.application_file(
            request=request,
            application=app,
            answers=payload.answers,
            base_version=payload.base_version,
        )
    except services.ApplicationError as exc:
        return _service_error(exc)
    return _detail_out(app)


@router.get(
    "/applications/{application_id}/proofs",
    response={200: list[ProofOut], 404: ErrorOut},
    auth=session_or_token,
)
def my_proofs(request: HttpRequest, application_id: int) -> Any:
    """The proofs the answers call for, each with its reason."""
    return [p.as_json() for p in proofs.derive_proofs(_own(request, application_id))]


@router.post(
    "/applications/{application_id}/submit",
    response={
        200: ApplicationOut,
        404: ErrorOut,
        409: ErrorOut,
        422: IncompleteOut | ValidationErrorOut,
        429: RateLimitedOut,
    },
    auth=session_or_token,
)
def submit_application(
    request: HttpRequest,
    application_id: int,
    idempotency_key: str | None = Header(  # type: ignore[type-arg]
        default=None, alias="Idempotency-Key", max_length=100
    ),
) -> Any:
    """Submit. Idempotent: repeating it returns the same submitted application."""
    customer = _customer(request)
    app = get_application_for_customer(customer, application_id)
    if app.status == ApplicationStatus.DRAFT and not ratelimit.submission_allowed(
        user_id=customer.user_id
    ):
        return Status(429, {"detail": "Too many submissions; please try again later."})
    try:
        app = services.application_submit(
            request=request, application=app, idempotency_key=idempotency_key
        )
    except services.ApplicationError as exc:
        return _service_error(exc)
    return _app_out(app)


@router.get(
    "/applications/{application_id}/history",
    response={200: list[EventOut], 404: ErrorOut},
    auth=session_or_token,
)
def my_history(request: HttpRequest, application_id: int) -> Any:
    """What happened, as the customer may see it (status changes with reasons, questions)."""
    return [_event_out(e) for e in customer_events(_own(request, application_id))]


@router.get(
    "/applications/{application_id}/status",
    response={200: ApplicationOut, 404: ErrorOut},
    auth=session_or_token,
)
def my_status(request: HttpRequest, application_id: int) -> Any:
    return _app_out(_own(request, application_id))


@router.post(
    "/applications/{application_id}/questions/{question_id}/answer",
    response={201: EventOut, **CUSTOMER_ERRORS},
    auth=session_or_token,
)
def answer_question(
    request: HttpRequest, application_id: int, question_id: int, payload: AnswerIn
) -> Any:
    app = _own(request, application_id)
    question = get_question_for_customer(app, question_id)
    try:
        event = services.application_answer_question(
            request=request, application=app, question=question, message=payload.message
        )
    except services.ApplicationError as exc:
        return _service_error(exc)
    return Status(201, _event_out(event))


# --- staff ----------------------------------------------------------------------------


def _staff_jobcenter(request: HttpRequest, jc: str) -> Jobcenter:
    jobcenter = get_jobcenter_by_slug(jc)
    user: User = auth_user(request)
    roles = staff_roles(user, jobcenter)
    if not roles or not is_enabled(jobcenter, MODULE):
        raise Http404
    if not has_perm(roles, Perm.APPLICATIONS_PROCESS):
        raise HttpError(403, "Your role may not process applications")
    return jobcenter


def _staff_app_out(app: Application) -> dict[str, Any]:
    return {
        **_app_out(app),
        "customer_name": app.customer_name,
        "customer_number": app.customer_number,
        "assignee_id": app.assignee_id,
        "assignee_name": app.assignee.display_name if app.assignee else None,
    }


@router.get(
    "/applications/staff/{jc}/",
    response={200: InboxOut, 403: ErrorOut, 404: ErrorOut},
    auth=staff_session,
    tags=["applications (staff)"],
)
def staff_inbox(request: HttpRequest, jc: str, params: Query[ApplicationInboxQuery]) -> Any:
    """Submitted applications of the job centre, newest first, 50 per page."""
    jobcenter = _staff_jobcenter(request, jc)
    user: User = auth_user(request)
    flt = InboxFilter(
        kind=params.kind or "",
        status=params.status or "",
        assignee=params.assignee or "",
        date_from=params.von,
        date_to=params.bis,
        q=params.q or "",
    )
    paginator = CappedPaginator(inbox(jobcenter, user, flt), 50)
    page = paginator.get_page(params.page)
    rows = list(page.object_list)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="application_list",
        jobcenter=jobcenter,
        actor=user,
        detail=f"api inbox n={len(rows)}",
    )
    return {
        "count": paginator.count,
        "count_capped": paginator.capped,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_staff_app_out(a) for a in rows],
    }


def _staff_detail(app: Application) -> dict[str, Any]:
    return {
        **_staff_app_out(app),
        "submitted_data": app.submitted_data or {},
        "events": [
            {
                **_event_out(e),
                "actor": e.actor.display_name if e.actor else None,
                "internal": e.internal,
                "data": e.data or {},
            }
            for e in events_of(app)
        ],
    }


@router.get(
    "/applications/staff/{jc}/{application_id}",
    response={200: StaffApplicationDetailOut, 403: ErrorOut, 404: ErrorOut},
    auth=staff_session,
    tags=["applications (staff)"],
)
def staff_application(request: HttpRequest, jc: str, application_id: int) -> Any:
    jobcenter = _staff_jobcenter(request, jc)
    app = get_application_for_staff(jobcenter, application_id)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="application",
        object_id=app.pk,
        jobcenter=jobcenter,
        subject=app.customer.user,
        detail="api",
    )
    return _staff_detail(app)


def _staff_error(exc: services_staff.StaffActionError) -> Status[Any]:
    loc = ["body", exc.field] if exc.field else ["body"]
    return Status(422, {"detail": [{"loc": loc, "msg": exc.message, "type": "refused"}]})


@router.post(
    "/applications/staff/{jc}/{application_id}/status",
    response={
        200: StaffApplicationDetailOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=staff_session,
    tags=["applications (staff)"],
)
def staff_change_status(
    request: HttpRequest, jc: str, application_id: int, payload: ApplicationStatusIn
) -> Any:
    """Move the application to another status; the customer sees the reason."""
    jobcenter = _staff_jobcenter(request, jc)
    app = get_application_for_staff(jobcenter, application_id)
    try:
        services_staff.application_change_status(
            request=request,
            actor=auth_user(request),
            application=app,
            status=payload.status,
            reason=payload.reason,
        )
    except services_staff.StaffActionError as exc:
        return _staff_error(exc)
    return _staff_detail(get_application_for_staff(jobcenter, application_id))


@router.post(
    "/applications/staff/{jc}/{application_id}/assign",
    response={
        200: StaffApplicationDetailOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=staff_session,
    tags=["applications (staff)"],
)
def staff_assign(
    request: HttpRequest, jc: str, application_id: int, payload: ApplicationAssignIn
) -> Any:
    """Give the application to a colleague of the same job centre (null: nobody)."""
    jobcenter = _staff_jobcenter(request, jc)
    app = get_application_for_staff(jobcenter, application_id)
    try:
        assignee = (
            get_processing_staff(jobcenter, payload.assignee_id)
            if payload.assignee_id is not None
            else None
        )
    except Http404:
        return _staff_error(
            services_staff.StaffActionError(
                "Not a colleague who processes applications", field="assignee_id"
            )
        )
    try:
        services_staff.application_assign(
            request=request,
            actor=auth_user(request),
            application=app,
            assignee=assignee,
        )
    except services_staff.StaffActionError as exc:
        return _staff_error(exc)
    return _staff_detail(get_application_for_staff(jobcenter, application_id))


@router.post(
    "/applications/staff/{jc}/{application_id}/question",
    response={201: StaffEventOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    auth=staff_session,
    tags=["applications (staff)"],
)
def staff_question(request: HttpRequest, jc: str, application_id: int, payload: QuestionIn) -> Any:
    """Ask the customer a question; they are told by e-mail that there is one."""
    jobcenter = _staff_jobcenter(request, jc)
    app = get_application_for_staff(jobcenter, application_id)
    try:
        event = services_staff.application_ask_question(
            request=request,
            actor=auth_user(request),
            application=app,
            question=payload.question,
        )
    except services_staff.StaffActionError as exc:
        return _staff_error(exc)
    return Status(
        201,
        {
            **_event_out(event),
            "actor": event.actor.display_name if event.actor else None,
            "internal": event.internal,
            "data": {},
        },
    )


__all__ = ["ApplicationKind", "router"]

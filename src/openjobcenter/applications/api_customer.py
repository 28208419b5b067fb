"""Customer operations of the applications API: ``/applications/...``.

A customer (session with CSRF or a personal bearer token) sees and changes only their
own applications; someone else's is a 404 like a missing one. Start a draft, file the
minimal first step, save steps (optimistic ``base_version``, 409 with the newer answers),
read the derived proofs, submit idempotently (``Idempotency-Key``; rate limited), read
status and history, answer questions. Writes go through ``applications.services``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Header, Status
from ninja.errors import HttpError

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.api.auth import auth_user, session_or_token
from openjobcenter.api.schemas import ErrorOut, RateLimitedOut, ValidationErrorOut
from openjobcenter.applications import engine, proofs, ratelimit, services
from openjobcenter.applications.api_common import MODULE, _app_out, _event_out, router
from openjobcenter.applications.api_schemas import (
    AnswerIn,
    ApplicationDetailOut,
    ApplicationOut,
    ApplicationStartIn,
    ConflictOut,
    EventOut,
    IncompleteOut,
    ProofOut,
    StepIn,
    StepOut,
)
from openjobcenter.applications.models import (
    Application,
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
from openjobcenter.bundid import guard as bundid_guard
from openjobcenter.tenants.modules import is_enabled

# Operation ids are pinned to those of the former single ``applications/api.py``
# (``openjobcenter_applications_api_<function>``), so generated clients keep their names.

MAX_ANSWERS_KEYS = 60


def _customer(request: HttpRequest) -> CustomerProfile:
    user: User = auth_user(request)
    profile = CustomerProfile.objects.select_related("jobcenter", "user").filter(user=user).first()
    if profile is None or not is_enabled(profile.jobcenter, MODULE):
        raise Http404
    return profile


def _own(request: HttpRequest, application_id: int) -> Application:
    return get_application_for_customer(_customer(request), application_id)


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


CUSTOMER_ERRORS: dict[int, Any] = {
    404: ErrorOut,
    409: ConflictOut | ErrorOut,
    422: ValidationErrorOut,
}


@router.get(
    "/applications/",
    response=list[ApplicationOut],
    auth=session_or_token,
    operation_id="openjobcenter_applications_api_my_applications",
)
def my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own applications, newest first (drafts included)."""
    return [_app_out(a) for a in applications_of_customer(_customer(request))[:100]]


@router.post(
    "/applications/",
    response={201: ApplicationDetailOut, **CUSTOMER_ERRORS},
    auth=session_or_token,
    operation_id="openjobcenter_applications_api_start_application",
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
    operation_id="openjobcenter_applications_api_my_application",
)
def my_application(request: HttpRequest, application_id: int) -> Any:
    """One own application with the progress of every step (done, open, not needed)."""
    return _detail_out(_own(request, application_id))


@router.get(
    "/applications/{application_id}/steps/{step_key}",
    response={200: StepOut, 404: ErrorOut},
    auth=session_or_token,
    operation_id="openjobcenter_applications_api_get_step",
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
    response={200: StepOut, 403: ErrorOut, **CUSTOMER_ERRORS},
    auth=session_or_token,
    operation_id="openjobcenter_applications_api_save_step",
)
def save_step(request: HttpRequest, application_id: int, step_key: str, payload: StepIn) -> Any:
    """Save one step. 409 with the stored (newer) answers and version when the step was
    saved meanwhile from elsewhere; 422 naming each refused field."""
    app = _own(request, application_id)
    _check_answers(payload.answers)
    guarded = bundid_guard.step_action(step_key)
    refused = bundid_guard.refusal_message(request, app.jobcenter, guarded) if guarded else None
    if refused is not None:
        return Status(403, {"detail": refused})
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
    operation_id="openjobcenter_applications_api_file_application",
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
    operation_id="openjobcenter_applications_api_my_proofs",
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
    operation_id="openjobcenter_applications_api_submit_application",
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
    operation_id="openjobcenter_applications_api_my_history",
)
def my_history(request: HttpRequest, application_id: int) -> Any:
    """What happened, as the customer may see it (status changes with reasons, questions)."""
    return [_event_out(e) for e in customer_events(_own(request, application_id))]


@router.get(
    "/applications/{application_id}/status",
    response={200: ApplicationOut, 404: ErrorOut},
    auth=session_or_token,
    operation_id="openjobcenter_applications_api_my_status",
)
def my_status(request: HttpRequest, application_id: int) -> Any:
    return _app_out(_own(request, application_id))


@router.post(
    "/applications/{application_id}/questions/{question_id}/answer",
    response={201: EventOut, **CUSTOMER_ERRORS},
    auth=session_or_token,
    operation_id="openjobcenter_applications_api_answer_question",
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

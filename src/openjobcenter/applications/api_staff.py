"""Staff operations of the applications API: ``/applications/staff/{jc}/...``.

Only a session in which the second factor was used; another job centre's staff get 404,
roles without ``APPLICATIONS_PROCESS`` 403. The inbox (filtered, 50 per page, audited),
one application with its full history, and the writes through ``services_staff``:
change status with a reason, assign to a colleague, ask the customer a question.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError

from openjobcenter.accounts.models import User
from openjobcenter.api.auth import auth_user, staff_session
from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.applications import services_staff
from openjobcenter.applications.api_common import MODULE, _app_out, _event_out, router
from openjobcenter.applications.api_schemas import (
    ApplicationAssignIn,
    ApplicationInboxQuery,
    ApplicationStatusIn,
    InboxOut,
    QuestionIn,
    StaffApplicationDetailOut,
    StaffEventOut,
)
from openjobcenter.applications.models import Application
from openjobcenter.applications.selectors_staff import (
    InboxFilter,
    events_of,
    get_application_for_staff,
    get_processing_staff,
    inbox_page,
)
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.access import Perm, has_perm, staff_roles
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

# Operation ids are pinned to those of the former single ``applications/api.py``
# (``openjobcenter_applications_api_<function>``), so generated clients keep their names.


def _staff_jobcenter(request: HttpRequest, jc: str, *, read: bool = False) -> Jobcenter:
    """The job centre of a staff operation. ``read``: a role without
    ``APPLICATIONS_PROCESS`` may read where the job centre's documented rule gives it
    benefit data (``core.access.read_access``); writes stay with the processing roles."""
    jobcenter = get_jobcenter_by_slug(jc)
    user: User = auth_user(request)
    roles = staff_roles(user, jobcenter)
    if not roles or not is_enabled(jobcenter, MODULE):
        raise Http404
    if not has_perm(roles, Perm.APPLICATIONS_PROCESS):
        widened = ntk.may_read(roles=roles, category=ntk.Category.BENEFIT_DATA, jobcenter=jobcenter)
        if not (read and widened):
            raise HttpError(403, "Your role may not process applications")
    if not ntk.may_read(roles=roles, category=ntk.Category.BENEFIT_DATA, jobcenter=jobcenter):
        raise HttpError(403, "Your role may not read benefit data here")
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
    response={200: InboxOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    auth=staff_session,
    tags=["applications (staff)"],
    operation_id="openjobcenter_applications_api_staff_inbox",
)
def staff_inbox(request: HttpRequest, jc: str, params: Query[ApplicationInboxQuery]) -> Any:
    """Submitted applications of the job centre, newest first, 50 per page, continued with
    ``?nach=<next_after>`` (keyset paging: no totals are counted, so a page costs the same
    with 500,000 applications as with 50). A name search answers its best matches ranked by
    similarity, without further pages; a number or reference search the exact matches."""
    jobcenter = _staff_jobcenter(request, jc, read=True)
    user: User = auth_user(request)
    flt = InboxFilter(
        kind=params.kind or "",
        status=params.status or "",
        assignee=params.assignee or "",
        date_from=params.von,
        date_to=params.bis,
        q=params.q or "",
    )
    try:
        page = inbox_page(jobcenter, user, flt, after=params.nach)
    except Http404:
        # Not an application of this job centre (stale, typed or foreign): refused like any
        # bad parameter, without telling whose it is.
        detail = {"loc": ["query", "nach"], "msg": "Not an application of this inbox"}
        return Status(422, {"detail": [{**detail, "type": "value_error"}]})
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="application_list",
        jobcenter=jobcenter,
        actor=user,
        detail=f"api inbox after={params.nach or ''} n={len(page.rows)}",
    )
    next_url = None
    if page.next_after is not None:
        query = request.GET.copy()
        query["nach"] = str(page.next_after)
        next_url = f"{request.path}?{query.urlencode()}"
    return {
        "results": [_staff_app_out(a) for a in page.rows],
        "has_more": page.has_more,
        "next_after": page.next_after,
        "next": next_url,
        "ranked": page.ranked,
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
    operation_id="openjobcenter_applications_api_staff_application",
)
def staff_application(request: HttpRequest, jc: str, application_id: int) -> Any:
    jobcenter = _staff_jobcenter(request, jc, read=True)
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
    operation_id="openjobcenter_applications_api_staff_change_status",
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
    operation_id="openjobcenter_applications_api_staff_assign",
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
    operation_id="openjobcenter_applications_api_staff_question",
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

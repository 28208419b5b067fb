"""``/api/v1/postbox/{jc}/...``: the postbox for the job centre's apps and back-office
systems, with the same permissions as the pages.

Customer (token or session): consent read/update, notices list/detail/file, objection.
Staff (session with the second factor, ``POSTBOX_DEPOSIT`` and benefit data): a
customer's notices, deposit a PDF (multipart). Another customer's notice, another job
centre, a customer calling a staff operation: 404; a role without the permission: 403.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.api.auth import auth_user, session_or_token, staff_session
from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.bundid import guard as bundid_guard
from openjobcenter.bundid import policy as bundid_policy
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.access import ACTING_HEADER, Perm, api_customer, has_perm, staff_roles
from openjobcenter.core.audit_buffer import audit_own_read
from openjobcenter.postbox import pdfcheck, selectors, services
from openjobcenter.postbox.backoffice import DEPOSIT_THROTTLE, BackOfficeAuth
from openjobcenter.postbox.models import BackOfficeToken, Notice, NoticeKind, TokenScope
from openjobcenter.postbox.views_customer import pdf_response
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

router = Router(tags=["postbox"])
MODULE = "postbox"


class PostboxConsentOut(Schema):
    electronic_notices: bool
    changed_at: datetime | None
    online_services_since: datetime
    alerts_email: bool
    alerts_push: bool


class PostboxConsentIn(Schema):
    electronic_notices: bool


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    dated: date
    channel: str
    is_copy: bool = Field(description="Sent by post; the file is a stamped copy")
    created_at: datetime
    retrieved_at: datetime | None
    posted_at: datetime | None
    bekanntgabe: date | None
    bekanntgabe_source: str
    objection_deadline: date | None
    objectable: bool


class StaffNoticeOut(NoticeOut):
    customer_id: int
    application_id: int | None
    pdfa: str
    size: int
    sha256: str


class ObjectionIn(Schema):
    reasons: str = Field(min_length=1, max_length=services.MAX_TEXT)
    request_text: str = Field(default="", max_length=services.MAX_TEXT)


class ObjectionOut(Schema):
    id: int
    reference: str
    notice_id: int
    submitted_at: datetime


def _notice_out(notice: Notice) -> dict[str, Any]:
    dates = selectors.notice_dates(notice)
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": str(notice.get_kind_display()),
        "dated": notice.dated,
        "channel": notice.channel,
        "is_copy": notice.posted_at is not None,
        "created_at": notice.created_at,
        "retrieved_at": notice.retrieved_at,
        "posted_at": notice.posted_at,
        "bekanntgabe": dates.bekanntgabe,
        "bekanntgabe_source": dates.rule.source if dates.rule else "",
        "objection_deadline": dates.deadline.ends_on if dates.deadline else None,
        "objectable": notice.objectable,
    }


def _customer(request: HttpRequest, jc: str, *, acting: bool = False) -> CustomerProfile:
    """The caller's own profile. ``acting``: the notices' operations, which with
    X-Acting-For work for the customer the caller represents (mandate with "notices", or
    "read" for reading; ``api/acting.py``); consent stays the customer's own."""
    if acting and ACTING_HEADER in request.headers:
        jobcenter = get_jobcenter_by_slug(jc)
        if not is_enabled(jobcenter, MODULE):
            raise Http404
        return api_customer(request, auth_user(request), jobcenter, MODULE)
    try:
        customer = CustomerProfile.objects.select_related("jobcenter", "user").get(
            user=auth_user(request), jobcenter__slug=jc, jobcenter__is_active=True
        )
    except CustomerProfile.DoesNotExist:
        raise Http404 from None
    if not is_enabled(customer.jobcenter, MODULE):
        raise Http404
    return customer


def _audit_own(
    request: HttpRequest, customer: CustomerProfile, kind: str, pk: Any, detail: str
) -> None:
    audit_own_read(
        request=request,
        user=customer.user,
        object_type=kind,
        object_id=pk,
        jobcenter=customer.jobcenter,
        detail=f"api {detail}",
    )


@router.get(
    "/{jc}/consent", response={200: PostboxConsentOut, 404: ErrorOut}, auth=session_or_token
)
def consent_get(request: HttpRequest, jc: str) -> Any:
    """The customer's three choices: online services (with the terms), electronic
    notices (§ 37 Abs. 2a SGB X, default by post), alerts (notification preferences)."""
    from openjobcenter.notifications.services import preference_of

    customer = _customer(request, jc)
    state = selectors.consent_state(customer, history=False)
    pref = preference_of(customer.user)
    _audit_own(request, customer, "postbox_consent", customer.pk, "consent")
    return {
        "electronic_notices": state.electronic,
        "changed_at": state.changed_at,
        "online_services_since": state.online_since,
        "alerts_email": pref.email,
        "alerts_push": pref.push,
    }


@router.put(
    "/{jc}/consent",
    response={200: PostboxConsentOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    auth=session_or_token,
)
def consent_put(request: HttpRequest, jc: str, payload: PostboxConsentIn) -> Any:
    """Give or withdraw consent to electronic notices; effective for the next notice.
    Alerts are changed through ``/notifications/preferences``. 403 when the job centre
    requires a BundID login of a higher level for it than this session's."""
    customer = _customer(request, jc)
    if payload.electronic_notices != selectors.consent_state(customer, history=False).electronic:
        refused = bundid_guard.refusal_message(
            request, customer.jobcenter, bundid_policy.POSTBOX_CONSENT
        )
        if refused is not None:
            return Status(403, {"detail": refused})
    services.consent_set(request=request, customer=customer, electronic=payload.electronic_notices)
    return consent_get(request, jc)


@router.get("/{jc}/notices", response={200: list[NoticeOut], 404: ErrorOut}, auth=session_or_token)
def notices_list(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc, acting=True)
    notices = list(selectors.notices_for_customer(customer)[:200])
    _audit_own(request, customer, "notice_list", "", f"{len(notices)} notices")
    return [_notice_out(n) for n in notices]


@router.get("/{jc}/notices/{pk}", response={200: NoticeOut, 404: ErrorOut}, auth=session_or_token)
def notice_get(request: HttpRequest, jc: str, pk: int) -> Any:
    customer = _customer(request, jc, acting=True)
    notice = selectors.get_notice_for_customer(customer, pk)
    _audit_own(request, customer, "notice", notice.pk, "detail")
    return _notice_out(notice)


@router.get(
    "/{jc}/notices/{pk}/file",
    response={200: None, 404: ErrorOut},
    auth=session_or_token,
    openapi_extra={
        "responses": {
            "200": {
                "description": "The notice as PDF (a copy stamped 'KOPIE' if sent by post)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def notice_file(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """Retrieve the notice (the first retrieval is recorded, every one audited)."""
    customer = _customer(request, jc, acting=True)
    notice = selectors.get_notice_for_customer(customer, pk)
    data = services.notice_retrieve(request=request, customer=customer, notice=notice)
    return pdf_response(data, f"schreiben-{notice.pk}.pdf")


@router.post(
    "/{jc}/notices/{pk}/objection",
    response={201: ObjectionOut, 404: ErrorOut, 422: ValidationErrorOut},
    auth=session_or_token,
)
def objection_create(request: HttpRequest, jc: str, pk: int, payload: ObjectionIn) -> Any:
    """File a Widerspruch against a decision; the receipt PDF is on the page."""
    customer = _customer(request, jc, acting=True)
    notice = selectors.get_notice_for_customer(customer, pk)
    try:
        filed = services.objection_submit(
            request=request,
            customer=customer,
            notice=notice,
            reasons=payload.reasons,
            request_text=payload.request_text,
        )
    except services.PostboxError as exc:
        return Status(422, {"detail": exc.message})
    return Status(
        201,
        {
            "id": filed.pk,
            "reference": filed.reference,
            "notice_id": notice.pk,
            "submitted_at": filed.submitted_at,
        },
    )


# --- Staff --------------------------------------------------------------------------------


def _staff(request: HttpRequest, jc: str, customer_id: int) -> CustomerProfile:
    """The customer, looked up in the caller's job centre first (another job centre's
    customer: 404 before any 403), then the permission and need-to-know."""
    jobcenter = get_jobcenter_by_slug(jc)
    roles = staff_roles(auth_user(request), jobcenter)
    if not roles or not is_enabled(jobcenter, MODULE):
        raise Http404
    customer = selectors.get_customer_for_staff(jobcenter, customer_id)
    if not has_perm(roles, Perm.POSTBOX_DEPOSIT):
        raise HttpError(403, "Your role may not deposit notices")
    if not ntk.may_read(roles=roles, category=ntk.Category.BENEFIT_DATA, jobcenter=jobcenter):
        raise HttpError(403, "Your role may not read benefit data here")
    return customer


def _staff_out(notice: Notice) -> dict[str, Any]:
    return {
        **_notice_out(notice),
        "customer_id": notice.customer_id,
        "application_id": notice.application_id,
        "pdfa": notice.pdfa,
        "size": notice.size,
        "sha256": notice.sha256,
    }


@router.get(
    "/{jc}/staff/customers/{customer_id}/notices",
    response={200: list[StaffNoticeOut], 403: ErrorOut, 404: ErrorOut},
    auth=staff_session,
)
def staff_notices(request: HttpRequest, jc: str, customer_id: int) -> Any:
    customer = _staff(request, jc, customer_id)
    notices = selectors.notices_of_customer_for_staff(request, customer, limit=200, via="api ")
    return [_staff_out(n) for n in notices]


@router.post(
    "/{jc}/staff/customers/{customer_id}/notices",
    response={201: StaffNoticeOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    auth=staff_session,
)
def staff_deposit(
    request: HttpRequest,
    jc: str,
    customer_id: int,
    file: File[UploadedFile],
    kind: Form[NoticeKind],
    dated: Form[date],
    application_id: Form[int | None] = None,
) -> Any:
    """Deposit a notice (PDF, at most 10 MB, not encrypted, no JavaScript or actions).
    With the customer's consent it goes to the postbox and the customer is told;
    without, it is marked for post."""
    customer = _staff(request, jc, customer_id)
    application = None
    if application_id is not None:
        application = customer.applications.filter(pk=application_id).first()
        if application is None:
            return Status(422, {"detail": "application_id: no such application of this customer"})
    try:
        notice = services.notice_deposit(
            request=request,
            actor=auth_user(request),
            customer=customer,
            data=services.NoticeInput(
                kind=kind,
                dated=dated,
                data=file.read(pdfcheck.MAX_NOTICE_BYTES + 1),
                application=application,
            ),
        )
    except services.PostboxError as exc:
        return Status(422, {"detail": exc.message})
    return Status(201, _staff_out(notice))


# --- The back-office system (a machine token, no staff session) --------------------------


@router.post(
    "/{jc}/backoffice/customers/{customer_number}/notices",
    response={
        201: StaffNoticeOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    auth=[BackOfficeAuth()],
    throttle=[DEPOSIT_THROTTLE],
)
def backoffice_deposit(
    request: HttpRequest,
    jc: str,
    customer_number: str,
    file: File[UploadedFile],
    kind: Form[NoticeKind],
    dated: Form[date],
) -> Any:
    """The back-office system deposits a notice for the customer with this customer
    number (Kundennummer), with the job centre's back-office token
    (``Authorization: Bearer ojcb_…``, scope "notices.deposit", created by the job
    centre's admin). The same checks and effects as a deposit by staff. Without, with
    an unknown or a revoked token: 401; a token of another job centre: 403; nothing is
    stored."""
    token: BackOfficeToken = request.auth  # type: ignore[attr-defined]
    if token.jobcenter.slug != jc:
        raise HttpError(403, "This token is for another job centre")
    if token.scope != TokenScope.NOTICES_DEPOSIT:
        raise HttpError(403, "This token may not deposit notices")
    jobcenter = token.jobcenter
    if not jobcenter.is_active or not is_enabled(jobcenter, MODULE):
        raise Http404
    customer = (
        CustomerProfile.objects.select_related("jobcenter", "user")
        .filter(jobcenter=jobcenter, customer_number=customer_number.strip())
        .exclude(customer_number="")
        .first()
    )
    if customer is None:
        raise Http404
    try:
        notice = services.notice_deposit(
            request=request,
            actor=None,
            via=token,
            customer=customer,
            data=services.NoticeInput(
                kind=kind, dated=dated, data=file.read(pdfcheck.MAX_NOTICE_BYTES + 1)
            ),
        )
    except services.PostboxError as exc:
        return Status(422, {"detail": exc.message})
    return Status(201, _staff_out(notice))

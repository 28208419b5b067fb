"""The public API under /api/v1/: typed in and out, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.errors import HttpError as NinjaHttpError
from ninja.throttling import AnonRateThrottle

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.accounts.services import customer_profile_update, user_set_language
from openjobcenter.api.acting import ActingApi
from openjobcenter.api.auth import CsrfSessionAuth, TokenAuth, auth_user, session_or_token
from openjobcenter.api.errors import document_standard_answers
from openjobcenter.api.me import ME_READ, me_answer, me_unaudited
from openjobcenter.api.schemas import (
    ErrorOut,
    JobcenterDetailOut,
    JobcenterMatchOut,
    JobcenterOut,
    LookupQuery,
    MeOut,
    MePatch,
    ValidationErrorOut,
)
from openjobcenter.applications.api import router as applications_router
from openjobcenter.appointments.api import router as appointments_router
from openjobcenter.bundid import guard as bundid_guard
from openjobcenter.bundid import policy as bundid_policy
from openjobcenter.calculator.api import router as calculator_router
from openjobcenter.cards.api import router as cards_router
from openjobcenter.documents.api import router as documents_router
from openjobcenter.mandates.api import router as mandates_router
from openjobcenter.messaging.api import router as messaging_router
from openjobcenter.notifications.api import router as notifications_router
from openjobcenter.postbox.api import router as postbox_router
from openjobcenter.reception.api import router as reception_router
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.selectors import (
    active_jobcenters,
    find_responsible,
    get_jobcenter_by_slug,
)

api = ActingApi(
    title="OpenJobcenter API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Authenticated unless an operation says auth=None and is listed in api.public.
    auth=session_or_token,
)


api.add_router("/benefits", calculator_router)
api.add_router("/appointments", appointments_router)
# Applications own /forms/, /schemas/ and /applications/ (paths named by the issue).
api.add_router("/", applications_router)
api.add_router("/documents", documents_router)
api.add_router("/messaging", messaging_router)
api.add_router("/notifications", notifications_router)
api.add_router("/cards", cards_router)
api.add_router("/mandates", mandates_router)
api.add_router("/reception", reception_router)
api.add_router("/postbox", postbox_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(NinjaHttpError)
def http_error(request: HttpRequest, exc: NinjaHttpError) -> HttpResponse:
    # ninja answers an unparseable body with 400; the platform promises 422 naming the field.
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return api.create_response(
            request,
            {"detail": [{"loc": ["body"], "msg": "Malformed JSON body", "type": "json_invalid"}]},
            status=422,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Not authenticated"}, status=401)


def _jc_out(jc: Jobcenter) -> dict[str, Any]:
    return {
        "slug": jc.slug,
        "name": jc.name,
        "kind": jc.kind,
        "url": reverse("tenant:home", kwargs={"jc": jc.slug}),
    }


@api.get("/jobcenters", response=list[JobcenterOut], tags=["jobcenters"], auth=None)
def list_jobcenters(request: HttpRequest) -> list[dict[str, Any]]:
    return [_jc_out(jc) for jc in active_jobcenters().only("slug", "name", "kind")]


@api.get(
    "/jobcenters/lookup",
    response=list[JobcenterMatchOut],
    tags=["jobcenters"],
    auth=None,
    throttle=[AnonRateThrottle("60/m")],
)
def lookup_jobcenter(request: HttpRequest, params: Query[LookupQuery]) -> list[dict[str, Any]]:
    """Which job centre is responsible for a municipality or postcode."""
    q = params.q
    return [
        {**_jc_out(jc), "matched_areas": [f"{a.postcode} {a.municipality}" for a in areas]}
        for jc, areas in find_responsible(q)
    ]


@api.get(
    "/jobcenters/{slug}",
    response={200: JobcenterDetailOut, 404: ErrorOut},
    tags=["jobcenters"],
    auth=None,
)
def get_jobcenter(request: HttpRequest, slug: str) -> Any:
    jc = get_jobcenter_by_slug(slug)
    return {
        **_jc_out(jc),
        "phone": jc.phone,
        "email": jc.email,
        "offices": [
            {
                "name": o.name,
                "street": o.street,
                "postcode": o.postcode,
                "city": o.city,
                "phone": o.phone,
                "opening_hours": o.opening_hours_lines,
            }
            for o in jc.offices.all()
        ],
    }


@api.get(
    "/me",
    response=MeOut,
    tags=["me"],
    # With a token, the token's statement reads and audits too (api.me, issue 19).
    auth=[TokenAuth(own_read=ME_READ), CsrfSessionAuth()],
)
def get_me(request: HttpRequest) -> dict[str, Any]:
    # One's own data: audited by the statement that reads it (no round trip of its own).
    return me_answer(request, auth_user(request))


@api.patch("/me", response={200: MeOut, 403: ErrorOut, 422: ValidationErrorOut}, tags=["me"])
def patch_me(request: HttpRequest, payload: MePatch) -> Any:
    user: User = auth_user(request)
    data = payload.model_dump(exclude_none=True)
    profile = CustomerProfile.objects.filter(user=user).select_related("jobcenter", "user").first()
    if profile is not None and bundid_guard.address_changes(profile, data):
        refused = bundid_guard.refusal_message(request, profile.jobcenter, bundid_policy.ADDRESS)
        if refused is not None:
            return Status(403, {"detail": refused})
    if profile is not None:
        customer_profile_update(request=request, actor=user, profile=profile, data=data)
    else:
        # Staff names are maintained by their job centre's admin, not by the API.
        customer_only = set(data) - {"preferred_language"}
        if customer_only:
            raise NinjaHttpError(
                422, f"Only customers can change these fields: {', '.join(sorted(customer_only))}"
            )
        if "preferred_language" in data:
            user_set_language(user=user, language=data["preferred_language"])
    user.refresh_from_db()
    return me_unaudited(user)


# Last, once every operation exists: document the answers the machinery can give.
document_standard_answers(api)

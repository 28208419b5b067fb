"""Who may do what: staff roles to permissions, and the gates every view passes.

Outsiders (another job centre's staff, another customer, a stranger) get 404 for
anything tenant-owned, so the existence of an object is not disclosed. Staff of the
right job centre without the needed role get 403.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership
from openjobcenter.core.need_to_know import (
    Category,
    NeedToKnowDenied,
    Visibility,
    require_content,
    visibility,
)

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter


class Perm(enum.StrEnum):
    DASHBOARD = "dashboard"
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_ASSIGN_NUMBER = "customers.assign_number"
    JOBCENTER_CONFIGURE = "jobcenter.configure"
    STAFF_MANAGE = "staff.manage"
    AUDIT_VIEW = "audit.view"
    CALCULATOR_USE = "calculator.use"
    APPOINTMENTS_OWN = "appointments.own"  # own calendar, invite, book for customers
    APPOINTMENTS_CONFIGURE = "appointments.configure"  # types, everyone's hours and absences
    APPOINTMENTS_RECEPTION = "appointments.reception"  # today's list, check-in
    APPLICATIONS_PROCESS = "applications.process"  # inbox, open, assign, status, questions
    APPLICATIONS_CONFIGURE = "applications.configure"  # local texts, renewal/change switches
    DOCUMENTS_PROCESS = "documents.process"  # request, view, check documents
    DOCUMENTS_CONFIGURE = "documents.configure"  # retention, keep originals
    MESSAGING_USE = "messaging.use"  # team inbox, write to customers
    MESSAGING_MANAGE = "messaging.manage"  # reassign, topics, templates, auto-reply
    QUEUE_LEAD = "queue.lead"  # the team's load on the start page, assign from there
    RETENTION_CONFIGURE = "retention.configure"  # retention values within legal bounds
    RETENTION_REPORTS = "retention.reports"  # the deletion reports (counts, never content)
    FEEDBACK_VIEW = "feedback.view"  # feedback dashboard, text-change marks, panel invitations
    NEWS_PUBLISH = "news.publish"  # write, schedule and remove the job centre's posts
    NEWS_MODERATE = "news.moderate"  # the fediverse inbox: replies and mentions
    VIDEOS_MANAGE = "videos.manage"  # upload explainer videos, captions, attach, adopt
    VIDEOS_STATS = "videos.stats"  # views and completion per video (counts only)
    MANDATES_MANAGE = "mandates.manage"  # a legal guardian from the court's document
    ORGANISATIONS_APPROVE = "mandates.organisations"  # approve advice centres
    POSTBOX_DEPOSIT = "postbox.deposit"  # notices: deposit, send by post (benefit data)


ALL_ROLES = frozenset(Role)
ROLE_PERMISSIONS: dict[Perm, frozenset[Role]] = {
    Perm.DASHBOARD: ALL_ROLES,
    Perm.CUSTOMERS_VIEW: ALL_ROLES,
    Perm.CUSTOMERS_ASSIGN_NUMBER: frozenset(
        {Role.RECEPTION, Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMIN}
    ),
    Perm.JOBCENTER_CONFIGURE: frozenset({Role.ADMIN}),
    Perm.STAFF_MANAGE: frozenset({Role.ADMIN}),
    Perm.AUDIT_VIEW: frozenset({Role.ADMIN}),
    Perm.CALCULATOR_USE: frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMIN}),
    Perm.APPOINTMENTS_OWN: frozenset(
        {Role.CASEWORKER, Role.JOB_ADVISOR, Role.TEAM_LEAD, Role.ADMIN}
    ),
    Perm.APPOINTMENTS_CONFIGURE: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.APPOINTMENTS_RECEPTION: frozenset({Role.RECEPTION, Role.TEAM_LEAD, Role.ADMIN}),
    Perm.APPLICATIONS_PROCESS: frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMIN}),
    Perm.APPLICATIONS_CONFIGURE: frozenset({Role.ADMIN}),
    Perm.DOCUMENTS_PROCESS: frozenset(
        {Role.CASEWORKER, Role.JOB_ADVISOR, Role.TEAM_LEAD, Role.ADMIN}
    ),
    Perm.DOCUMENTS_CONFIGURE: frozenset({Role.ADMIN}),
    Perm.MESSAGING_USE: ALL_ROLES,
    Perm.MESSAGING_MANAGE: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.QUEUE_LEAD: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.RETENTION_CONFIGURE: frozenset({Role.ADMIN}),
    Perm.RETENTION_REPORTS: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.FEEDBACK_VIEW: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.NEWS_PUBLISH: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.NEWS_MODERATE: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.VIDEOS_MANAGE: frozenset({Role.ADMIN}),
    Perm.VIDEOS_STATS: frozenset({Role.TEAM_LEAD, Role.ADMIN}),
    Perm.MANDATES_MANAGE: frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMIN}),
    Perm.ORGANISATIONS_APPROVE: frozenset({Role.ADMIN}),
    Perm.POSTBOX_DEPOSIT: frozenset({Role.CASEWORKER, Role.TEAM_LEAD}),
}


class MissingPermission(PermissionDenied):
    """A staff member's roles lack ``perm``: the 403 page names the roles that have it."""

    def __init__(self, perm: Perm) -> None:
        super().__init__(str(perm))
        self.perm = perm


def roles_with(perm: Perm) -> list[Role]:
    """The roles that grant ``perm``, in the order of ``Role``."""
    return [role for role in Role if role in ROLE_PERMISSIONS[perm]]


class TenantRequest(HttpRequest):
    """The request as the tenant middleware and the gates below leave it: Django's
    ``HttpRequest`` does not declare what middleware adds, so this names it for mypy.
    Never instantiated; ``tenant_request`` and the ``request_*`` helpers read through it.

    - ``jobcenter``: ``tenants.middleware.TenantMiddleware`` (``None`` outside ``/<jc>/``);
    - ``staff_roles``, ``staff_perms``: ``staff_required`` (and the switched-off module page);
    - ``read_only``: ``staff_reads`` (the person may read the page but not act on it);
    - ``customer``: ``customer_required``;
    - ``acting_mandate``: ``customer_required`` while a representative acts for the
      customer (``mandates.acting``; the banner in ``web/base.html`` shows it).
    """

    jobcenter: Jobcenter | None
    staff_roles: frozenset[Role]
    staff_perms: frozenset[str]
    read_only: bool
    customer: CustomerProfile
    acting_mandate: Any


def tenant_request(request: HttpRequest) -> TenantRequest:
    """The same request, its added attributes typed (to set them, too)."""
    return cast("TenantRequest", request)


def request_jobcenter(request: HttpRequest) -> Jobcenter:
    """The job centre of a page under ``/<jc>/`` (the middleware 404s an unknown one)."""
    jobcenter = tenant_request(request).jobcenter
    if jobcenter is None:  # a view outside a job centre's pages asked for one
        raise Http404
    return jobcenter


def request_staff_roles(request: HttpRequest) -> frozenset[Role]:
    """The caller's roles in the request's job centre (behind ``staff_required``)."""
    return tenant_request(request).staff_roles


def request_read_only(request: HttpRequest) -> bool:
    """``True`` where ``staff_reads`` lets the caller read the page only."""
    return tenant_request(request).read_only


def request_user(request: HttpRequest) -> User:
    """The logged-in user (call only behind a gate that requires login)."""
    return request.user  # type: ignore[return-value]


def request_customer(request: HttpRequest) -> CustomerProfile:
    """The customer profile set by ``customer_required``."""
    return tenant_request(request).customer


def staff_roles(user: User, jobcenter: Jobcenter) -> frozenset[Role]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Role(r)
        for r in StaffMembership.objects.filter(user=user, jobcenter=jobcenter).values_list(
            "role", flat=True
        )
    )


def has_perm(roles: frozenset[Role], perm: Perm) -> bool:
    return bool(roles & ROLE_PERMISSIONS[perm])


def mfa_enabled(user: User) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return bool(is_mfa_enabled(user))


# A session opened through a job centre's identity provider (identity/): which provider,
# when the roles were last confirmed, and whether the provider's login counted as a
# second factor (its acr/amr against the job centre's minimum).
SSO_SESSION_KEY = "ojc_sso"


def second_factor_from_provider(request: HttpRequest) -> bool:
    sso = request.session.get(SSO_SESSION_KEY)
    return bool(sso and sso.get("second_factor"))


def mfa_verified_in_session(request: HttpRequest) -> bool:
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def staff_second_factor_in_session(request: HttpRequest) -> bool:
    """Staff's second factor for this session, as ``staff_required`` counts it: the
    platform's own (allauth's MFA record) or the provider's, recorded for this person's
    SSO login (its acr/amr met the job centre's minimum). For staff pages, sockets and
    the staff API; ``request`` may be a stand-in with ``session`` and ``user`` (the
    sockets). The operator's ``/admin/`` asks for the platform's only
    (``mfa_verified_in_session``)."""
    sso = request.session.get(SSO_SESSION_KEY)
    if sso and sso.get("second_factor") and sso.get("user") == request.user.pk:
        return True
    return mfa_verified_in_session(request)


F = TypeVar("F", bound=Callable[..., HttpResponse])


def staff_required(perm: Perm = Perm.DASHBOARD) -> Callable[[F], F]:
    """Gate for back-office views under ``/<jc>/staff/``.

    Stranger: login. Not staff of this job centre: 404. No second factor set up: sent to
    set one up. Second factor not used in this session: asked for it. Role lacks the
    permission: 403.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user: User = request.user
            roles = staff_roles(user, request_jobcenter(request))
            if not roles:
                raise Http404
            if second_factor_from_provider(request):
                pass  # the administration's login was strong enough (acr/amr)
            elif not mfa_enabled(user):
                messages.info(
                    request,
                    _(
                        "Für den Zugang zum Fachbereich brauchen Sie einen zweiten Faktor. "
                        "Bitte richten Sie ihn jetzt ein."
                    ),
                )
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
            elif not mfa_verified_in_session(request):
                return redirect(f"{reverse('mfa_reauthenticate')}?next={request.path}")
            if not has_perm(roles, perm):
                raise MissingPermission(perm)
            typed = tenant_request(request)
            typed.staff_roles = roles
            # Templates show only the links the person may follow.
            typed.staff_perms = frozenset(str(p) for p in Perm if has_perm(roles, p))
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# A representative acting for a customer (issue 25, ``mandates.acting``): the session
# names the mandate; the resolver re-checks it on every request and answers the customer
# it stands for (the module's scope checked: 404 outside it), a response (the mandate
# ended: back to the representative's own account, with a message) or ``None`` (not
# acting in this job centre).
ACTING_SESSION_KEY = "acting_for"
ActingResolver = Callable[
    [HttpRequest, Callable[..., HttpResponse]], "CustomerProfile | HttpResponse | None"
]
_acting_resolver: ActingResolver | None = None


def register_acting_resolver(resolver: ActingResolver) -> None:
    global _acting_resolver  # noqa: PLW0603 - set once from AppConfig.ready
    _acting_resolver = resolver


# The module whose scope a customer page needs when a representative acts (default: the
# app the view lives in). ``OWN_ACCOUNT_ONLY`` marks a page only the customer themself may
# use (a choice the law leaves to them, such as consent): 404 to every representative.
OWN_ACCOUNT_ONLY = "own_account"


def acting_module(app: str) -> Callable[[F], F]:
    """For a customer page whose scope is another module's (the applicant's co-signing
    page: "applications") or ``OWN_ACCOUNT_ONLY``; put it below ``customer_required``."""

    def decorator(view: F) -> F:
        view.acting_module = app  # type: ignore[attr-defined]
        return view

    return decorator


def customer_required(view: F) -> F:
    """Gate for the customer area under ``/<jc>/mein-bereich/``: only the job centre's
    own customers; everyone else who is logged in gets 404. A representative who switched
    to a customer they act for gets that customer, within the mandate's scope."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if _acting_resolver is not None and ACTING_SESSION_KEY in request.session:
            acting = _acting_resolver(request, view)
            if isinstance(acting, HttpResponse):
                return acting
            if acting is not None:
                from openjobcenter.core.audit import acting_for

                tenant_request(request).customer = acting
                with acting_for(acting.user_id):
                    return view(request, *args, **kwargs)
        jobcenter = request_jobcenter(request)
        try:
            profile = CustomerProfile.objects.get(user=request.user, jobcenter=jobcenter)
        except CustomerProfile.DoesNotExist:
            raise Http404 from None
        # The user and the job centre are this request's own, already loaded: joining
        # their rows again cost every customer page about a tenth of its CPU (issue 20).
        profile.user = request_user(request)
        profile.jobcenter = jobcenter
        tenant_request(request).customer = profile
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def read_access(
    roles: frozenset[Role], *, perm: Perm, category: Category, jobcenter: Jobcenter
) -> bool:
    """For pages that show ``category`` content and are worked on with ``perm`` (the
    applications pages: benefit data, ``APPLICATIONS_PROCESS``): ``True`` to work on them,
    ``False`` to read them only.

    A role without ``perm`` reads only where the job centre's documented rule
    (``AccessRule``, page "Zugriffsregeln") gives it the content of ``category``: the
    default gives it to no such role, so without a rule the answer stays the refusal
    page that says who reads the content (``NeedToKnowDenied``); where the role may not
    even know that such data exists, the missing permission's 403. Processing stays with
    the roles that have ``perm``. A role with ``perm`` still needs the content
    (a job centre may narrow it: 403, or 404 where nothing is to be known).
    """
    if has_perm(roles, perm):
        require_content(roles=roles, category=category, jobcenter=jobcenter)
        return True
    seen = visibility(roles=roles, category=category, jobcenter=jobcenter)
    if seen == Visibility.CONTENT:
        return False
    if seen == Visibility.EXISTENCE:
        raise NeedToKnowDenied(category, jobcenter)
    raise MissingPermission(perm)


def staff_reads(perm: Perm, category: Category) -> Callable[[F], F]:
    """Gate for back-office pages that show ``category`` content and are worked on with
    ``perm``: ``staff_required`` first, then ``read_access``. A person who may only read
    gets ``request.read_only = True`` (templates leave out every action) and a 403 for
    anything but GET/HEAD."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            full = read_access(
                request_staff_roles(request),
                perm=perm,
                category=category,
                jobcenter=request_jobcenter(request),
            )
            tenant_request(request).read_only = not full
            if not full and request.method not in ("GET", "HEAD"):
                raise MissingPermission(perm)
            return view(request, *args, **kwargs)

        return staff_required()(wrapped)  # type: ignore[return-value]

    return decorator


# The API acting for someone (issue 25): ``X-Acting-For: <customer id>`` on an operation
# of the customer area (``api.acting.ACTING_PATHS``). The resolver (``mandates.acting``)
# checks an active mandate of the caller for that customer in the job centre and its
# scope on every call and marks the request for the audit (``acting_for``).
ACTING_HEADER = "X-Acting-For"
ApiActingResolver = Callable[[HttpRequest, "User", "Jobcenter", str], CustomerProfile]
_api_acting_resolver: ApiActingResolver | None = None


def register_api_acting_resolver(resolver: ApiActingResolver) -> None:
    global _api_acting_resolver  # noqa: PLW0603 - set once from AppConfig.ready
    _api_acting_resolver = resolver


def api_customer(
    request: HttpRequest, user: User, jobcenter: Jobcenter, module: str
) -> CustomerProfile:
    """The customer an API operation of ``module`` works for: the caller's own profile at
    ``jobcenter``, or with ``X-Acting-For`` the customer the caller represents there
    (404 without an active mandate covering ``module`` for this method)."""
    if ACTING_HEADER in request.headers:
        if _api_acting_resolver is None:
            raise Http404
        return _api_acting_resolver(request, user, jobcenter, module)
    try:
        return CustomerProfile.objects.select_related("jobcenter", "user").get(
            user=user, jobcenter=jobcenter
        )
    except CustomerProfile.DoesNotExist:
        raise Http404 from None

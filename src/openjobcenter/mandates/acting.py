"""The acting-for state of a representative's session (hooked into
``core.access.customer_required``): re-checked on every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from openjobcenter.core.access import (
    ACTING_SESSION_KEY,
    request_jobcenter,
    request_user,
    tenant_request,
)
from openjobcenter.mandates.models import Mandate, MandateState
from openjobcenter.mandates.selectors import MODULE_SCOPES, scope_allows, session_mandate

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.tenants.models import Jobcenter


def _app_of(view: Callable[..., HttpResponse]) -> str:
    parts = view.__module__.split(".")
    return parts[1] if len(parts) > 2 else ""


def stop_acting(request: HttpRequest) -> None:
    request.session.pop(ACTING_SESSION_KEY, None)


def resolve(
    request: HttpRequest, view: Callable[..., HttpResponse]
) -> CustomerProfile | HttpResponse | None:
    raw = request.session.get(ACTING_SESSION_KEY)
    try:
        mandate_id = int(str(raw))
    except (TypeError, ValueError):
        stop_acting(request)
        return None
    jobcenter = request_jobcenter(request)
    mandate = session_mandate(request_user(request), mandate_id)
    if mandate is not None and mandate.jobcenter_id != jobcenter.pk:
        return None  # acting in another job centre: here the own account
    if mandate is None or mandate.state() != MandateState.ACTIVE:
        stop_acting(request)
        messages.warning(
            request,
            _(
                "Die Vollmacht ist abgelaufen oder wurde widerrufen. Sie sind wieder in "
                "Ihrem eigenen Konto."
            ),
        )
        return redirect("customer:mandates_switch", jc=jobcenter.slug)
    app = getattr(view, "acting_module", None) or _app_of(view)
    if app == "home":
        # The customer's home gathers every module: the representative's overview instead.
        return redirect("customer:mandates_switch", jc=jobcenter.slug)
    scope = MODULE_SCOPES.get(app)
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    if scope is None or not scope_allows(mandate.scopes, scope, write=write):
        raise Http404
    # The banner on every page (``web/base.html``): for whom, under which mandate.
    tenant_request(request).acting_mandate = mandate
    return mandate.customer


def mandate_allows(
    user: User,
    mandate_id: int,
    *,
    jobcenter_id: int,
    customer_id: int | None,
    module: str,
    write: bool,
) -> Mandate | None:
    """The mandate ``mandate_id`` if it is ``user``'s, active today, for this customer
    (``None``: whoever it names) in this job centre and covers ``module`` (reading or
    writing); otherwise ``None``.

    For the paths outside ``customer_required`` (the chat's long polling and WebSocket):
    they ask on every poll and every send, so a revoked mandate stops them at once."""
    mandate = session_mandate(user, mandate_id)
    if (
        mandate is None
        or mandate.jobcenter_id != jobcenter_id
        or (customer_id is not None and mandate.customer_id != customer_id)
        or mandate.state() != MandateState.ACTIVE
    ):
        return None
    scope = MODULE_SCOPES.get(module)
    if scope is None or not scope_allows(mandate.scopes, scope, write=write):
        return None
    return mandate


def session_mandate_id(session: Any) -> int | None:
    """The mandate a session acts under (``None``: the person's own account)."""
    raw = session.get(ACTING_SESSION_KEY) if session is not None else None
    if raw is None:
        return None
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None


def api_resolve(
    request: HttpRequest, user: User, jobcenter: Jobcenter, module: str
) -> CustomerProfile:
    """``X-Acting-For: <customer id>`` on an API call (``core.access.api_customer``):
    the customer the caller represents in ``jobcenter`` under an active mandate whose
    scope covers ``module`` for this method. Checked on every call (one query); a value
    that is no customer id is 422, anything else 404 like an unknown customer, and
    nothing is done. The
    request is marked so every audit entry it writes names the customer in
    ``acting_for`` with the caller as the actor."""
    from openjobcenter.core.access import ACTING_HEADER
    from openjobcenter.mandates.selectors import active_for
    from openjobcenter.tenants.modules import is_enabled

    raw = request.headers.get(ACTING_HEADER, "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        from ninja.errors import HttpError

        raise HttpError(422, f"{ACTING_HEADER} must be a customer id (a whole number).")
    if not is_enabled(jobcenter, "mandates"):
        raise Http404
    mandates = active_for(user, jobcenter, int(raw))
    if not mandates:
        raise Http404
    scopes = frozenset(s for m in mandates for s in m.scopes)
    scope = MODULE_SCOPES.get(module)
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    if scope is None or not scope_allows(scopes, scope, write=write):
        raise Http404
    customer = mandates[0].customer
    request.acting_for_user_id = customer.user_id  # type: ignore[attr-defined]
    tenant_request(request).acting_mandate = mandates[0]
    if not write:
        # A read of another person's data: audited at once, whatever the operation
        # itself records (writes are audited by their services, acting for the customer).
        from openjobcenter.core.audit import audit
        from openjobcenter.core.models import AuditAction

        audit(
            request=request,
            action=AuditAction.READ,
            object_type=module,
            jobcenter=jobcenter,
            subject=customer.user,
            actor=user,
            detail=f"api {request.method} {request.path}"[:500],
        )
    return customer

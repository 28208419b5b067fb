"""The acting-for state of a representative's session (hooked into
``core.access.customer_required``): re-checked on every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from openjobcenter.core.access import ACTING_SESSION_KEY, request_jobcenter, request_user
from openjobcenter.mandates.models import MandateState
from openjobcenter.mandates.selectors import MODULE_SCOPES, scope_allows, session_mandate

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile


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
    return mandate.customer

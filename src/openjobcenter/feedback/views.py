"""The widget "War diese Seite verständlich?": one POST endpoint for customers (under
``/<jc>/``, so it works on public pages too) and one for staff. Without JavaScript the
form posts and returns to the page with a thank-you; with htmx the widget is swapped in
place. The comment is scrubbed in ``services.feedback_submit``; the raw text is never
stored or logged (``sensitive_post_parameters``: error reports leave it out)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from openjobcenter.core.access import Perm, request_jobcenter, staff_required
from openjobcenter.feedback import pages, ratelimit, services
from openjobcenter.feedback.apps import MODULE
from openjobcenter.feedback.models import COMMENT_MAX, PanelMembership
from openjobcenter.tenants.modules import require_module


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _answer(request: HttpRequest, *, status: int, message: str, thanks: bool) -> HttpResponse:
    if getattr(request, "htmx", False):
        return render(
            request,
            "feedback/_widget_answer.html",
            {"message": message, "thanks": thanks, "comment_max": COMMENT_MAX},
            status=status,
        )
    if thanks:
        messages.success(request, message)
        return HttpResponseRedirect(_next(request))
    return render(
        request,
        "feedback/refused.html",
        {"message": message, "back": _next(request)},
        status=status,
    )


def _submit(request: HttpRequest, *, staff: bool) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    ref = pages.PageRef(
        request.POST.get("page", "")[:100],
        request.POST.get("form", "")[:60],
        request.POST.get("step", "")[:60],
    )
    text = request.POST.get("text", "")
    try:
        services.check_comment(text)
    except ValidationError as exc:
        return _answer(request, status=400, message=exc.messages[0], thanks=False)
    if not request.session.session_key:
        request.session.save()
    if not ratelimit.allowed(str(request.session.session_key)):
        return _answer(
            request,
            status=429,
            message=_(
                "Sie haben in der letzten Stunde schon viele Rückmeldungen gegeben. "
                "Vielen Dank! Bitte versuchen Sie es später noch einmal."
            ),
            thanks=False,
        )
    panel = (
        not staff
        and request.user.is_authenticated
        and PanelMembership.objects.filter(
            customer__user=request.user, jobcenter=jobcenter, withdrawn_at__isnull=True
        ).exists()
    )
    try:
        services.feedback_submit(
            jobcenter=jobcenter,
            ref=ref,
            answer=request.POST.get("answer", ""),
            text=text,
            staff=staff,
            panel=panel,
            language=get_language() or "",
        )
    except ValidationError as exc:
        return _answer(request, status=400, message=exc.messages[0], thanks=False)
    return _answer(
        request,
        status=200,
        message=_("Vielen Dank für Ihre Rückmeldung! Sie hilft uns, diese Seite zu verbessern."),
        thanks=True,
    )


@sensitive_post_parameters("text")
@require_POST
@require_module(MODULE)
def submit(request: HttpRequest, jc: str) -> HttpResponse:
    """A customer's (or visitor's) answer; no login needed, no personal data asked."""
    return _submit(request, staff=False)


@sensitive_post_parameters("text")
@require_POST
@require_module(MODULE)
@staff_required(Perm.DASHBOARD)
def staff_submit(request: HttpRequest, jc: str) -> HttpResponse:
    """A staff member's answer about a staff page (stored as staff feedback)."""
    return _submit(request, staff=True)

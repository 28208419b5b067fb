"""Co-signing pages: the applicant invites the other adults; each adult claims the
invitation with their own account and answers for themselves."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openjobcenter.applications.selectors import get_application_for_customer
from openjobcenter.core.access import (
    acting_module,
    customer_required,
    request_customer,
    request_jobcenter,
    request_user,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.mandates import services_cosign
from openjobcenter.mandates.corrections import correctable_fields
from openjobcenter.mandates.forms import CodeForm, DecideForm, InviteForm
from openjobcenter.mandates.models import Cosignature, CosignState
from openjobcenter.mandates.selectors_cosign import cosignature_for_signer, sections_of
from openjobcenter.mandates.services import MandateError
from openjobcenter.tenants.modules import require_module

MODULE = "mandates"


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@customer_required
@acting_module("applications")
def applicant_overview(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    application = get_application_for_customer(customer, pk)
    if not application.submitted_data:
        raise Http404
    rows = services_cosign.cosign_prepare(application=application)
    form = InviteForm(request.POST or None)
    code = ""
    if request.method == "POST" and form.is_valid():
        row = next((r for r in rows if r.pk == form.cleaned_data["cosignature"]), None)
        if row is None:
            raise Http404
        try:
            code = services_cosign.cosign_invite(
                request=request,
                actor=request_user(request),
                cosignature=row,
                email=form.cleaned_data["email"],
            )
        except MandateError as exc:
            messages.error(request, str(exc))
        rows = services_cosign.cosign_prepare(application=application)
    return render(
        request,
        "mandates/cosign_applicant.html",
        {"application": application, "rows": rows, "code": code, "open": CosignState.OPEN},
        status=422 if form.errors else 200,
    )


@login_required
@require_module(MODULE)
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            row = services_cosign.cosign_claim(
                request=request, user=user, jobcenter=jobcenter, code=form.cleaned_data["code"]
            )
        except MandateError as exc:
            form.add_error("code", str(exc))
        else:
            return redirect("tenant:cosign_detail", jc=jc, pk=row.pk)
    return render(
        request, "mandates/cosign_claim.html", {"form": form}, status=422 if form.errors else 200
    )


FIX_PREFIX = "fix:"


def _correction_rows(
    row: Cosignature, posted: Mapping[str, str], errors: Mapping[str, str]
) -> list[dict[str, str]]:
    """The adult's own fields with what the application says, what they typed and the
    refusal, for the form (one input per field)."""
    return [
        {
            "key": c.key,
            "label": f"{c.section}: {c.label}",
            "old": c.old_display,
            "value": posted.get(c.key, ""),
            "error": errors.get(c.key, ""),
        }
        for c in correctable_fields(row)
    ]


@login_required
@require_module(MODULE)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    row = cosignature_for_signer(user, jobcenter, pk)
    form = DecideForm(request.POST or None)
    posted: dict[str, str] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith(FIX_PREFIX) and value.strip():
            posted[key[len(FIX_PREFIX) :]] = value
    field_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services_cosign.cosign_decide(
                request=request,
                user=user,
                cosignature=row,
                decision=form.cleaned_data["decision"],
                declarations=form.cleaned_data["declarations"],
                correction=form.cleaned_data["correction"],
                corrections=posted,
            )
        except services_cosign.CorrectionError as exc:
            field_errors = exc.errors
            form.add_error(None, str(exc))
        except MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Danke. Ihre Antwort ist beim Jobcenter."))
            return redirect("tenant:cosign_detail", jc=jc, pk=row.pk)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="cosignature",
        object_id=row.pk,
        jobcenter=jobcenter,
        subject=row.application.customer.user,
    )
    return render(
        request,
        "mandates/cosign_detail.html",
        {
            "row": row,
            "sections": sections_of(row),
            "form": form,
            "open": CosignState.OPEN,
            "fix_prefix": FIX_PREFIX,
            "fix_rows": _correction_rows(row, posted, field_errors)
            if row.state == CosignState.OPEN
            else [],
            "corrections": row.corrections.all(),
        },
        status=422 if form.errors else 200,
    )

"""The customer's mandates (grant, revoke, renew, what was done for them) and the
representative's side (accept a code, switch between "Mein Konto" and the people they
act for). The mandate pages are the customer's own: while acting for someone they 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.access import (
    ACTING_SESSION_KEY,
    customer_required,
    request_customer,
    request_jobcenter,
    request_user,
    tenant_request,
)
from openjobcenter.core.audit_buffer import audit_own_read
from openjobcenter.mandates import selectors, services
from openjobcenter.mandates.acting import stop_acting
from openjobcenter.mandates.forms import CodeForm, MandateForm
from openjobcenter.mandates.models import MandateKind
from openjobcenter.mandates.selectors_cosign import claimed_by
from openjobcenter.tenants.modules import require_module

MODULE = "mandates"


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@customer_required
def mandates_page(request: HttpRequest, jc: str) -> HttpResponse:
    customer, user = request_customer(request), request_user(request)
    form = MandateForm(request.POST or None)
    code = ""
    if request.method == "POST" and form.is_valid():
        try:
            _mandate, code = services.mandate_invite(
                request=request,
                customer=customer,
                actor=user,
                data=services.MandateInput(
                    scopes=form.cleaned_data["scopes"],
                    valid_until=form.cleaned_data["valid_until"],
                    label=form.cleaned_data["label"],
                ),
            )
        except services.MandateError as exc:
            form.add_error(None, str(exc))
        else:
            form = MandateForm()
    audit_own_read(
        request=request,
        user=customer.user,
        object_type="mandates",
        object_id=customer.pk,
        jobcenter=customer.jobcenter,
    )
    return render(
        request,
        "mandates/customer.html",
        {
            "form": form,
            "code": code,
            "mandates": selectors.mandates_given(customer),
            "actions": selectors.actions_for(customer),
            "guardian": MandateKind.GUARDIAN,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@require_module(MODULE)
@customer_required
def mandate_revoke(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    mandate = selectors.mandate_of_customer(customer, pk)
    if mandate.kind == MandateKind.GUARDIAN:
        # A court's order: ended by the job centre's staff with the court's document.
        raise Http404
    services.mandate_revoke(request=request, mandate=mandate, actor=request_user(request))
    messages.success(request, _("Die Vollmacht ist widerrufen. Sie gilt ab sofort nicht mehr."))
    return redirect("customer:mandates", jc=jc)


@require_POST
@require_module(MODULE)
@customer_required
def mandate_renew(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    mandate = selectors.mandate_of_customer(customer, pk)
    if mandate.kind == MandateKind.GUARDIAN:
        raise Http404
    form = MandateForm(
        {"scopes": mandate.scopes, "valid_until": request.POST.get("valid_until", "")}
    )
    if not form.is_valid():
        messages.error(request, _("Bitte geben Sie ein Datum an."))
        return redirect("customer:mandates", jc=jc)
    try:
        services.mandate_renew(
            request=request,
            mandate=mandate,
            actor=request_user(request),
            valid_until=form.cleaned_data["valid_until"],
        )
    except services.MandateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Die Vollmacht ist verlängert."))
    return redirect("customer:mandates", jc=jc)


@login_required
@require_module(MODULE)
@require_http_methods(["GET", "POST"])
def switch(request: HttpRequest, jc: str) -> HttpResponse:
    """ "Mein Konto" and the people the signed-in person acts for in this job centre."""
    jobcenter, user = request_jobcenter(request), request_user(request)
    held = list(selectors.active_mandates(user, jobcenter))
    if request.method == "POST":
        choice = request.POST.get("mandate", "")
        if not choice:
            stop_acting(request)
            messages.success(request, _("Sie handeln jetzt wieder für sich selbst."))
            if CustomerProfile.objects.filter(user=user, jobcenter=jobcenter).exists():
                return redirect("customer:home", jc=jc)
            return redirect("customer:mandates_switch", jc=jc)
        mandate = next((m for m in held if str(m.pk) == choice), None)
        if mandate is None:
            raise Http404
        request.session[ACTING_SESSION_KEY] = mandate.pk
        messages.success(
            request,
            _("Sie handeln jetzt für %(name)s.") % {"name": mandate.customer.user.display_name},
        )
        return redirect("customer:mandates_switch", jc=jc)
    acting_id = request.session.get(ACTING_SESSION_KEY)
    acting = next((m for m in held if m.pk == acting_id), None)
    if acting_id is not None and acting is None:
        stop_acting(request)
    if acting is not None:
        tenant_request(request).acting_mandate = acting  # the banner of every page
    return render(
        request,
        "mandates/switch.html",
        {
            "held": held,
            "acting": acting,
            "own_account": CustomerProfile.objects.filter(user=user, jobcenter=jobcenter).exists(),
            "organisations": selectors.organisations_of(user, jobcenter),
            "cosignatures": claimed_by(user, jobcenter),
            "code_form": CodeForm(),
        },
    )


@login_required
@require_module(MODULE)
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, jc: str) -> HttpResponse:
    """The representative enters the code (or follows the link) with their own account."""
    jobcenter, user = request_jobcenter(request), request_user(request)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    organisations = list(selectors.approved_organisations(user, jobcenter))
    if request.method == "POST" and form.is_valid():
        organisation = next(
            (o for o in organisations if str(o.pk) == request.POST.get("organisation")), None
        )
        try:
            mandate = services.mandate_accept(
                request=request,
                user=user,
                jobcenter=jobcenter,
                code=form.cleaned_data["code"],
                organisation=organisation,
            )
        except services.MandateError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(
                request,
                _("Sie können jetzt für %(name)s handeln.")
                % {"name": mandate.customer.user.display_name},
            )
            return redirect("customer:mandates_switch", jc=jc)
    return render(
        request,
        "mandates/accept.html",
        {"form": form, "organisations": organisations},
        status=422 if form.errors else 200,
    )

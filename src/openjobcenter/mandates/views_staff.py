"""Staff: a legal guardian entered from the court's document; ending it; advice centres."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openjobcenter.casefile.selectors import case_customer
from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents.models import Document
from openjobcenter.mandates import selectors, services
from openjobcenter.mandates.forms import GuardianForm
from openjobcenter.mandates.models import Organisation
from openjobcenter.tenants.modules import require_module

MODULE = "mandates"


@require_module(MODULE)
@staff_required(Perm.MANDATES_MANAGE)
@require_http_methods(["GET", "POST"])
def guardian(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    profile = case_customer(jobcenter, pk)
    documents = list(Document.objects.filter(customer=profile).order_by("-pk")[:50])
    form = GuardianForm(
        request.POST or None,
        documents=[(d.pk, f"{d.get_kind_display()} ({d.pk})") for d in documents],
    )
    code = ""
    if request.method == "POST" and form.is_valid():
        proof = next(d for d in documents if d.pk == form.cleaned_data["proof"])
        try:
            _m, code = services.mandate_guardian_create(
                request=request,
                actor=user,
                customer=profile,
                data=services.MandateInput(
                    scopes=form.cleaned_data["scopes"],
                    valid_until=form.cleaned_data["valid_until"],
                    label=form.cleaned_data["label"],
                ),
                court_reference=form.cleaned_data["court_reference"],
                proof=proof,
            )
        except services.MandateError as exc:
            form.add_error(None, str(exc))
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="mandates",
        object_id=profile.pk,
        jobcenter=jobcenter,
        subject=profile.user,
    )
    return render(
        request,
        "mandates/staff_guardian.html",
        {
            "profile": profile,
            "form": form,
            "code": code,
            "mandates": selectors.mandates_given(profile),
        },
        status=422 if form.errors else 200,
    )


@require_module(MODULE)
@staff_required(Perm.MANDATES_MANAGE)
@require_POST
def mandate_end(request: HttpRequest, jc: str, pk: int, mandate: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    profile = case_customer(jobcenter, pk)
    row = selectors.mandate_for_staff(jobcenter, profile, mandate)
    services.mandate_revoke(request=request, mandate=row, actor=request_user(request))
    messages.success(request, _("Die Vertretung ist beendet."))
    return redirect("staff:mandates_guardian", jc=jc, pk=pk)


@require_module(MODULE)
@staff_required(Perm.ORGANISATIONS_APPROVE)
@require_http_methods(["GET", "POST"])
def organisations(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    if request.method == "POST":
        raw = request.POST.get("organisation", "")
        org = selectors.organisation_for_staff(jobcenter, int(raw) if raw.isdigit() else 0)
        services.organisation_decide(
            request=request,
            actor=request_user(request),
            organisation=org,
            approve=request.POST.get("decision") == "approve",
        )
        messages.success(request, _("Die Entscheidung ist gespeichert."))
        return redirect("staff:organisations", jc=jc)
    return render(
        request,
        "mandates/staff_organisations.html",
        {"organisations": Organisation.objects.filter(jobcenter=jobcenter)},
    )

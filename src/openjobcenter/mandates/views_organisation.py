"""An advice centre registers with the job centre (its admin approves it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openjobcenter.core.access import request_jobcenter, request_user
from openjobcenter.mandates import selectors, services
from openjobcenter.mandates.forms import OrganisationForm
from openjobcenter.tenants.modules import require_module


@login_required
@require_module("mandates")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_register(
                request=request, user=user, jobcenter=jobcenter, **form.cleaned_data
            )
        except services.MandateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Danke. Das Jobcenter prüft die Anmeldung Ihrer Beratungsstelle.")
            )
            return redirect("tenant:organisation_register", jc=jc)
    return render(
        request,
        "mandates/organisation.html",
        {"form": form, "organisations": selectors.organisations_of(user, jobcenter)},
        status=422 if form.errors else 200,
    )

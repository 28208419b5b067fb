"""The customer's "Mitmachen" page: explicit consent, withdrawal at any time, and the
panel's open invitations (their message is shown here, never in a notification)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openjobcenter.core.access import customer_required, request_customer
from openjobcenter.feedback import services
from openjobcenter.feedback.apps import MODULE
from openjobcenter.feedback.forms import PanelConsentForm
from openjobcenter.feedback.models import PanelInvitation, PanelMembership
from openjobcenter.tenants.modules import require_module


@require_module(MODULE)
@customer_required
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    membership = PanelMembership.objects.filter(customer=customer).first()
    form = PanelConsentForm()
    if request.method == "POST":
        if request.POST.get("action") == "leave":
            services.panel_leave(request=request, customer=customer)
            messages.success(
                request,
                _("Sie sind nicht mehr im Mitmachen-Panel. Ihre Einwilligung ist widerrufen."),
            )
            return HttpResponseRedirect(reverse("customer:feedback_panel", kwargs={"jc": jc}))
        form = PanelConsentForm(request.POST)
        if form.is_valid():
            services.panel_join(request=request, customer=customer)
            messages.success(request, _("Willkommen im Mitmachen-Panel! Vielen Dank."))
            return HttpResponseRedirect(reverse("customer:feedback_panel", kwargs={"jc": jc}))
    invitations = (
        PanelInvitation.objects.filter(
            jobcenter=customer.jobcenter, created_at__gte=membership.consented_at
        ).order_by("-created_at")[:10]
        if membership is not None and membership.active
        else []
    )
    return render(
        request,
        "feedback/panel.html",
        {"membership": membership, "form": form, "invitations": invitations},
        status=400 if request.method == "POST" else 200,
    )

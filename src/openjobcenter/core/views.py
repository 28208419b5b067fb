"""The audit log, as a job-centre admin sees it: their own job centre only."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.access import Perm, request_jobcenter, staff_required
from openjobcenter.core.inputs import day_validators
from openjobcenter.core.models import AuditAction, AuditEntry


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Betroffene Person (E-Mail)"), required=False, max_length=254)
    actor = forms.CharField(label=_("Wer (E-Mail)"), required=False, max_length=254)
    action = forms.ChoiceField(
        label=_("Aktion"), required=False, choices=[("", _("alle")), *AuditAction.choices]
    )
    date_from = forms.DateField(
        label=_("Von (Datum)"),
        required=False,
        validators=day_validators(),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Bis (Datum)"),
        required=False,
        validators=day_validators(),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@staff_required(Perm.AUDIT_VIEW)
def audit_log(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.filter(jobcenter=jobcenter)
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(subject_label__icontains=data["person"])
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, tz))
        if data["date_to"]:
            end = datetime.combine(data["date_to"], time.min, tz) + timedelta(days=1)
            entries = entries.filter(at__lt=end)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )

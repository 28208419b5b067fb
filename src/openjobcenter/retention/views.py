"""Staff pages: "Aufbewahrung und Löschung" (the job centre's admin sets each rule's
value within its legal bounds) and "Löschprotokoll" (the deletion reports)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.retention import registry
from openjobcenter.retention.selectors import reports_for, rule_rows
from openjobcenter.retention.services import retention_setting_update


class RetentionValueForm(forms.Form):
    rule = forms.CharField(max_length=60, widget=forms.HiddenInput)
    value = forms.IntegerField(
        label=gettext_lazy("Wert"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie einen Wert ein."),
            "invalid": gettext_lazy("Bitte geben Sie eine ganze Zahl ein."),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required(Perm.RETENTION_CONFIGURE)
def retention_settings(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    error_rule, errors = "", []
    if request.method == "POST":
        form = RetentionValueForm(request.POST)
        if form.is_valid():
            try:
                retention_setting_update(
                    request=request,
                    jobcenter=jobcenter,
                    actor=user,
                    rule_key=form.cleaned_data["rule"],
                    value=form.cleaned_data["value"],
                )
            except ValidationError as exc:
                errors = list(exc.messages)
            else:
                messages.success(request, _("Die Aufbewahrungsfrist ist gespeichert."))
                return redirect("staff:retention_settings", jc=jc)
        else:
            errors = [str(e) for field in form.errors.values() for e in field]
        error_rule = str(request.POST.get("rule", ""))
    rows = [
        {
            "row": row,
            "default": row.rule.unit_label(row.rule.default),
            "current": row.rule.unit_label(row.value),
            "minimum": row.rule.unit_label(row.rule.minimum),
            "maximum": row.rule.unit_label(row.rule.maximum),
            "unit": _("Tage") if row.rule.unit is registry.Unit.DAYS else _("Jahre"),
            "errors": errors if row.rule.key == error_rule else [],
        }
        for row in rule_rows(jobcenter)
    ]
    return render(
        request,
        "retention/settings.html",
        {"rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


@require_GET
@staff_required(Perm.RETENTION_REPORTS)
def deletion_reports(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    page = Paginator(reports_for(jobcenter), 100).get_page(request.GET.get("seite"))
    labels = {r.key: r.label for r in registry.rules()}
    rows = [{"report": r, "label": labels.get(r.rule, r.rule)} for r in page]
    return render(request, "retention/reports.html", {"page": page, "rows": rows})

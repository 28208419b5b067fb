"""The page "Zugriffsregeln" of a job centre's admin: the effective need-to-know
matrix (role × data category, ``core.need_to_know``), the job centre's documented
deviations from the default, and a form to set one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from openjobcenter.accounts.models import Role
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AccessRule, AuditAction
from openjobcenter.core.services_access import CONFIGURABLE_ROLES, access_rule_set


class AccessRuleForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Rolle"), choices=[(r.value, r.label) for r in CONFIGURABLE_ROLES]
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Datenkategorie"),
        choices=[(c.value, label) for c, label in ntk.CATEGORY_LABELS.items()],
    )
    visibility = forms.TypedChoiceField(
        label=gettext_lazy("Sichtbarkeit"),
        coerce=int,
        choices=[(int(v), label) for v, label in ntk.VISIBILITY_LABELS.items()],
    )
    reason = forms.CharField(
        label=gettext_lazy("Begründung oder Rechtsgrundlage"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "Pflichtangabe: wofür die Rolle diese Daten braucht und auf welcher Grundlage "
            "(z. B. § 67b SGB X, Dienstanweisung vom …)."
        ),
    )


@require_http_methods(["GET", "POST"])
@staff_required(Perm.JOBCENTER_CONFIGURE)
def access_rules(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    form = AccessRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_rule_set(request=request, jobcenter=jobcenter, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Die Zugriffsregel ist gespeichert."))
            return redirect("staff:access_rules", jc=jc)
    audit(request=request, action=AuditAction.READ, object_type="access_rule", jobcenter=jobcenter)
    matrix = ntk.effective_matrix(jobcenter)
    rows = [
        {
            "role": role.label,
            "cells": [
                {
                    "label": ntk.VISIBILITY_LABELS[matrix[role][c]],
                    "level": int(matrix[role][c]),
                    "changed": matrix[role][c] != ntk.default_visibility(role, c),
                }
                for c in ntk.Category
            ],
        }
        for role in matrix
    ]
    rules = [
        {
            "rule": rule,
            "role": Role(rule.role).label,
            "category": ntk.CATEGORY_LABELS.get(ntk.Category(rule.category), rule.category),
            "visibility": ntk.VISIBILITY_LABELS.get(ntk.Visibility(rule.visibility), ""),
            "default": ntk.VISIBILITY_LABELS[
                ntk.default_visibility(Role(rule.role), ntk.Category(rule.category))
            ],
        }
        for rule in AccessRule.objects.filter(jobcenter=jobcenter).order_by("role", "category")
    ]
    return render(
        request,
        "core/access_rules.html",
        {
            "form": form,
            "categories": [ntk.CATEGORY_LABELS[c] for c in ntk.Category],
            "rows": rows,
            "rules": rules,
        },
        status=422 if form.errors else 200,
    )

"""The customer's "Konto löschen": what goes at once and what must be kept, in plain
words, then the request after entering the password again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from openjobcenter.core.access import (
    customer_required,
    mfa_enabled,
    mfa_verified_in_session,
    request_customer,
)
from openjobcenter.retention import registry
from openjobcenter.retention.rules_accounts import kept_counts
from openjobcenter.retention.services import value_for
from openjobcenter.retention.services_account import account_deletion_request

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

# What is kept, by kind: its label and the rule whose period applies.
KEPT = {
    "applications": (gettext_lazy("Gestellte Anträge"), "applications.submitted"),
    "documents": (gettext_lazy("Eingereichte Unterlagen"), "documents.documents"),
    "conversations": (gettext_lazy("Nachrichten"), "messaging.conversations"),
    "appointments": (gettext_lazy("Termine"), "appointments.appointments"),
    "document_requests": (gettext_lazy("Nachforderungen"), "documents.requests"),
    "case_notes": (gettext_lazy("Vermerke des Jobcenters"), "casefile.notes"),
}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Ihr Passwort"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Bitte geben Sie Ihr Passwort ein.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Ja, ich möchte mein Konto löschen."),
        error_messages={
            "required": gettext_lazy("Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten.")
        },
    )


@require_http_methods(["GET", "POST"])
@customer_required
def account_delete(request: HttpRequest, jc: str) -> HttpResponse:
    profile = request_customer(request)
    user = profile.user
    if mfa_enabled(user) and not mfa_verified_in_session(request):
        return redirect(f"{reverse('mfa_reauthenticate')}?next={request.path}")
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = account_deletion_request(
                request=request, profile=profile, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            form.add_error("password" if exc.code == "password" else None, exc)
        else:
            jobcenter = profile.jobcenter
            logout(request)
            return render(
                request,
                "retention/account_deleted.html",
                {"kept": _kept_rows(jobcenter, done.kept), "jobcenter": jobcenter},
            )
    return render(
        request,
        "retention/account_delete.html",
        {"form": form, "kept": _kept_rows(profile.jobcenter, kept_counts(profile))},
        status=400 if form.errors else 200,
    )


def _kept_rows(jobcenter: Jobcenter, counts: dict[str, int]) -> list[dict[str, object]]:
    rows = []
    for kind, count in counts.items():
        label, rule_key = KEPT[kind]
        rule = registry.get(rule_key)
        value = value_for(rule, jobcenter)
        rows.append(
            {
                "label": label,
                "count": count,
                "period": rule.unit_label(value),
                "basis": rule.basis,
                "years": rule.unit is registry.Unit.YEARS,
            }
        )
    return rows

"""Self-check for everybody (no login, nothing stored) and pre-calculation for staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from openjobcenter.applications.selfcheck import START_LABEL
from openjobcenter.benefits import CalculationError, calculate
from openjobcenter.calculator.breakdown import (
    breakdown,
    legal_line,
    no_claim_kind,
    self_check_names,
)
from openjobcenter.calculator.forms import (
    MAX_CHILDREN,
    HousingLimitsForm,
    PreCalculationForm,
    SelfCheckForm,
)
from openjobcenter.calculator.models import MAX_PERSONS
from openjobcenter.calculator.selectors import housing_limit_for, housing_limits_of
from openjobcenter.calculator.services import housing_limits_set
from openjobcenter.core.access import Perm, request_jobcenter, staff_required
from openjobcenter.tenants.modules import is_enabled, require_module


def explanation_lines(result: dict[str, Any]) -> list[str]:
    """Explanation in German for German pages, in English for every other language."""
    key = "de" if (get_language() or "de").startswith("de") else "en"
    return [str(line[key]) for line in result.get("explanation", [])]


def _calculate(form: SelfCheckForm, calc_input: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return dict(calculate(calc_input))
    except CalculationError as exc:
        # The form checked the usual mistakes; the calculator names anything it still refuses.
        form.add_error(
            None, exc.message if (get_language() or "de").startswith("de") else exc.message_en
        )
        return None


def _child_rows(form: SelfCheckForm) -> list[list[Any]]:
    return [
        [form[f"child_{i}_age"], form[f"child_{i}_support_m"], form[f"child_{i}_in_education"]]
        for i in range(1, MAX_CHILDREN + 1)
    ]


@require_module("calculator")
@require_http_methods(["GET", "POST"])
@never_cache
def self_check(request: HttpRequest, jc: str) -> HttpResponse:
    """The questionnaire is a POST so answers do not end up in URLs, logs or history."""
    form = SelfCheckForm(request.POST or None)
    result: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        month = timezone.localdate()
        result = _calculate(form, form.to_calculation_input(month=month, in_grace_period=True))
    return render(
        request,
        "calculator/self_check.html",
        {
            "form": form,
            "children": _child_rows(form),
            "result": result,
            # Result first in one sentence; the breakdown in the customer's language (issue 17).
            "explanation": breakdown(result, self_check_names(result)) if result else [],
            # The rules data's title is German: other languages read the translated line.
            "legal_line": legal_line(result) if result else "",
            "no_claim_kind": no_claim_kind(result) if result else "",
            "has_children": bool(result)
            and any(m["role"] == "child" for m in (result or {}).get("members", [])),
            # Issue 4 hand-over: the result can start a first application with these answers.
            "can_apply": is_enabled(request_jobcenter(request), "applications"),
            "apply_label": START_LABEL,
        },
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@staff_required(Perm.CALCULATOR_USE)
@require_http_methods(["GET", "POST"])
@never_cache
def pre_calculation(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    form = PreCalculationForm(
        request.POST or None,
        initial={"month": timezone.localdate().replace(day=1), "in_grace_period": True},
    )
    result: dict[str, Any] | None = None
    limit_used = None
    if request.method == "POST" and form.is_valid():
        limit_used = form.cleaned_data.get("housing_limit_m")
        if limit_used is None:
            limit_used = housing_limit_for(jobcenter, form.household_size())
        result = _calculate(
            form,
            form.to_calculation_input(
                month=form.cleaned_data["month"],
                in_grace_period=bool(form.cleaned_data.get("in_grace_period")),
                housing_limit_m=limit_used,
            ),
        )
    return render(
        request,
        "calculator/pre_calculation.html",
        {
            "form": form,
            "children": _child_rows(form),
            "result": result,
            "limit_used": limit_used,
            "explanation": explanation_lines(result) if result else [],
        },
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@staff_required(Perm.JOBCENTER_CONFIGURE)
@require_http_methods(["GET", "POST"])
def housing_limits(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    current = housing_limits_of(jobcenter)
    form = HousingLimitsForm(
        request.POST or None, initial={f"persons_{p}": a for p, a in current.items()}
    )
    if request.method == "POST" and form.is_valid():
        housing_limits_set(
            request=request,
            actor=request.user,  # type: ignore[arg-type]
            jobcenter=jobcenter,
            limits={p: form.cleaned_data[f"persons_{p}"] for p in range(1, MAX_PERSONS + 1)},
        )
        messages.success(request, _("Die Einstellungen wurden gespeichert."))
        return redirect("staff:housing_limits", jc=jc)
    return render(request, "calculator/housing_limits.html", {"form": form})

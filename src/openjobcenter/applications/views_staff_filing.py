"""The back office's view of a filed, not yet complete application ("gestellt,
unvollständig"): the filing date secured and the filing step's answers, read-only.

The rest of the draft is the customer's until they submit it, so only the filing step
is shown; the full application appears in the inbox with its submission as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from openjobcenter.applications import engine
from openjobcenter.applications.selectors_staff import deliveries_of, get_filing_for_staff
from openjobcenter.core.access import Perm, request_jobcenter, staff_reads
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.core.need_to_know import Category
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application


def filing_sections(application: Application) -> list[engine.SummarySection]:
    """The filing step's questions and answers (labels in the active language)."""
    definition = engine.get_definition(application.form_key, application.form_version)
    step = definition.filing_step
    if step is None:  # pragma: no cover - every definition has one
        return []
    answers = engine.answers_for(application)
    return [
        section
        for section in engine.summary_sections_for(definition, answers)
        if section.key == step.key
    ]


@require_module("applications")
@staff_reads(Perm.APPLICATIONS_PROCESS, Category.BENEFIT_DATA)
@require_GET
@never_cache
def filing(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    app = get_filing_for_staff(jobcenter, pk)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="application",
        object_id=app.pk,
        jobcenter=jobcenter,
        subject=app.customer.user,
        detail="filing",
    )
    return render(
        request,
        "applications/staff/filing.html",
        {
            "application": app,
            "sections": filing_sections(app),
            "deliveries": list(deliveries_of(app)),
        },
    )

"""The feedback dashboard of a job centre (team lead, job-centre admin): answers per
page and form step beside the applications' step funnel, the scrubbed comments, CSV
export, text-change marks and the "Mitmachen" panel's invitations.

Comments are scrubbed before they are stored, but free text can still name a person
("Müller am Empfang", without a salutation): every staff read of comments (the dashboard, the export) is
audited, as a read of the job centre's feedback without a subject."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.feedback import extras, pages, selectors, services
from openjobcenter.feedback.apps import MODULE
from openjobcenter.feedback.forms import InviteForm, TextChangeForm
from openjobcenter.feedback.models import Answer, Audience, PanelInvitation
from openjobcenter.tenants.modules import require_module

STEP_PAGE = "customer:application_step"
GROUPS = {
    "kunden": (Audience.CUSTOMER, False),
    "panel": (Audience.CUSTOMER, True),
    "mitarbeitende": (Audience.STAFF, False),
}


def _filters(request: HttpRequest) -> tuple[str, selectors.Filters]:
    group = request.GET.get("gruppe", "kunden")
    if group not in GROUPS:
        group = "kunden"
    try:
        days = min(max(int(request.GET.get("tage", selectors.DEFAULT_DAYS)), 1), 3650)
    except ValueError:
        days = selectors.DEFAULT_DAYS
    audience, panel = GROUPS[group]
    return group, selectors.Filters(audience=audience, panel_only=panel, days=days)


def _funnels(jobcenter: Any, rows: list[selectors.PageRow]) -> list[dict[str, Any]]:
    """The applications' step funnel (``applications.funnel``) per form, each step with
    the feedback on that step beside it."""
    from openjobcenter.applications import engine, funnel

    by_form = selectors.steps_by_form(rows)
    out = []
    seen: set[str] = set()
    for definition in sorted(engine.all_definitions(), key=lambda d: -d.version):
        if definition.kind in seen:
            continue
        seen.add(definition.kind)
        keys = {d.key for d in engine.all_definitions() if d.kind == definition.kind}
        steps = [
            (
                row,
                next((by_form[k][row.step] for k in keys if row.step in by_form.get(k, {})), None)
                or selectors.PageRow(STEP_PAGE, definition.key, row.step, selectors.Counts()),
            )
            for row in funnel.funnel(jobcenter, kind=definition.kind)
        ]
        # Steps without feedback get the other modules' figures too (videos: use).
        extras.fill(jobcenter, [fb for _step, fb in steps if not fb.counts.total])
        if steps:
            out.append({"title": definition.title, "steps": steps})
    return out


@require_module(MODULE)
@staff_required(Perm.FEEDBACK_VIEW)
@require_GET
def dashboard(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    group, filters = _filters(request)
    rows = selectors.page_rows(jobcenter, filters)
    comments = selectors.comments(jobcenter, filters)
    if comments:
        audit(
            request=request,
            action=AuditAction.READ,
            object_type="feedback_comments",
            jobcenter=jobcenter,
            detail=f"{group} {filters.days}d n={len(comments)}",
        )
    return render(
        request,
        "feedback/staff/dashboard.html",
        {
            "rows": rows,
            "comments": comments,
            "group": group,
            "days": filters.days,
            "funnels": _funnels(jobcenter, rows) if filters.audience == Audience.CUSTOMER else [],
            "extras": extras.all_extras(),
            "changes": selectors.text_changes(jobcenter),
            "panel_size": selectors.panel_size(jobcenter),
            "answers": dict(Answer.choices),
        },
    )


# Cells starting with these are formulas to a spreadsheet (CSV injection): prefixed.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@require_module(MODULE)
@staff_required(Perm.FEEDBACK_VIEW)
@require_GET
def export_csv(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    group, filters = _filters(request)
    audit(
        request=request,
        action=AuditAction.EXPORT,
        object_type="feedback_comments",
        jobcenter=jobcenter,
        detail=f"csv {group} {filters.days}d",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(response)
    header = [
        _("Datum"),
        _("Seite"),
        _("Formular"),
        _("Schritt"),
        _("Antwort"),
        _("Panel"),
        _("Sprache"),
        _("Kommentar (bereinigt)"),
    ]
    answers = dict(Answer.choices)
    writer.writerow([csv_cell(h) for h in header])
    for f in selectors.export_rows(jobcenter, filters).iterator(chunk_size=2000):
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M"),
                    f.page,
                    f.form_key,
                    f.step_key,
                    answers.get(f.answer, f.answer),
                    _("ja") if f.panel else _("nein"),
                    f.language,
                    f.comment,
                )
            ]
        )
    response["Content-Disposition"] = f'attachment; filename="rueckmeldungen-{jobcenter.slug}.csv"'
    return response


@require_module(MODULE)
@staff_required(Perm.FEEDBACK_VIEW)
@require_http_methods(["GET", "POST"])
def text_change(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    form = TextChangeForm(
        request.POST or None,
        initial={
            "page": request.GET.get("seite", ""),
            "form_key": request.GET.get("formular", ""),
            "step_key": request.GET.get("schritt", ""),
            "changed_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.text_change_mark(
            request=request,
            jobcenter=jobcenter,
            user=request_user(request),
            ref=pages.PageRef(data["page"], data["form_key"], data["step_key"]),
            changed_on=data["changed_on"],
            description=data["description"],
        )
        messages.success(request, _("Die Textänderung ist vermerkt."))
        return HttpResponseRedirect(reverse("staff:feedback_dashboard", kwargs={"jc": jc}))
    return render(
        request,
        "feedback/staff/text_change.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_module(MODULE)
@staff_required(Perm.FEEDBACK_VIEW)
@require_http_methods(["GET", "POST"])
def panel(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    form = InviteForm(request.POST or None, jc_slug=jobcenter.slug)
    if request.method == "POST" and form.is_valid():
        invitation = services.panel_invite(
            request=request,
            jobcenter=jobcenter,
            user=request_user(request),
            page=form.page_name,
            path=form.cleaned_data["path"],
            message=form.cleaned_data["message"],
        )
        messages.success(
            request,
            _("Die Einladung ist an %(n)d Teilnehmende gegangen.") % {"n": invitation.recipients},
        )
        return HttpResponseRedirect(reverse("staff:feedback_panel", kwargs={"jc": jc}))
    invitations = PanelInvitation.objects.filter(jobcenter=jobcenter).order_by("-created_at")[:20]
    return render(
        request,
        "feedback/staff/panel.html",
        {
            "form": form,
            "invitations": invitations,
            "panel_size": selectors.panel_size(jobcenter),
        },
        status=400 if request.method == "POST" else 200,
    )

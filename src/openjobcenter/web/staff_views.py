"""The back-office start page: the person's work queue (``home/staff_queue.py``), and for
a team lead the team's load with assigning from there (``home/staff_load.py``).

The page is right on every load without JavaScript; with it, htmx fetches the queue part
again every ``QUEUE_POLL_S`` seconds (``queue_fragment``), so counts stay live while the
page is open. The queue shows counts and ages, never names or content.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from openjobcenter.core.access import (
    Perm,
    has_perm,
    request_jobcenter,
    request_staff_roles,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import cached_customer_counts
from openjobcenter.home.staff_load import team_load, unassigned_applications
from openjobcenter.home.staff_queue import (
    QueueItem,
    Scope,
    StaffContext,
    age_text,
    parse_scope,
    scope_labels,
    staff_queue,
)
from openjobcenter.tenants import modules

# Live counts while the page is open: often enough to notice new work within a minute,
# rare enough that 10,000 open start pages cost ~300 cheap requests a second at most.
QUEUE_POLL_S = 30


def _queue_context(request: HttpRequest) -> tuple[dict[str, object], int]:
    jobcenter, user = request_jobcenter(request), request_user(request)
    roles = request_staff_roles(request)
    scope = parse_scope(request.GET.get("filter"))
    status, filter_error = 200, ""
    if scope is None:
        filter_error = _("Diesen Filter gibt es nicht. Es wird alles gezeigt.")
        status, scope = 400, Scope.ALL
    items = staff_queue(StaffContext(jobcenter=jobcenter, user=user, roles=roles, scope=scope))
    rows = [(item, age_text(item.oldest)) for item in items]
    return {
        "queue": rows,
        "queue_total": sum(item.count for item in items),
        "scope": str(scope),
        "scopes": scope_labels(),
        "poll_s": QUEUE_POLL_S,
        "filter_error": filter_error,
    }, status


def _audit_queue(request: HttpRequest, items: list[tuple[QueueItem, str]], scope: str) -> None:
    # Counts only, but they are counts of social data: who looked, when, which scope.
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="work_queue",
        jobcenter=request_jobcenter(request),
        detail=f"scope={scope} kinds={len(items)}",
    )


@staff_required()
@require_GET
@never_cache
def dashboard(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    roles = request_staff_roles(request)
    customer_count, without_number = cached_customer_counts(jobcenter)
    context, status = _queue_context(request)
    _audit_queue(request, context["queue"], str(context["scope"]))  # type: ignore[arg-type]
    lead = has_perm(roles, Perm.QUEUE_LEAD)
    can_assign = lead and has_perm(roles, Perm.APPLICATIONS_PROCESS)
    if can_assign and modules.is_enabled(jobcenter, "applications"):
        from openjobcenter.applications.selectors_staff import processing_staff

        context["unassigned"] = unassigned_applications(jobcenter)
        context["assignable"] = list(processing_staff(jobcenter))
    if lead:
        context["load"] = team_load(jobcenter)
    return render(
        request,
        "web/staff_dashboard.html",
        {
            **context,
            "roles": sorted(r.label for r in roles),
            "customer_count": customer_count,
            "without_number": without_number,
            "can_configure": has_perm(roles, Perm.JOBCENTER_CONFIGURE),
            "can_manage_staff": has_perm(roles, Perm.STAFF_MANAGE),
            "can_view_audit": has_perm(roles, Perm.AUDIT_VIEW),
            "lead": lead,
            "can_assign": can_assign,
        },
        status=status,
    )


@staff_required()
@require_GET
@never_cache
def queue_fragment(request: HttpRequest, jc: str) -> HttpResponse:
    """The queue part of the start page, for htmx to swap in (live counts)."""
    context, status = _queue_context(request)
    _audit_queue(request, context["queue"], str(context["scope"]))  # type: ignore[arg-type]
    return render(request, "web/_staff_queue.html", context, status=status)


@staff_required(Perm.QUEUE_LEAD)
@require_POST
def queue_assign(request: HttpRequest, jc: str) -> HttpResponse:
    """Assign an unassigned application from the start page (the inbox's own service)."""
    from openjobcenter.applications import services_staff
    from openjobcenter.applications.selectors_staff import (
        get_application_for_staff,
        get_processing_staff,
    )
    from openjobcenter.applications.services_staff import StaffActionError

    jobcenter, user = request_jobcenter(request), request_user(request)
    if not modules.is_enabled(jobcenter, "applications") or not has_perm(
        request_staff_roles(request),
        Perm.APPLICATIONS_PROCESS,
    ):
        return redirect("staff:dashboard", jc=jobcenter.slug)
    application = get_application_for_staff(jobcenter, request.POST.get("application", ""))
    raw = request.POST.get("assignee", "")
    if not raw:
        messages.error(request, _("Bitte wählen Sie aus, wer den Antrag bearbeiten soll."))
        return redirect("staff:dashboard", jc=jobcenter.slug)
    assignee = get_processing_staff(jobcenter, raw)
    try:
        services_staff.application_assign(
            request=request, actor=user, application=application, assignee=assignee
        )
    except StaffActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(reference)s ist jetzt bei %(name)s.")
            % {"reference": application.reference, "name": assignee.display_name},
        )
    return redirect("staff:dashboard", jc=jobcenter.slug)

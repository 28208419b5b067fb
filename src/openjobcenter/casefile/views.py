"""The case view (Fallübersicht) at ``/<jc>/staff/kunden/<pk>/`` and its actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openjobcenter.accounts.forms import AdvisorForm, AssignNumberForm
from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.accounts.services import customer_assign_advisor, customer_assign_number
from openjobcenter.casefile.models import NoteCategory
from openjobcenter.casefile.selectors import (
    TIMELINE_SECTIONS,
    case_customer,
    case_overview,
    timeline,
)
from openjobcenter.casefile.services import NOTE_MAX_LENGTH, NoteError, case_note_add
from openjobcenter.core.access import (
    MissingPermission,
    Perm,
    has_perm,
    request_jobcenter,
    request_staff_roles,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.core.need_to_know import Category, content_required, may_read
from openjobcenter.postbox.selectors import case_context as postbox_case_context
from openjobcenter.retention.selectors import open_deletion_request


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@staff_required(Perm.CUSTOMERS_VIEW)
# Contact data and appointments are general data (core.need_to_know); a job centre's
# documented rule narrowing them for a role closes the case view for it.
@content_required(Category.GENERAL)
@require_http_methods(["GET", "POST"])
def customer_case(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """Everything about one customer this staff member may see, and what to do next."""
    jobcenter, user = request_jobcenter(request), request_user(request)
    roles = request_staff_roles(request)
    profile = case_customer(jobcenter, pk)
    can_assign = has_perm(roles, Perm.CUSTOMERS_ASSIGN_NUMBER)
    form = AssignNumberForm(
        request.POST if "customer_number" in request.POST else None,
        initial={"customer_number": profile.customer_number or ""},
    )
    advisor_form = AdvisorForm(
        request.POST if "advisor" in request.POST else None,
        jobcenter=jobcenter,
        initial={"advisor": profile.advisor_id},
    )
    if request.method == "POST":
        if not can_assign:
            raise MissingPermission(Perm.CUSTOMERS_ASSIGN_NUMBER)
        if "advisor" in request.POST:
            if advisor_form.is_valid():
                customer_assign_advisor(
                    request=request,
                    actor=user,
                    profile=profile,
                    advisor=advisor_form.cleaned_data["advisor"],
                )
                messages.success(request, _("Die Ansprechperson wurde gespeichert."))
                return redirect("staff:customer", jc=jc, pk=pk)
        elif form.is_valid():
            try:
                customer_assign_number(
                    request=request,
                    actor=user,
                    profile=profile,
                    number=form.cleaned_data["customer_number"],
                )
            except ValidationError as exc:
                form.add_error("customer_number", exc.message_dict["customer_number"])
            else:
                messages.success(request, _("Die Kundennummer wurde gespeichert."))
                return redirect("staff:customer", jc=jc, pk=pk)
    return _render_case(request, profile, form=form, advisor_form=advisor_form)


def _render_case(
    request: HttpRequest,
    profile: CustomerProfile,
    *,
    form: AssignNumberForm | None = None,
    advisor_form: AdvisorForm | None = None,
    note_error: str = "",
    note_values: dict[str, str] | None = None,
) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    roles = request_staff_roles(request)
    form = form or AssignNumberForm(initial={"customer_number": profile.customer_number or ""})
    advisor_form = advisor_form or AdvisorForm(
        jobcenter=jobcenter, initial={"advisor": profile.advisor_id}
    )
    overview = case_overview(profile=profile, user=user, roles=roles)
    page = _page_number(request.GET.get("verlauf"))
    # "Alle anzeigen" of a section: the timeline of that section alone (an unknown value
    # shows the whole timeline).
    only = request.GET.get("nur", "")
    section = TIMELINE_SECTIONS.get(only, "")
    only = only if section else ""
    entries, has_older = timeline(
        profile=profile, user=user, roles=roles, page=page, section=section
    )
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="customer_case",
        object_id=profile.pk,
        jobcenter=jobcenter,
        subject=profile.user,
        detail=f"{overview.audit_detail()} timeline={page}{f' only={only}' if only else ''}",
    )
    failed = bool(form.errors or advisor_form.errors or note_error)
    return render(
        request,
        "casefile/case.html",
        {
            "profile": profile,
            "case": overview,
            "timeline": entries,
            "timeline_page": page,
            "timeline_older": has_older,
            "timeline_only": only,
            "form": form,
            "advisor_form": advisor_form,
            "can_assign": has_perm(roles, Perm.CUSTOMERS_ASSIGN_NUMBER),
            "note_error": note_error,
            "note_values": note_values or {},
            # The customer asked to delete the account (retention/services_account.py).
            "deletion_request": open_deletion_request(profile),
            # Consent to electronic notices and alerts, read-only (postbox/, issue 25).
            **postbox_case_context(profile, roles),
        },
        status=422 if failed else 200,
    )


@staff_required(Perm.CUSTOMERS_VIEW)
@require_POST
def case_note_new(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """Add a note (Vermerk) to the case. Writing in a category one may not read is a 403;
    an empty or too long note comes back with its reason (422), nothing stored."""
    jobcenter = request_jobcenter(request)
    profile = case_customer(jobcenter, pk)
    roles = request_staff_roles(request)
    category = request.POST.get("category", "")
    text = request.POST.get("text", "")
    writable = [c for c in NoteCategory.values if may_read(roles=roles, category=Category(c))]
    if not writable or (category in NoteCategory.values and category not in writable):
        raise PermissionDenied
    try:
        case_note_add(
            request=request,
            author=request_user(request),
            roles=roles,
            customer=profile,
            category=category,
            text=text,
        )
    except NoteError as exc:
        return _render_case(
            request,
            profile,
            note_error=exc.message,
            note_values={"category": category, "text": text[: NOTE_MAX_LENGTH * 2]},
        )
    messages.success(request, _("Der Vermerk wurde gespeichert."))
    return redirect("staff:customer", jc=jc, pk=pk)

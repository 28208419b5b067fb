"""Back-office pages of the applications module (the inbox is in ``views_staff_inbox``): one application (answers,
proofs, history, hand-off, pre-calculation; assign, status, question), PDF and JSON
downloads, the admin's settings and the step funnel.

Every page is behind ``require_module("applications")`` and ``staff_required``; objects
come from ``selectors_staff`` (404 for drafts, missing and other job centres'); writes go
through ``services_staff``; every read of an application is audited. Need-to-know:
applications are benefit data (``Category.BENEFIT_DATA``): every page here shows their
content, so a role the job centre's rules narrow below content gets 403.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter import handoff
from openjobcenter.applications import (
    engine,
    funnel,
    precalc,
    prefill_sources,
    proof_status,
    services_staff,
)
from openjobcenter.applications.forms_staff import (
    AssignForm,
    ChatTranscriptsForm,
    HandoffConfigForm,
    PrecalcForm,
    QuestionForm,
    SettingsForm,
    StatusForm,
)
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationStatus,
    DeliveryStatus,
    HandoffDelivery,
    HandoffPhase,
)
from openjobcenter.applications.selectors_staff import (
    deliveries_of,
    events_of,
    get_application_for_staff,
    get_delivery_for_staff,
    get_processing_staff,
    handoff_configs_of,
    processing_staff,
    settings_of,
)
from openjobcenter.applications.services_staff import StaffActionError
from openjobcenter.core import sealed
from openjobcenter.core.access import (
    Perm,
    request_jobcenter,
    request_read_only,
    request_user,
    staff_reads,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.core.need_to_know import Category
from openjobcenter.handoff import chat as handoff_chat
from openjobcenter.handoff.base import HandoffInput
from openjobcenter.tenants.modules import is_enabled, require_module

MODULE = "applications"
_jc, _user = request_jobcenter, request_user


# --- One application -------------------------------------------------------------------


@dataclass
class TopicGroup:
    topic: str
    sections: list[engine.SummarySection] = field(default_factory=list)


def _grouped(sections: Iterable[engine.SummarySection]) -> list[TopicGroup]:
    """Consecutive sections of one topic under one heading (persons stay in form order)."""
    groups: list[TopicGroup] = []
    for section in sections:
        if not groups or groups[-1].topic != section.topic:
            groups.append(TopicGroup(section.topic))
        groups[-1].sections.append(section)
    return groups


def _precalc_overrides(form: PrecalcForm) -> precalc.Overrides:
    if not form.is_bound or not form.is_valid():
        return precalc.Overrides()
    data = form.cleaned_data
    grace = {"yes": True, "no": False}.get(data.get("in_grace_period") or "")
    return precalc.Overrides(
        housing_limit_m=data.get("housing_limit_m"),
        rent_m=data.get("rent_m"),
        heating_m=data.get("heating_m"),
        in_grace_period=grace,
    )


def _handle_action(
    request: HttpRequest, app: Application, forms: dict[str, Any]
) -> tuple[HttpResponse | None, str]:
    """Run the posted action; a redirect when done, else the error to show."""
    jobcenter, user = _jc(request), _user(request)
    action = request.POST.get("action", "")
    back = redirect("staff:application", jc=jobcenter.slug, pk=app.pk)
    try:
        if action == "assign":
            form = forms["assign"] = AssignForm(request.POST, staff=forms["staff"])
            if not form.is_valid():
                return None, ""
            raw = form.cleaned_data["assignee"]
            assignee = get_processing_staff(jobcenter, raw) if raw else None
            services_staff.application_assign(
                request=request, actor=user, application=app, assignee=assignee
            )
            messages.success(request, _("Die Zuständigkeit wurde gespeichert."))
            return back, ""
        if action == "status":
            status_form = forms["status"] = StatusForm(request.POST)
            if not status_form.is_valid():
                return None, ""
            services_staff.application_change_status(
                request=request,
                actor=user,
                application=app,
                status=status_form.cleaned_data["status"],
                reason=status_form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("Der Status wurde geändert. Die Kundin oder der Kunde wurde benachrichtigt."),
            )
            return back, ""
        if action == "question":
            question_form = forms["question"] = QuestionForm(request.POST)
            if not question_form.is_valid():
                return None, ""
            services_staff.application_ask_question(
                request=request,
                actor=user,
                application=app,
                question=question_form.cleaned_data["question"],
            )
            messages.success(
                request,
                _("Die Frage wurde gestellt. Die Kundin oder der Kunde wurde benachrichtigt."),
            )
            return back, ""
        if action == "retry":
            delivery = get_delivery_for_staff(app, request.POST.get("delivery", ""))
            services_staff.handoff_retry(
                request=request, actor=user, application=app, delivery=delivery
            )
            messages.success(request, _("Die Übergabe wurde neu gestartet."))
            return back, ""
    except StaffActionError as exc:
        target = {"assign": "assign", "status": "status", "question": "question"}.get(action)
        failed = forms.get(target or "")
        if failed is not None and exc.field in failed.fields:
            failed.add_error(exc.field, exc.message)
            return None, ""
        return None, exc.message
    return None, _("Diese Aktion gibt es nicht.")


@require_module(MODULE)
@staff_reads(Perm.APPLICATIONS_PROCESS, Category.BENEFIT_DATA)
@require_http_methods(["GET", "POST"])
@never_cache
def application(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter, user = _jc(request), _user(request)
    app = get_application_for_staff(jobcenter, pk)
    staff = list(processing_staff(jobcenter))
    forms: dict[str, Any] = {
        "staff": staff,
        "assign": AssignForm(
            initial={"assignee": str(app.assignee_id or "")}, staff=staff, prefix=None
        ),
        "status": StatusForm(initial={"status": app.status}),
        "question": QuestionForm(),
    }
    status, action_error = 200, ""
    if request.method == "POST":
        done, action_error = _handle_action(request, app, forms)
        if done is not None:
            return done
        status = 400
        app = get_application_for_staff(jobcenter, pk)
    precalc_form = PrecalcForm(request.GET if "precalc" in request.GET else None)
    if precalc_form.is_bound and not precalc_form.is_valid():
        status = 400
    calc = precalc.precalculate(app, _precalc_overrides(precalc_form))
    read_only = request_read_only(request)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="application",
        object_id=app.pk,
        jobcenter=jobcenter,
        subject=app.customer.user,
        detail="read-only (access rule)" if read_only else "",
    )
    return render(
        request,
        "applications/staff/application.html",
        {
            "application": app,
            "groups": _grouped(engine.summary_sections(app)),
            "source_panels": [
                mark_safe(html) for html in prefill_sources.staff_panels(app.customer, request)
            ],
            "proof_states": proof_status.proof_states(app),
            "documents_link": is_enabled(jobcenter, "documents"),
            "request_missing_url": "" if read_only else _request_missing_url(app),
            "events": _history(app),
            "deliveries": [(d, _delivery_label(d)) for d in deliveries_of(app)],
            "assign_form": forms["assign"],
            "status_form": forms["status"],
            "question_form": forms["question"],
            "precalc_form": precalc_form,
            "calc": calc,
            "action_error": action_error,
            "is_mine": app.assignee_id == user.pk,
            # A role the job centre's rule lets read benefit data, without processing.
            "read_only": read_only,
            "pdf_ready": bool(app.pdf_name),
        },
        status=status,
    )


def _request_missing_url(app: Application) -> str:
    """The document-request form prefilled with the application's open proofs (issue
    18.4), for a filed or submitted application of a job centre using documents."""
    if not is_enabled(app.jobcenter, "documents") or not (
        app.filed_at or app.status != ApplicationStatus.DRAFT
    ):
        return ""
    url = reverse(
        "staff:document_request_new", kwargs={"jc": app.jobcenter.slug, "customer": app.customer_id}
    )
    return url + "?" + urlencode({"nachweise": proof_status.ref_prefix(app)})


def _delivery_label(delivery: HandoffDelivery) -> str:
    """The backend's name; a filing's delivery says so (it came before the submission)."""
    label = _backend_label(delivery.backend)
    if delivery.phase == HandoffPhase.FILING:
        return f"{label} ({delivery.get_phase_display()})"
    return label


@dataclass
class HistoryRow:
    event: ApplicationEvent
    status_from: str
    status_to: str
    handoff: str


def _history(app: Application) -> list[HistoryRow]:
    """Events with readable status and hand-off names (codes are what is stored)."""
    labels = dict(ApplicationStatus.choices)
    delivery_labels = dict(DeliveryStatus.choices)
    rows = []
    for event in events_of(app):
        data = event.data if isinstance(event.data, dict) else {}
        handoff_text = ""
        if data.get("backend"):
            state = str(data.get("status", ""))
            handoff_text = f"{_backend_label(str(data['backend']))}: " + str(
                delivery_labels.get(state, _("neuer Versuch angefordert"))
            )
        rows.append(
            HistoryRow(
                event,
                str(labels.get(event.status_from, event.status_from)),
                str(labels.get(event.status_to, event.status_to)),
                handoff_text,
            )
        )
    return rows


def _backend_label(key: str) -> str:
    try:
        return str(handoff.get_backend(key).label)
    except KeyError:
        return key


@require_module(MODULE)
@staff_reads(Perm.APPLICATIONS_PROCESS, Category.BENEFIT_DATA)
@require_GET
def application_pdf(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = _jc(request)
    app = get_application_for_staff(jobcenter, pk)
    content = sealed.read(jobcenter, app.pdf_name)
    if content is None:
        messages.info(
            request, _("Das PDF wird noch erstellt. Bitte versuchen Sie es gleich noch einmal.")
        )
        return redirect("staff:application", jc=jc, pk=app.pk)
    audit(
        request=request,
        action=AuditAction.EXPORT,
        object_type="application_pdf",
        object_id=app.pk,
        jobcenter=jobcenter,
        subject=app.customer.user,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{app.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def structured_data(app: Application) -> dict[str, Any]:
    """The downloadable JSON: the same envelope the hand-off backends send."""
    item = HandoffInput(
        application_id=app.pk,
        reference=app.reference,
        kind=app.kind,
        jobcenter_slug=app.jobcenter.slug,
        form_key=app.form_key,
        form_version=app.form_version,
        submitted_at=app.submitted_at.isoformat() if app.submitted_at else "",
        submission_sha256=app.submission_sha256,
        submitted_data=app.submitted_data or {},
        idempotency_key="",
        staff_url="",
        config={},
    )
    return item.envelope()


@require_module(MODULE)
@staff_reads(Perm.APPLICATIONS_PROCESS, Category.BENEFIT_DATA)
@require_GET
def application_json(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = _jc(request)
    app = get_application_for_staff(jobcenter, pk)
    audit(
        request=request,
        action=AuditAction.EXPORT,
        object_type="application_json",
        object_id=app.pk,
        jobcenter=jobcenter,
        subject=app.customer.user,
    )
    body = json.dumps(structured_data(app), ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{app.reference}.json"'
    return response


# --- Admin: settings and funnel ----------------------------------------------------------


def _known_help_keys() -> frozenset[str]:
    return frozenset(
        f"{s.key}.{f.key}" for d in engine.all_definitions() for s in d.steps for f in s.fields
    )


@require_module(MODULE)
@staff_required(Perm.APPLICATIONS_CONFIGURE)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = _jc(request), _user(request)
    current = settings_of(jobcenter)
    configs = handoff_configs_of(jobcenter)
    backends = [b for b in handoff.all_backends() if not b.always_on]
    posted = request.POST if request.method == "POST" else None
    section = request.POST.get("section", "") if posted else ""
    form = SettingsForm(
        posted if section == "texts" else None,
        known_keys=_known_help_keys(),
        initial={
            "introduction": current.introduction,
            "receipt_contact": current.receipt_contact,
            "help_texts": SettingsForm.help_texts_initial(current.help_texts or {}),
            "renewal_enabled": current.renewal_enabled,
            "change_notice_enabled": current.change_notice_enabled,
            "notify_mailbox": current.notify_mailbox,
        },
        translations=current.translations or {},
    )
    chat_form = ChatTranscriptsForm(
        posted if section == "chat" else None,
        initial={"chat_transcripts": handoff_chat.transcripts_on(jobcenter.pk)},
    )
    handoff_forms = []
    for backend in backends:
        cfg = configs.get(backend.key)
        initial: dict[str, Any] = {"enabled": bool(cfg and cfg.enabled)}
        for f in backend.config_fields:
            if not f.secret and cfg is not None:
                initial[f.key] = cfg.config.get(f.key, "")
        bound = posted if section == f"handoff-{backend.key}" else None
        handoff_forms.append(HandoffConfigForm(bound, backend=backend, initial=initial))
    status = 200
    if posted is not None:
        status = 400
        try:
            if section == "texts" and form.is_valid():
                services_staff.application_settings_update(
                    request=request,
                    actor=user,
                    jobcenter=jobcenter,
                    data={**form.german_data(), "translations": form.translations()},
                )
                messages.success(request, _("Die Einstellungen wurden gespeichert."))
                return redirect("staff:applications_settings", jc=jc)
            if section == "chat" and chat_form.is_valid():
                handoff_chat.settings_save(
                    request=request,
                    actor=user,
                    jobcenter=jobcenter,
                    chat_transcripts=chat_form.cleaned_data["chat_transcripts"],
                )
                messages.success(request, _("Die Einstellungen wurden gespeichert."))
                return redirect("staff:applications_settings", jc=jc)
            for hform in handoff_forms:
                if section == f"handoff-{hform.backend.key}" and hform.is_valid():
                    try:
                        services_staff.handoff_config_save(
                            request=request,
                            actor=user,
                            jobcenter=jobcenter,
                            backend=hform.backend.key,
                            enabled=hform.cleaned_data["enabled"],
                            config=hform.config(),
                        )
                    except StaffActionError as exc:
                        hform.add_error(
                            exc.field if exc.field in hform.fields else None, exc.message
                        )
                        break
                    messages.success(request, _("Die Einstellungen wurden gespeichert."))
                    return redirect("staff:applications_settings", jc=jc)
        except StaffActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "applications/staff/settings.html",
        {"form": form, "handoff_forms": handoff_forms, "chat_form": chat_form},
        status=status,
    )


@require_module(MODULE)
@staff_required(Perm.APPLICATIONS_CONFIGURE)
@require_GET
def funnel_page(request: HttpRequest, jc: str) -> HttpResponse:
    """Where people give up, per step: counts and median times, no personal data."""
    jobcenter = _jc(request)
    kind = request.GET.get("art", ApplicationKind.INITIAL)
    if kind not in ApplicationKind.values:
        raise Http404
    rows = funnel.funnel(jobcenter, kind=kind)
    return render(
        request,
        "applications/staff/funnel.html",
        {
            "rows": rows,
            "kind": kind,
            "kinds": ApplicationKind.choices,
            "days": funnel.DEFAULT_DAYS,
        },
    )

"""Customer pages of the applications module under ``/<jc>/mein-bereich/antrag/``.

Start, file (with receipt), one page per step, progress overview, conflict page, proof
list, submit, status with history and questions, PDFs. Applications are looked up only
through ``selectors.get_application_for_customer`` (404 for "not yours"); every change
goes through ``services``.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.applications import engine, pdf, proof_status
from openjobcenter.applications.forms import (
    AnswerForm,
    SubmitForm,
    member_rows,
    page_fields,
    raw_from_post,
    role_options,
)
from openjobcenter.applications.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    EventKind,
    StepState,
)
from openjobcenter.applications.ratelimit import submission_allowed
from openjobcenter.applications.selectors import (
    applications_of_customer,
    customer_events,
    get_application_for_customer,
    get_question_for_customer,
    kinds_offered,
    open_draft,
    settings_for,
    steps_of,
)
from openjobcenter.applications.selfcheck import SESSION_KEY, prefill_from_self_check
from openjobcenter.applications.services import (
    ApplicationError,
    ApplicationIncomplete,
    StepConflict,
    StepInvalid,
    application_answer_question,
    application_start,
    application_step_open,
    application_step_save,
    application_submit,
)
from openjobcenter.core import sealed
from openjobcenter.core.access import customer_required, request_customer, request_jobcenter
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents import proof_links
from openjobcenter.tenants.modules import is_enabled, require_module

MODULE = "applications"
KIND_SLUGS = {
    "erstantrag": ApplicationKind.INITIAL,
    "weiterbewilligung": ApplicationKind.RENEWAL,
    "veraenderung": ApplicationKind.CHANGE_NOTICE,
}
SLUG_OF_KIND = {v.value: k for k, v in KIND_SLUGS.items()}


def _url(name: str, application: Application, **kw: Any) -> str:
    return reverse(
        f"customer:{name}", kwargs={"jc": application.jobcenter.slug, "pk": application.pk, **kw}
    )


def _upload_url(jc: str, kind: str) -> str | None:
    """The documents module's upload page for this kind, if that module is built."""
    try:
        return reverse("customer:document_upload", kwargs={"jc": jc}) + f"?kind={kind}"
    except NoReverseMatch:
        return None


def _read_only_redirect(request: HttpRequest, application: Application) -> HttpResponse:
    messages.info(
        request,
        _(
            "Dieser Antrag ist schon abgeschickt und kann nicht mehr geändert werden. "
            "Änderungen teilen Sie uns bitte mit einer Veränderungsmitteilung mit."
        ),
    )
    return redirect(_url("application", application))


# --- List and start ----------------------------------------------------------------------------


@require_module(MODULE)
@customer_required
@require_GET
def applications(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    conf = settings_for(request_jobcenter(request))
    offered = kinds_offered(customer.jobcenter)
    return render(
        request,
        "applications/customer/list.html",
        {
            "applications": list(applications_of_customer(customer)[:50]),
            "offers": [
                {
                    "kind": kind,
                    "slug": SLUG_OF_KIND[kind],
                    "label": ApplicationKind(kind).label,
                    "draft": open_draft(customer, kind),
                }
                for kind in offered
            ],
            "introduction": conf.introduction,
            "has_prefill": SESSION_KEY in request.session,
        },
    )


@require_module(MODULE)
@customer_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, jc: str, kind_slug: str) -> HttpResponse:
    kind = KIND_SLUGS.get(kind_slug)
    customer = request_customer(request)
    if kind is None or kind not in kinds_offered(customer.jobcenter):
        raise Http404
    draft = open_draft(customer, kind)
    if draft is not None:
        return redirect(_url("application", draft))
    definition = engine.latest_definition(kind)
    prefill = request.session.get(SESSION_KEY) if kind == ApplicationKind.INITIAL else None
    if request.method == "POST":
        try:
            application = application_start(
                request=request, customer=customer, kind=kind, prefill=prefill
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("customer:applications", jc=jc)
        request.session.pop(SESSION_KEY, None)
        first = definition.steps[0].key
        return redirect(_url("application_step", application, step_key=first))
    return render(
        request,
        "applications/customer/start.html",
        {"definition": definition, "kind": kind, "has_prefill": bool(prefill)},
    )


# --- Overview (draft: progress; submitted: status) -----------------------------------------------


def _progress_rows(application: Application) -> list[dict[str, Any]]:
    return [
        {
            "p": p,
            "url": _url("application_step", application, step_key=p.key),
        }
        for p in engine.progress(application)
    ]


@require_module(MODULE)
@customer_required
@require_GET
@never_cache
def application(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    app = get_application_for_customer(customer, pk)
    if not getattr(request, "htmx", False):
        # The status page refreshes itself every minute; only the page view is logged.
        audit(
            request=request,
            action=AuditAction.READ,
            object_type="application",
            object_id=app.pk,
            jobcenter=app.jobcenter,
            subject=customer.user,
        )
    definition = engine.get_definition(app.form_key, app.form_version)
    events = list(customer_events(app))
    for e in events:
        e.status_label = (  # type: ignore[attr-defined]
            ApplicationStatus(e.status_to).label if e.status_to in ApplicationStatus.values else ""
        )
    answered = {e.data.get("question") for e in events if e.kind == EventKind.ANSWER}
    questions = [e for e in events if e.kind == EventKind.QUESTION and e.pk not in answered]
    rows = _progress_rows(app) if app.status == ApplicationStatus.DRAFT else []
    return render(
        request,
        "applications/customer/application.html",
        {
            "app": app,
            "definition": definition,
            "progress": rows,
            "open_count": sum(1 for r in rows if r["p"].status == engine.StepStatus.OPEN),
            "events": events,
            "open_questions": questions,
            "answer_form": AnswerForm(),
            "is_draft": app.status == ApplicationStatus.DRAFT,
            "statuses": _status_track(app),
            "last_reason": next(
                (e.message for e in reversed(events) if e.kind == EventKind.STATUS_CHANGED),
                "",
            ),
        },
    )


def _status_track(app: Application) -> list[dict[str, Any]]:
    order = [
        ApplicationStatus.RECEIVED,
        ApplicationStatus.IN_PROGRESS,
        ApplicationStatus.DOCUMENTS_REQUESTED,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.DECIDED,
    ]
    current = order.index(ApplicationStatus(app.status)) if app.status in order else -1
    return [
        {"label": s.label, "done": i < current, "current": i == current}
        for i, s in enumerate(order)
    ]


# --- One step -----------------------------------------------------------------------------------


def _render_step(
    request: HttpRequest,
    app: Application,
    inst: engine.StepInstance,
    answers: engine.Answers,
    values: dict[str, Any],
    errors: dict[str, str],
    base_version: int,
    *,
    extra_rows: int = 1,
    conflict: StepConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    definition = engine.get_definition(app.form_key, app.form_version)
    help_texts = settings_for(app.jobcenter).help_texts or {}
    local_help = (
        {str(k): str(v) for k, v in help_texts.items()} if isinstance(help_texts, dict) else {}
    )
    conflict_rows: list[engine.SummaryRow] = []
    if conflict is not None:
        newer = answers.with_step(inst.key, conflict.answers)
        for section in engine.summary_sections_for(definition, newer):
            if section.key == inst.key:
                conflict_rows = section.rows
    instances = [i for i in engine.step_instances(definition, answers) if i.needed]
    keys = [i.key for i in instances]
    position = keys.index(inst.key) + 1 if inst.key in keys else 0
    return render(
        request,
        "applications/customer/step.html",
        {
            "app": app,
            "inst": inst,
            "fields": page_fields(inst, answers, values, errors, local_help),
            "members": member_rows(values, errors, extra_rows)
            if any(f.type == engine.FieldType.PERSONS for f in inst.step.fields)
            else None,
            "role_options": role_options(),
            "errors": errors,
            "base_version": base_version,
            "conflict": conflict,
            "conflict_rows": conflict_rows,
            "position": position,
            "total": len(keys),
            "is_filing": inst.step.filing,
            # The page shows sent answers (errors, conflict): the script restores nothing.
            "posted": request.method == "POST",
        },
        status=status,
    )


def _next_url(app: Application, after_key: str) -> str:
    definition = engine.get_definition(app.form_key, app.form_version)
    rows = steps_of(app)
    answers = engine.Answers({k: r.answers for k, r in rows.items()})
    done = {k for k, r in rows.items() if r.state == StepState.DONE}
    keys = [i.key for i in engine.step_instances(definition, answers) if i.needed]
    later = keys[keys.index(after_key) + 1 :] if after_key in keys else keys
    for key in later:
        if key not in done:
            return _url("application_step", app, step_key=key)
    for key in keys:
        if key not in done:
            return _url("application_step", app, step_key=key)
    return _url("application_submit", app)


@require_module(MODULE)
@customer_required
@require_http_methods(["GET", "POST"])
@never_cache
def step(request: HttpRequest, jc: str, pk: int, step_key: str) -> HttpResponse:
    customer = request_customer(request)
    app = get_application_for_customer(customer, pk)
    if app.status != ApplicationStatus.DRAFT:
        return _read_only_redirect(request, app)
    definition = engine.get_definition(app.form_key, app.form_version)
    rows = steps_of(app)
    answers = engine.Answers({k: r.answers for k, r in rows.items()})
    try:
        inst = engine.get_instance(definition, answers, step_key)
    except KeyError:
        raise Http404 from None
    row = rows.get(step_key)
    stored_version = row.version if row else 0
    if request.method == "GET":
        if row is None:
            application_step_open(application=app, step_key=step_key)
        return _render_step(
            request, app, inst, answers, dict(row.answers) if row else {}, {}, stored_version
        )
    raw = raw_from_post(inst, request.POST)
    try:
        base_version = int(request.POST.get("base_version", "0"))
    except ValueError:
        base_version = -1
    if request.POST.get("add_member") or any(
        k.endswith("-remove") and k.startswith("members-") for k in request.POST
    ):
        # "Weitere Person hinzufügen" / "Entfernen": redraw the page, nothing saved yet.
        rows_now = raw.get("members") or []
        return _render_step(
            request,
            app,
            inst,
            answers,
            {"members": rows_now},
            {},
            base_version,
            extra_rows=1 if request.POST.get("add_member") else 0,
        )
    try:
        application_step_save(
            request=request,
            application=app,
            step_key=step_key,
            answers=raw,
            base_version=base_version,
        )
    except StepConflict as conflict:
        return _render_step(
            request, app, inst, answers, raw, {}, conflict.version, conflict=conflict, status=409
        )
    except StepInvalid as invalid:
        values = {**raw, **invalid.cleaned}
        if "members" in raw:
            values["members"] = raw["members"]

        return _render_step(
            request, app, inst, answers, values, invalid.errors, base_version, status=400
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_url("application", app))
    if inst.step.filing and app.filed_at is None:
        return redirect(_url("application_receipt", app))
    if request.POST.get("save_and_leave"):
        messages.success(request, _("Gespeichert. Sie können jederzeit weitermachen."))
        return redirect(_url("application", app))
    return redirect(_next_url(app, step_key))


# --- Receipt, proofs, submit ----------------------------------------------------------------------


@require_module(MODULE)
@customer_required
@require_GET
def receipt(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    app = get_application_for_customer(request_customer(request), pk)
    if app.filed_at is None:
        return redirect(_url("application", app))
    definition = engine.get_definition(app.form_key, app.form_version)
    next_key = engine.next_open_step(
        definition,
        engine.answers_for(app),
        [k for k, r in steps_of(app).items() if r.state == StepState.DONE],
    )
    return render(
        request,
        "applications/customer/receipt.html",
        {
            "app": app,
            "definition": definition,
            "next_url": _url("application_step", app, step_key=next_key) if next_key else None,
            "contact": settings_for(app.jobcenter).receipt_contact,
        },
    )


@require_module(MODULE)
@customer_required
@require_GET
def proofs(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    app = get_application_for_customer(request_customer(request), pk)
    can_upload = is_enabled(app.jobcenter, "documents") and _upload_url(jc, "other") is not None
    items = [
        {
            "proof": row.proof,
            "document": row.document,
            "upload_url": _proof_send_url(app, row) if can_upload else None,
        }
        for row in proof_status.proof_rows(app)
    ]
    return render(request, "applications/customer/proofs.html", {"app": app, "items": items})


def _proof_send_url(app: Application, row: proof_status.ProofRow) -> str:
    query = urlencode({"kind": row.proof.kind_key, "person": row.proof.person_id or ""})
    return _url("application_proof_send", app) + "?" + query


@require_module(MODULE)
@customer_required
@require_GET
def proof_send(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """From a proof on the list to the upload page, with a token that links what is sent
    to this proof. A stale link (the proof arrived meanwhile, or the answers no longer
    call for it) gets a page that says so, not a second upload."""
    customer = request_customer(request)
    app = get_application_for_customer(customer, pk)
    if not is_enabled(app.jobcenter, "documents") or _upload_url(jc, "other") is None:
        raise Http404
    row = proof_status.find_row(
        app, request.GET.get("kind", ""), request.GET.get("person", "") or None
    )
    if row is None or row.received:
        return render(request, "applications/customer/proof_stale.html", {"app": app, "row": row})
    token = proof_links.sign(customer, row.ref)
    return redirect(
        reverse("customer:document_upload", kwargs={"jc": jc})
        + "?"
        + urlencode({"kind": row.proof.kind_key, "proof": token})
    )


@require_module(MODULE)
@customer_required
@require_http_methods(["GET", "POST"])
@never_cache
def submit(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    app = get_application_for_customer(customer, pk)
    if app.status != ApplicationStatus.DRAFT:
        # A second click or a reload after submission: the same application and receipt.
        return redirect(_url("application", app))
    open_steps = [p for p in engine.progress(app) if p.status == engine.StepStatus.OPEN]
    if request.method == "POST":
        form = SubmitForm(request.POST)
        key = form.data.get("idempotency_key") if form.is_valid() else None
        if not submission_allowed(user_id=customer.user_id):
            messages.error(
                request,
                _("Sie haben sehr oft hintereinander abgeschickt. Bitte warten Sie eine Stunde."),
            )
            return redirect(_url("application_submit", app), status=303)
        try:
            app = application_submit(request=request, application=app, idempotency_key=key)
        except ApplicationIncomplete:
            messages.error(
                request,
                _("Es fehlen noch Angaben. Bitte füllen Sie zuerst alle offenen Schritte aus."),
            )
            return redirect(_url("application", app))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(_url("application", app))
        messages.success(request, _("Ihr Antrag ist abgeschickt. Vielen Dank!"))
        return redirect(_url("application", app))
    return render(
        request,
        "applications/customer/submit.html",
        {
            "app": app,
            "sections": engine.summary_sections(app),
            "open_steps": [
                {"p": p, "url": _url("application_step", app, step_key=p.key)} for p in open_steps
            ],
            "form": SubmitForm(initial={"idempotency_key": secrets.token_urlsafe(16)}),
        },
    )


@require_module(MODULE)
@customer_required
@require_POST
def answer(request: HttpRequest, jc: str, pk: int, question_id: int) -> HttpResponse:
    app = get_application_for_customer(request_customer(request), pk)
    question = get_question_for_customer(app, question_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            application_answer_question(
                request=request,
                application=app,
                question=question,
                message=form.cleaned_data["message"],
            )
        except ApplicationError as exc:
            form.add_error("message", exc.message)
        else:
            messages.success(request, _("Ihre Antwort ist gesendet."))
            return redirect(_url("application", app))
    return render(
        request,
        "applications/customer/answer.html",
        {"app": app, "question": question, "form": form},
        status=400,
    )


# --- PDFs -------------------------------------------------------------------------------------


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_module(MODULE)
@customer_required
@require_GET
def summary_pdf(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    app = get_application_for_customer(customer, pk)
    audit(
        request=request,
        action=AuditAction.EXPORT,
        object_type="application",
        object_id=app.pk,
        jobcenter=app.jobcenter,
        subject=customer.user,
        detail="summary pdf",
    )
    stored = sealed.read(app.jobcenter, app.pdf_name) if app.submitted_data else None
    content = stored if stored is not None else pdf.render_summary(app)
    return _pdf_response(content, f"Antrag-{app.reference}.pdf")


@require_module(MODULE)
@customer_required
@require_GET
def receipt_pdf(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    app = get_application_for_customer(request_customer(request), pk)
    if app.filed_at is None:
        raise Http404
    stored = sealed.read(app.jobcenter, app.receipt_pdf_name)
    content = stored if stored is not None else pdf.render_receipt(app)
    return _pdf_response(content, f"Eingangsbestaetigung-{app.reference}.pdf")


# --- From the self-check (issue 4) -------------------------------------------------------------


@require_module(MODULE)
@require_POST
def from_self_check(request: HttpRequest, jc: str) -> HttpResponse:
    """Keep the self-check's answers in the session only (nothing else is stored) and go
    on to start a first application; after login the draft starts prefilled from them."""
    prefill = prefill_from_self_check(request.POST)
    if prefill is None:
        messages.error(request, _("Bitte rechnen Sie zuerst mit gültigen Angaben."))
        return redirect("tenant:self_check", jc=jc)
    request.session[SESSION_KEY] = prefill
    return redirect("customer:application_start", jc=jc, kind_slug="erstantrag")

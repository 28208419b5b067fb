"""Customer pages of the applications form flow under ``/<jc>/mein-bereich/antrag/``.

Starting an application of a kind (also from the self-check's answers), one page per
step with its conflict page when another device saved meanwhile, and submitting
(idempotent, rate limited). Applications are looked up only through
``selectors.get_application_for_customer``; every change goes through ``services``.
The list, overview, receipt, proofs, questions and PDFs are in ``views_customer``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from openjobcenter.applications import engine, help_texts
from openjobcenter.applications.forms import (
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
    StepState,
)
from openjobcenter.applications.prefill_sources import prefill_note
from openjobcenter.applications.ratelimit import submission_allowed
from openjobcenter.applications.selectors import (
    get_application_for_customer,
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
    application_start,
    application_step_open,
    application_step_save,
    application_submit,
)
from openjobcenter.applications.services_submit import profile_address_offer
from openjobcenter.applications.views_customer import KIND_SLUGS, MODULE, _read_only_redirect, _url
from openjobcenter.bundid import guard as bundid_guard
from openjobcenter.core.access import customer_required, request_customer
from openjobcenter.tenants.modules import require_module


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
        if kind == ApplicationKind.INITIAL and request.session.pop(SESSION_KEY, None):
            # Never overwrite what the person already entered in the draft (issue 17).
            messages.info(
                request,
                _(
                    "Sie haben schon einen Antrag begonnen. Ihre Angaben aus dem Vorab-Check "
                    "haben wir nicht übernommen, damit nichts überschrieben wird."
                ),
            )
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
    local_help = help_texts.local_help(settings_for(app.jobcenter))
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
            "prefill_note": prefill_note(app, inst.key),
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
    # A job centre may require a BundID login of some level for this step (bank account).
    guarded = bundid_guard.step_action(step_key)
    if guarded is not None:
        refused = bundid_guard.refusal_page(request, app.jobcenter, guarded)
        if refused is not None:
            return refused
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
            request,
            app,
            inst,
            answers,
            raw,
            {},
            conflict.version,
            extra_rows=0,
            conflict=conflict,
            status=409,
        )
    except StepInvalid as invalid:
        values = {**raw, **invalid.cleaned}
        if "members" in raw:
            # The rows exactly as posted (empty extra rows too): an error never adds or
            # drops a person, and the error keys ("members.2.first_name") stay aligned.
            values["members"] = raw["members"]
        return _render_step(
            request,
            app,
            inst,
            answers,
            values,
            invalid.errors,
            base_version,
            extra_rows=0,
            status=400,
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
        offer = profile_address_offer(app, engine.answers_for(app))
        confirmed = bool(form.is_valid() and form.cleaned_data.get("save_address"))
        try:
            app = application_submit(
                request=request,
                application=app,
                idempotency_key=key,
                address_to_profile=offer is not None and confirmed,
            )
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
    offer = profile_address_offer(app, engine.answers_for(app))
    return render(
        request,
        "applications/customer/submit.html",
        {
            "app": app,
            "address_offer": offer,
            "sections": engine.summary_sections(app),
            "open_steps": [
                {"p": p, "url": _url("application_step", app, step_key=p.key)} for p in open_steps
            ],
            "form": SubmitForm(
                initial={
                    "idempotency_key": secrets.token_urlsafe(16),
                    "save_address": offer.default if offer else False,
                }
            ),
        },
    )


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

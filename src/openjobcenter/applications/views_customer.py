"""Customer pages of the applications module under ``/<jc>/mein-bereich/antrag/``.

The list of own applications, the overview (draft: progress; submitted: status with
history and questions), receipt, proof list, answering a question and the PDFs, plus
the URL helpers the form flow shares. Start, the step pages and submit are in
``views_customer_form``. Applications are looked up only through
``selectors.get_application_for_customer`` (404 for "not yours"); every change goes
through ``services``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from openjobcenter.applications import engine, pdf, proof_status
from openjobcenter.applications.forms import AnswerForm
from openjobcenter.applications.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    EventKind,
    StepState,
)
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
from openjobcenter.applications.selfcheck import SESSION_KEY
from openjobcenter.applications.services import ApplicationError, application_answer_question
from openjobcenter.core import sealed
from openjobcenter.core.access import customer_required, request_customer, request_jobcenter
from openjobcenter.core.audit import audit
from openjobcenter.core.audit_buffer import audit_own_read
from openjobcenter.core.content_i18n import translated
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
            "introduction": translated(conf, "introduction"),
            "has_prefill": SESSION_KEY in request.session,
        },
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
        audit_own_read(
            request=request,
            user=customer.user,
            object_type="application",
            object_id=app.pk,
            jobcenter=app.jobcenter,
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
            # "Weiter ausfüllen" opens the first open step, not the summary page.
            "next_step_url": next(
                (r["url"] for r in rows if r["p"].status == engine.StepStatus.OPEN), None
            ),
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


PENDING_RETRY_S = 2


def _pdf_pending(request: HttpRequest, app: Application, what: str) -> HttpResponse:
    """The stored PDF is not drawn yet (the worker draws it within seconds of the filing
    or submission): say so instead of drawing it in the request (issue 19: a render
    costs a quarter to a half second of CPU and held a web worker as long). The page
    asks again every few seconds (htmx); once the PDF is there, the answer to that
    request sends the browser to the download. Without JavaScript: a link to try again."""
    if request.htmx:  # type: ignore[attr-defined]
        # Still drawing: nothing to swap.
        response = HttpResponse(status=204)
    else:
        response = render(
            request,
            "applications/customer/pdf_pending.html",
            {"app": app, "what": what, "retry_s": PENDING_RETRY_S},
        )
    response["Retry-After"] = str(PENDING_RETRY_S)
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_ready(request: HttpRequest, content: bytes, name: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]  # the page's poll: the browser fetches the file
        response = HttpResponse(status=200)
        response["HX-Redirect"] = request.path
        response["Cache-Control"] = "private, no-store"
        return response
    return _pdf_response(content, name)


@require_module(MODULE)
@customer_required
@require_GET
def summary_pdf(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    app = get_application_for_customer(customer, pk)
    if app.submitted_data and not app.pdf_name:
        return _pdf_pending(request, app, _("Ihr Antrag als PDF"))
    stored = sealed.read(app.jobcenter, app.pdf_name) if app.pdf_name else None
    # A draft has no stored PDF (it changes with every save), and a stored file that went
    # missing is not drawn again by the worker: both are drawn for this request.
    content = stored if stored is not None else pdf.render_summary(app)
    audit(
        request=request,
        action=AuditAction.EXPORT,
        object_type="application",
        object_id=app.pk,
        jobcenter=app.jobcenter,
        subject=customer.user,
        detail="summary pdf",
    )
    return _pdf_ready(request, content, f"Antrag-{app.reference}.pdf")


@require_module(MODULE)
@customer_required
@require_GET
def receipt_pdf(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    app = get_application_for_customer(request_customer(request), pk)
    if app.filed_at is None:
        raise Http404
    if not app.receipt_pdf_name:
        return _pdf_pending(request, app, _("Ihre Eingangsbestätigung als PDF"))
    stored = sealed.read(app.jobcenter, app.receipt_pdf_name)
    content = stored if stored is not None else pdf.render_receipt(app)  # file gone: drawn
    return _pdf_ready(request, content, f"Eingangsbestaetigung-{app.reference}.pdf")

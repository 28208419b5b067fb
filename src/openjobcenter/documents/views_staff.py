"""Staff pages under ``/<jc>/staff/unterlagen/``: search, a customer's documents and
requests, the page viewer with the review, downloads, new requests, settings. Every read
of a customer's documents is written to the audit log.

Need-to-know (``core.need_to_know``): each document's kind has a category. Lists show
only documents whose category the person may at least know of; where they may not read
it, the row says that it arrived and when, not what it is. The text search and the kind
filter look only into categories the person may read (a search would otherwise reveal
content). Opening, downloading or viewing a page of a document the person may not read
is a 403 (existence known) or a 404 (not even that).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.accounts.selectors import get_customer_for
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.access import (
    Perm,
    request_jobcenter,
    request_staff_roles,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents import proof_targets, selectors, services, storage
from openjobcenter.documents.forms import RequestForm, ReviewForm, SearchForm, SettingsForm
from openjobcenter.documents.kinds import KINDS, kind_category, kinds_in
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.documents.notice import default_notice
from openjobcenter.documents.request_view import (
    readable_kind_choices,
    shown_request,
    shown_requests,
)
from openjobcenter.documents.services import RequestItemInput
from openjobcenter.documents.views_customer import pdf_response
from openjobcenter.tenants.modules import require_module

MODULE = "documents"
PAGE_SIZE = 100


def _roles(request: HttpRequest) -> frozenset[str]:
    return request_staff_roles(request)


def _search(request: HttpRequest, **scope: object) -> tuple[SearchForm, list[Document]]:
    jobcenter = request_jobcenter(request)
    form = SearchForm(request.GET or None)
    # The kind filter offers only kinds the person may read (need-to-know).
    kind_field = form.fields["kind"]
    kind_field.choices = [  # type: ignore[attr-defined]
        ("", _("Alle")),
        *readable_kind_choices(roles=_roles(request), jobcenter=jobcenter),
    ]
    filters: dict[str, object] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    roles = _roles(request)
    known = ntk.categories_visible(
        roles=roles, jobcenter=jobcenter, at_least=ntk.Visibility.EXISTENCE
    )
    readable = ntk.categories_visible(
        roles=roles, jobcenter=jobcenter, at_least=ntk.Visibility.CONTENT
    )
    # Searching by text or kind looks into what a document is: only where it may be read.
    searching = bool(filters.get("text") or filters.get("kind"))
    qs = selectors.search_documents(
        jobcenter,
        kinds=kinds_in(readable if searching else known),
        **scope,  # type: ignore[arg-type]
        **filters,  # type: ignore[arg-type]
    )
    found = list(qs[:PAGE_SIZE])
    for doc in found:
        category = kind_category(doc.kind)
        doc.readable = category in readable  # type: ignore[attr-defined]
        if not doc.readable:  # type: ignore[attr-defined]
            doc.content_note = ntk.content_note(category, jobcenter)  # type: ignore[attr-defined]
    return form, found


def _document_for_content(request: HttpRequest, pk: int) -> Document:
    """The document, if this person may read its content (else 403/404)."""
    jobcenter = request_jobcenter(request)
    doc = selectors.get_document_for_staff(jobcenter, pk)
    ntk.require_content(
        roles=_roles(request), category=kind_category(doc.kind), jobcenter=jobcenter
    )
    return doc


@require_GET
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def documents(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    form, found = _search(request)
    audit(
        request=request, action=AuditAction.READ, object_type="document_list", jobcenter=jobcenter
    )
    return render(request, "documents/staff_documents.html", {"form": form, "documents": found})


@require_GET
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def customer_documents(request: HttpRequest, jc: str, customer: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    person = get_customer_for(jobcenter, customer)
    form, found = _search(request, customer=person)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="document_list",
        object_id=person.pk,
        jobcenter=jobcenter,
        subject=person.user,
    )
    return render(
        request,
        "documents/staff_customer_documents.html",
        {
            "person": person,
            "form": form,
            "documents": found,
            "requests": shown_requests(
                selectors.requests_of_customer_for_staff(jobcenter, person),
                roles=_roles(request),
                jobcenter=jobcenter,
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def document(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    doc = _document_for_content(request, pk)
    form = ReviewForm(
        request.POST or None,
        initial={"state": doc.state, "reason": doc.reason, "version": doc.review_version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.document_review(
                request=request,
                document=doc,
                state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
                base_version=form.cleaned_data["version"],
            )
        except services.ReviewConflict as exc:
            # Show what the other person decided and keep this person's own choice and
            # text in the form; it now carries the newer version, so saving again
            # replaces the other decision knowingly.
            doc = conflict = exc.document
            data = request.POST.copy()
            data["version"] = str(doc.review_version)
            form = ReviewForm(data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _saved())
            return redirect("staff:document", jc=jc, pk=pk)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="document",
        object_id=doc.pk,
        jobcenter=jobcenter,
        subject=doc.customer.user,
    )
    status = 200 if request.method != "POST" else 409 if conflict else 422
    return render(
        request,
        "documents/staff_document.html",
        {
            "doc": doc,
            "pages": [p for p in doc.pages.all() if p.preview_key],
            "form": form,
            "conflict": conflict,
            "suggested": KINDS.get(doc.suggested_kind) if doc.suggested_kind else None,
            "link": proof_targets.link_states(doc.customer, [doc])[doc.pk],
        },
        status=status,
    )


def _saved() -> str:
    from django.utils.translation import gettext as _

    return _("Gespeichert.")


@require_GET
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def document_file(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    doc = _document_for_content(request, pk)
    if not doc.file_key:
        raise Http404
    audit(
        request=request,
        action=AuditAction.EXPORT,
        object_type="document",
        object_id=doc.pk,
        jobcenter=jobcenter,
        subject=doc.customer.user,
        detail="download",
    )
    return pdf_response(doc, storage.get(jobcenter, doc.file_key), f"unterlage-{doc.pk}.pdf")


@require_GET
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def page_image(request: HttpRequest, jc: str, document: int, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    _document_for_content(request, document)
    page = selectors.get_page_for_staff(jobcenter, document, pk)
    if not page.preview_key:
        raise Http404
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="document_page",
        object_id=page.pk,
        jobcenter=jobcenter,
        subject=page.document.customer.user,
    )
    response = HttpResponse(storage.get(jobcenter, page.preview_key), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def request_new(request: HttpRequest, jc: str, customer: int) -> HttpResponse:
    """A new request; from an application (``?nachweise=application:12:``) prefilled with
    its open proofs, per person and kind (issue 18.4). The deadline proposes the job
    centre's setting; the duty-to-cooperate notice is shown as the customer will read it."""
    jobcenter = request_jobcenter(request)
    person = get_customer_for(jobcenter, customer)
    conf = services.settings_for(jobcenter)
    prefix = request.GET.get("nachweise", "")[:120]
    kind_options = readable_kind_choices(roles=_roles(request), jobcenter=jobcenter)
    readable_kinds = {key for key, _label in kind_options}
    targets = proof_targets.targets_with_prefix(person, prefix) if prefix else []
    # Open proofs of a category the person may not read are not theirs to ask for.
    targets = [t for t in targets if t.kind in readable_kinds]
    by_value = {t.value: t for t in targets}
    form = RequestForm(
        request.POST or None,
        proof_choices=[(t.value, t.label) for t in targets],
        kind_options=kind_options,
        initial={
            "proofs": list(by_value),
            "deadline": timezone.localdate() + timedelta(days=conf.request_deadline_days),
            "submit_key": uuid.uuid4().hex,
        },
    )
    first = selectors.request_by_submit_key(jobcenter, person, request.POST.get("submit_key", ""))
    if request.method == "POST" and first is not None:  # a second tap: nothing twice
        return redirect("staff:document_request", jc=jc, pk=first.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reason = data.get("reason") or ""
        items = [
            RequestItemInput(
                kind=t.kind,
                free_text=t.label if t.person_id else "",
                reason=reason,
                proof_ref=t.ref,
            )
            for t in (by_value[v] for v in data.get("proofs") or [])
        ]
        items += [RequestItemInput(kind=k, reason=reason) for k in data.get("kinds") or []]
        if (data.get("free_text") or "").strip():
            items.append(RequestItemInput(kind="other", free_text=data["free_text"], reason=reason))
        try:
            created = services.document_request_create(
                request=request,
                jobcenter=jobcenter,
                customer=person,
                items=items,
                deadline=data["deadline"],
                explanation=data.get("explanation") or "",
                submit_key=data.get("submit_key") or "",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _saved())
            return redirect("staff:document_request", jc=jc, pk=created.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "documents/staff_request_new.html",
        {
            "person": person,
            "form": form,
            "notice": conf.cooperation_notice or default_notice(),
            "from_application": bool(prefix),
        },
        status=status,
    )


@require_GET
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def request_detail(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    doc_request = selectors.get_request_for_staff(jobcenter, pk)
    shown = shown_request(doc_request, roles=_roles(request), jobcenter=jobcenter)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="document_request",
        object_id=doc_request.pk,
        jobcenter=jobcenter,
        subject=doc_request.customer.user,
        detail=f"items={len(shown.items)} protected={shown.protected}",
    )
    return render(request, "documents/staff_request.html", {"r": doc_request, "shown": shown})


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_CONFIGURE)
def settings_page(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    conf = services.settings_for(jobcenter)
    form = SettingsForm(
        request.POST or None,
        initial={
            "keep_originals": conf.keep_originals,
            "retention_years": conf.retention_years,
            "request_deadline_days": conf.request_deadline_days,
            "cooperation_notice": conf.cooperation_notice,
        },
        translations=conf.translations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.german_data()
        if "cooperation_notice" not in request.POST:  # a form without it keeps the notice
            data["cooperation_notice"] = None
        else:
            data["translations"] = form.translations()
        services.document_settings_update(request=request, jobcenter=jobcenter, **data)
        messages.success(request, _saved())
        return redirect("staff:document_settings", jc=jc)
    rows = [
        {**row, "label": KINDS[str(row["kind"])].label if row["kind"] in KINDS else row["kind"]}
        for row in selectors.retention_report(jobcenter)
    ]
    return render(
        request,
        "documents/staff_settings.html",
        {"form": form, "report": rows, "states": DocumentState, "default_notice": default_notice()},
        status=422 if request.method == "POST" else 200,
    )

"""Linking a sent document to the proof it answers (issue 17.3): the customer's
"Wofür ist dieses Dokument?" beside a chat attachment, the staff's "Als Nachweis
zuordnen" on the document page. Both post a target value from ``proof_targets``; both
look the document and the target up among one customer's own (404 otherwise); a second
tap changes nothing; a stale choice (the proof arrived meanwhile, the document answers
something else already) gets a page that says so."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openjobcenter.core.access import (
    Perm,
    customer_required,
    request_customer,
    staff_required,
)
from openjobcenter.documents import proof_targets, selectors
from openjobcenter.documents.models import Document
from openjobcenter.documents.services_links import LinkStale, document_link_proof
from openjobcenter.tenants.modules import require_module

MODULE = "documents"


def _back(request: HttpRequest, fallback: str) -> str:
    """Where to return: the page the form was on (this site only), else ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _stale_text(reason: str) -> str:
    if reason == "document_linked":
        return _("Diese Unterlage ist schon einem anderen Nachweis zugeordnet.")
    if reason == "document_unusable":
        return _("Diese Unterlage konnte nicht verwendet werden und kann nichts nachweisen.")
    return _("Dieser Nachweis ist schon bei uns eingegangen. Sie müssen nichts mehr zuordnen.")


def _link(request: HttpRequest, document: Document) -> tuple[str, int]:
    """Link and say what happened: (message, status) — 200 linked or already linked,
    400 no choice, 409 stale."""
    value = request.POST.get("target", "")
    if not value.strip():
        return _("Bitte wählen Sie aus, wofür diese Unterlage ist."), 400
    target = proof_targets.find(document.customer, value)
    try:
        changed = document_link_proof(request=request, document=document, target=target)
    except LinkStale as exc:
        return _stale_text(exc.reason), 409
    if changed:
        return _("Zugeordnet: %(label)s. Vielen Dank.") % {"label": target.label}, 200
    return _("Diese Unterlage ist „%(label)s“ schon zugeordnet.") % {"label": target.label}, 200


@require_POST
@require_module(MODULE)
@customer_required
def customer_link(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    document = selectors.get_document_for_customer(customer, pk)
    back = _back(request, reverse("customer:document", kwargs={"jc": jc, "pk": pk}))
    text, status = _link(request, document)
    if status == 200:
        messages.success(request, text)
        return redirect(back)
    return render(
        request,
        "documents/customer_link_result.html",
        {"text": text, "back": back, "doc": document},
        status=status,
    )


@require_POST
@require_module(MODULE)
@staff_required(Perm.DOCUMENTS_PROCESS)
def staff_link(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    # Linking reads what the document is: only for those who may read its content
    # (need-to-know; 403 where the person may know it exists, 404 where not even that).
    from openjobcenter.documents.views_staff import _document_for_content

    document = _document_for_content(request, pk)
    text, status = _link(request, document)
    if status == 200:
        messages.success(request, text)
    else:
        messages.error(request, text)
    return redirect("staff:document", jc=jc, pk=pk)

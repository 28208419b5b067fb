"""Customer pages of the messaging module under ``/<jc>/mein-bereich/nachrichten/``.

Everything works without JavaScript (form post and reload); ``chat.js`` adds real-time
delivery over the WebSocket, an offline queue and read receipts on top.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.core.access import (
    customer_required,
    request_customer,
    request_user,
    tenant_request,
)
from openjobcenter.messaging import selectors, services
from openjobcenter.messaging.forms import ADVISOR_CHOICE, MessageForm, NewConversationForm
from openjobcenter.messaging.models import Conversation, Message
from openjobcenter.messaging.pdf import conversation_pdf
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile, User

MODULE = "messaging"


def _representative(request: HttpRequest, customer: CustomerProfile) -> User | None:
    """Who writes in the customer's name: the signed-in person when it is not the
    customer (``customer_required`` let them in under a mandate with the chat scope)."""
    user = request_user(request)
    return None if user.pk == customer.user_id else user


def _error_to_form(form: MessageForm, exc: services.MessagingError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@require_GET
@require_module(MODULE)
@customer_required
def conversation_list(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    return render(
        request,
        "messaging/customer_list.html",
        {"conversations": selectors.conversations_of_customer(customer)},
    )


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@customer_required
def conversation_new(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    services.topics_ensure_defaults(jobcenter=customer.jobcenter)
    topics = list(selectors.active_topics(customer.jobcenter))
    choices = [(str(t.pk), t.label) for t in topics]
    if customer.advisor_id:
        choices.insert(0, (ADVISOR_CHOICE, _("Meine persönliche Ansprechperson")))
    form = NewConversationForm(
        request.POST or None,
        request.FILES or None,
        to_choices=choices,
        initial={"client_id": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"]
        topic = None if to == ADVISOR_CHOICE else next((t for t in topics if str(t.pk) == to), None)
        try:
            conversation = services.conversation_start(
                customer=customer,
                # A representative acting for the customer writes in the customer's name;
                # the message and the audit entry name the representative.
                author=customer.user,
                data=services.StartRequest(
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    topic=topic,
                    advisor=customer.advisor if to == ADVISOR_CHOICE else None,
                    client_id=form.cleaned_data["client_id"],
                ),
                request=request,
                attachment=form.cleaned_data.get("file"),
                representative=_representative(request, customer),
            )
        except services.MessagingError as exc:
            _error_to_form(form, exc)
        else:
            messages.success(request, _("Ihre Nachricht ist gesendet."))
            return redirect("customer:conversation", jc=jc, pk=conversation.pk)
    return render(request, "messaging/customer_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@customer_required
def conversation_detail(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = request_customer(request)
    conversation = selectors.get_conversation_for_customer(customer, pk)
    user = customer.user  # a representative writes in the customer's name (see above)
    form = MessageForm(
        request.POST or None, request.FILES or None, initial={"client_id": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                conversation=conversation,
                author=user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                attachment=form.cleaned_data.get("file"),
                request=request,
                representative=_representative(request, customer),
            )
        except services.MessagingError as exc:
            _error_to_form(form, exc)
        else:
            return redirect("customer:conversation", jc=jc, pk=pk)
    rows = selectors.latest_messages(conversation)
    _attach_proof_links(customer, rows)
    services.conversation_mark_read(conversation=conversation, user=user)
    chat = selectors.chat_settings_of(customer.jobcenter)
    return render(
        request,
        "messaging/customer_conversation.html",
        {
            "conversation": conversation,
            "rows": rows,
            "form": form,
            "chat_settings": chat,
            "last_id": rows[-1].pk if rows else 0,
            "side": "customer",
            # A representative whose mandate covers reading only: no form.
            "read_only": _representative(request, customer) is not None
            and "chat" not in tenant_request(request).acting_mandate.scopes,
        },
        status=422 if form.errors else 200,
    )


def _attach_proof_links(customer: CustomerProfile, rows: list[Message]) -> None:
    """Beside each of the customer's own attachments: what it answers, or the choice
    "Wofür ist dieses Dokument?" among the open proof items (``documents.proof_targets``;
    the choice posts to the documents module, which links it)."""
    from openjobcenter.tenants.modules import is_enabled

    ids = [m.document_id for m in rows if m.document_id is not None and m.side == "customer"]
    if not ids or not is_enabled(customer.jobcenter, "documents"):
        return
    from openjobcenter.documents.models import Document
    from openjobcenter.documents.proof_targets import link_states

    docs = list(Document.objects.filter(pk__in=ids, customer=customer))
    states = link_states(customer, docs)
    for m in rows:
        if m.document_id in states and m.side == "customer":
            m.__dict__["proof_link"] = states[m.document_id]


@require_GET
@require_module(MODULE)
@customer_required
def conversation_download(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    conversation = selectors.get_conversation_for_customer(request_customer(request), pk)
    pdf = conversation_pdf(conversation, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="nachrichten-{conversation.pk}.pdf"'
    return response


def attachment_response(
    request: HttpRequest, jc: str, message_pk: int, conversation: Conversation, *, staff: bool
) -> HttpResponse:
    """The attachment of one message of ``conversation`` (already checked for access).

    A file that went through the documents pipeline is served from there, as its cleaned
    PDF, to everyone who may read the conversation (reception staff too, who may not
    open the documents module's pages)."""
    message = selectors.get_message_for_conversation(conversation, message_pk)
    if message.document_id is not None:
        return _document_attachment(request, jc, conversation, message.document_id, staff=staff)
    from openjobcenter.core import sealed

    # Sealed at rest (core/sealed.py); older files were stored plain and are read as such.
    content = sealed.read(conversation.jobcenter, message.attachment.name)
    if content is None:
        raise Http404
    response = HttpResponse(
        content, content_type=message.attachment_type or "application/octet-stream"
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=message.attachment_name or "anhang")
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _document_attachment(
    request: HttpRequest, jc: str, conversation: Conversation, document_id: int, *, staff: bool
) -> HttpResponse:
    from openjobcenter.documents import storage
    from openjobcenter.documents.models import DocumentState
    from openjobcenter.documents.selectors import chat_attachment_document
    from openjobcenter.documents.views_customer import pdf_response

    document = chat_attachment_document(conversation.customer, document_id)
    if document is None:
        raise Http404
    refused = document.state in (DocumentState.REFUSED, DocumentState.FAILED)
    if refused:
        # Checked after the message was stored (the pipeline runs in the background):
        # say why, instead of a bare "not found".
        reason = document.refusal_message or _("Die Datei konnte nicht verarbeitet werden.")
        if staff:
            text = _("Diese Datei wurde nicht angenommen: %(reason)s") % {"reason": reason}
        else:
            text = _(
                "Diese Datei können wir nicht verwenden: %(reason)s Bitte schicken Sie sie neu."
            ) % {"reason": reason}
        messages.error(request, text)
    elif not document.file_key:
        messages.info(
            request,
            _("Die Datei wird noch aufbereitet. Bitte versuchen Sie es in einer Minute erneut."),
        )
    if refused or not document.file_key:
        return redirect(
            "staff:conversation" if staff else "customer:conversation", jc=jc, pk=conversation.pk
        )
    data = storage.get(document.jobcenter, document.file_key)
    return pdf_response(document, data, f"anhang-{document.pk}.pdf")


@require_GET
@require_module(MODULE)
@customer_required
def attachment(request: HttpRequest, jc: str, pk: int, message_pk: int) -> HttpResponse:
    conversation = selectors.get_conversation_for_customer(request_customer(request), pk)
    return attachment_response(request, jc, message_pk, conversation, staff=False)

"""Staff pages of the messaging module under ``/<jc>/staff/nachrichten/``: the team inbox,
a conversation with the customer's context, starting a conversation, and the
configuration in views_staff_config."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.core.access import (
    Perm,
    request_jobcenter,
    request_staff_roles,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.messaging import selectors, services
from openjobcenter.messaging.attachment_access import (
    hidden_attachments,
    require_attachment_content,
)
from openjobcenter.messaging.forms import (
    AssignForm,
    MessageForm,
    StaffStartForm,
)
from openjobcenter.messaging.models import ConversationStatus, Message, Topic
from openjobcenter.messaging.views_customer import attachment_response
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled, require_module

MODULE = "messaging"


def _int_param(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
@require_module(MODULE)
@staff_required(Perm.MESSAGING_USE)
def inbox(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    services.topics_ensure_defaults(jobcenter=jobcenter)
    topics = list(selectors.all_topics(jobcenter))
    topic_id = _int_param(request.GET.get("thema"))
    topic = next((t for t in topics if t.pk == topic_id), None)
    mine = request.GET.get("meine") == "1"
    status = request.GET.get("status", "active")
    conversations = selectors.mark_readable(
        list(selectors.staff_inbox(jobcenter, user, topic=topic, mine=mine, status=status)[:200]),
        jobcenter,
        request_staff_roles(request),
    )
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="conversation_list",
        jobcenter=jobcenter,
    )
    return render(
        request,
        "messaging/staff_inbox.html",
        {
            "conversations": conversations,
            "topics": topics,
            "topic": topic,
            "mine": mine,
            "status": status,
            "statuses": ConversationStatus.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.MESSAGING_USE)
def conversation_detail(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    initial: dict[str, str] = {"client_id": uuid.uuid4().hex}
    template_id = _int_param(request.GET.get("vorlage"))
    if template_id is not None:
        template = selectors.get_template_for(jobcenter, template_id)
        initial["body"] = services.template_render(template, conversation)
    form = MessageForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["body"].label = _("Antwort")
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                conversation=conversation,
                author=user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                attachment=form.cleaned_data.get("file"),
                request=request,
            )
        except services.MessagingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("staff:conversation", jc=jc, pk=pk)
    services.conversation_audit_staff_read(conversation=conversation, request=request, actor=user)
    rows = selectors.latest_messages(conversation)
    # Attachments of a stricter category than the conversation's (a doctor's certificate
    # in a placement chat) are shown as existing, not by name.
    hidden = hidden_attachments(
        roles=request_staff_roles(request),
        jobcenter=jobcenter,
        conversation=conversation,
        rows=rows,
    )
    for row in rows:
        row.hidden_note = hidden.get(row.pk, "")  # type: ignore[attr-defined]
    services.conversation_mark_read(conversation=conversation, user=user)
    staff = selectors.messaging_staff(jobcenter)
    assign_form = AssignForm(
        initial={"assignee": conversation.assignee_id},
        staff_choices=[(str(s.pk), s.get_full_name() or s.email) for s in staff],
    )
    return render(
        request,
        "messaging/staff_conversation.html",
        {
            "conversation": conversation,
            "rows": rows,
            "form": form,
            "assign_form": assign_form,
            "context": selectors.customer_context(conversation),
            "customer_label": selectors.customer_label(conversation.customer),
            "templates": selectors.templates_of(jobcenter),
            "statuses": ConversationStatus.choices,
            "last_id": rows[-1].pk if rows else 0,
            "side": "staff",
            "can_manage": selectors.staff_sees_all(user, jobcenter),
            # Customers' attachments that went through the documents module, were
            # received and answer nothing yet can be linked there to an open proof.
            "proof_linkable": _proof_linkable(request, jobcenter, rows),
        },
        status=422 if form.errors else 200,
    )


@require_POST
@require_module(MODULE)
@staff_required(Perm.MESSAGING_USE)
def conversation_assign(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    staff = {s.pk: s for s in selectors.messaging_staff(jobcenter)}
    assignee: User | None = user
    if request.POST.get("self") != "1":
        assignee_id = _int_param(request.POST.get("assignee"))
        assignee = staff.get(assignee_id) if assignee_id is not None else None
        if assignee_id is not None and assignee is None:
            raise Http404
    try:
        services.conversation_assign(
            conversation=conversation, actor=user, assignee=assignee, request=request
        )
    except services.MessagingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Zuständigkeit ist gespeichert."))
    return redirect("staff:conversation", jc=jc, pk=pk)


@require_POST
@require_module(MODULE)
@staff_required(Perm.MESSAGING_USE)
def conversation_status(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    try:
        services.conversation_set_status(
            conversation=conversation,
            actor=user,
            status=request.POST.get("status", ""),
            request=request,
        )
    except services.MessagingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Der Status ist gespeichert."))
    return redirect("staff:conversation", jc=jc, pk=pk)


@require_GET
@require_module(MODULE)
@staff_required(Perm.MESSAGING_USE)
def attachment(request: HttpRequest, jc: str, pk: int, message_pk: int) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    conversation = selectors.get_conversation_for_staff(jobcenter, user, pk)
    require_attachment_content(
        roles=request_staff_roles(request),
        jobcenter=jobcenter,
        conversation=conversation,
        message=selectors.get_message_for_conversation(conversation, message_pk),
    )
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="chat_attachment",
        object_id=message_pk,
        jobcenter=jobcenter,
        subject=conversation.customer.user,
    )
    return attachment_response(request, jc, message_pk, conversation, staff=True)


def _find_customer(jobcenter: Jobcenter, number: str) -> CustomerProfile | None:
    return (
        CustomerProfile.objects.select_related("user", "jobcenter")
        .filter(jobcenter=jobcenter, customer_number=number.strip())
        .first()
    )


@require_http_methods(["GET", "POST"])
@require_module(MODULE)
@staff_required(Perm.MESSAGING_USE)
def conversation_start(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    number = (request.POST.get("customer_number") or request.GET.get("kunde") or "").strip()
    customer = _find_customer(jobcenter, number) if number else None
    appointments = []
    if customer is not None:
        from openjobcenter.appointments.models import ACTIVE_STATUSES, Appointment

        appointments = list(
            Appointment.objects.filter(
                customer=customer,
                jobcenter=jobcenter,
                status__in=ACTIVE_STATUSES,
                starts_at__gte=timezone.now(),
            ).order_by("starts_at")[:20]
        )
    choices = [
        (str(a.pk), timezone.localtime(a.starts_at).strftime("%d.%m.%Y %H:%M"))
        for a in appointments
    ]
    document_requests = (
        selectors.open_document_requests(jobcenter, customer) if customer is not None else []
    )
    request_choices = [
        (str(r.pk), _("Frist %(date)s") % {"date": r.deadline.strftime("%d.%m.%Y")})
        for r in document_requests
    ]
    form = StaffStartForm(
        request.POST or None,
        request.FILES or None,
        appointment_choices=choices,
        request_choices=request_choices,
        initial={"client_id": uuid.uuid4().hex, "customer_number": number},
    )
    not_found = _("Zu dieser Kundennummer finden wir niemanden.")
    if customer is not None:
        # Chosen in the first step (or from the customer's page): shown by name, not as
        # a second number field.
        form.fields["customer_number"].widget = forms.HiddenInput()
    if request.method == "POST" and form.is_valid():
        if customer is None:
            form.add_error("customer_number", not_found)
        else:
            appointment = next(
                (a for a in appointments if a.pk == form.cleaned_data["appointment"]), None
            )
            document_request = next(
                (r for r in document_requests if r.pk == form.cleaned_data["document_request"]),
                None,
            )
            try:
                conversation = services.conversation_start(
                    customer=customer,
                    author=user,
                    data=services.StartRequest(
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                        topic=None if form.cleaned_data["personal"] else _default_topic(jobcenter),
                        advisor=user if form.cleaned_data["personal"] else None,
                        appointment=appointment,
                        document_request=document_request,
                        client_id=form.cleaned_data["client_id"],
                    ),
                    request=request,
                    attachment=form.cleaned_data.get("file"),
                )
            except services.MessagingError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Die Nachricht ist gesendet."))
                return redirect("staff:conversation", jc=jc, pk=conversation.pk)
    return render(
        request,
        "messaging/staff_start.html",
        {
            "form": form,
            "customer": customer,
            # First step: who? Only the number, until a person is found.
            "lookup": customer is None and request.method == "GET",
            "lookup_error": not_found if number and customer is None else "",
            "number": number,
        },
    )


def _default_topic(jobcenter: Jobcenter) -> Topic | None:
    services.topics_ensure_defaults(jobcenter=jobcenter)
    return Topic.objects.filter(jobcenter=jobcenter, is_active=True).order_by("-position").first()


def _proof_linkable(request: HttpRequest, jobcenter: Jobcenter, rows: list[Message]) -> set[int]:
    ids = [m.document_id for m in rows if m.document_id is not None and m.side == "customer"]
    if (
        not ids
        or not is_enabled(jobcenter, "documents")
        or "documents.process" not in getattr(request, "staff_perms", ())
    ):
        return set()
    from openjobcenter.documents.models import DELIVERED_STATES, Document

    return set(
        Document.objects.filter(
            pk__in=ids,
            jobcenter=jobcenter,
            state__in=DELIVERED_STATES,
            request_item=None,
            proof_for="",
        ).values_list("pk", flat=True)
    )

"""Work waiting for a job centre's staff, for the work-queue tests: filed drafts,
submitted applications (unassigned and assigned), received documents (financial and
health), overdue document requests, unread conversations (benefit and placement topics,
personal), requests to move appointments and today's on-site appointments. Stored
directly (the modules' own tests cover their services); ``n`` of each."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.applications.models import Application, ApplicationKind, ApplicationStatus
from openjobcenter.appointments.models import Appointment, Channel, Status
from openjobcenter.documents.models import Document, DocumentRequest, DocumentState, RequestItem
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import (
    AuthorSide,
    Conversation,
    ConversationStatus,
    Message,
    Topic,
)
from tests.home.world import appointment_type, enable_modules

_refs = itertools.count(1)


def changed(jobcenter_id: int) -> None:
    """Stored directly, not through the services: do what they do after a change (the
    cached work queue, ``home/queue_cache.py``, is computed again)."""
    for module in ("applications", "documents", "messaging", "appointments"):
        queue_changed(jobcenter_id=jobcenter_id, module=module)


def _app(
    customer: CustomerProfile, *, status: str, days: int, assignee: User | None = None
) -> Application:
    when = timezone.now() - timedelta(days=days)
    draft = status == ApplicationStatus.DRAFT
    app = Application.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=ApplicationKind.INITIAL,
        status=status,
        reference=f"EA-2026-Q{next(_refs):06d}",
        form_key=ApplicationKind.INITIAL,
        form_version=1,
        filed_at=when,
        submitted_at=None if draft else when,
        submitted_data=None if draft else {"answers": {}},
        assignee=assignee,
        customer_name="Karla Kundin",
    )
    changed(customer.jobcenter_id)
    return app


def _conversation(
    customer: CustomerProfile, topic: Topic | None, *, advisor: User | None = None, days: int = 1
) -> Conversation:
    conversation = Conversation.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        topic=topic,
        advisor=advisor,
        subject="Frage zur Miete",
        status=ConversationStatus.OPEN,
    )
    message = Message.objects.create(
        conversation=conversation, author=customer.user, side=AuthorSide.CUSTOMER, body="Hallo"
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_id=message.pk, last_message_at=timezone.now() - timedelta(days=days)
    )
    return conversation


_SLOTS = itertools.count()


def make_work(
    customer: CustomerProfile,
    *,
    caseworker: User,
    advisor: User,
    n: int = 1,
) -> None:
    jobcenter = customer.jobcenter
    enable_modules(jobcenter)
    chat.topics_ensure_defaults(jobcenter=jobcenter)
    topics = {t.name: t for t in Topic.objects.filter(jobcenter=jobcenter)}
    appt_type = appointment_type(jobcenter)
    now = timezone.now()
    for i in range(n):
        _app(customer, status=ApplicationStatus.DRAFT, days=3 + i)
        _app(customer, status=ApplicationStatus.RECEIVED, days=2 + i)
        _app(customer, status=ApplicationStatus.IN_PROGRESS, days=5 + i, assignee=caseworker)
        for kind in ("payslip", "sick_note"):
            Document.objects.create(
                jobcenter=jobcenter,
                customer=customer,
                kind=kind,
                state=DocumentState.RECEIVED,
                submitted_at=now - timedelta(days=4 + i),
            )
        request = DocumentRequest.objects.create(
            jobcenter=jobcenter,
            customer=customer,
            created_by=caseworker,
            deadline=timezone.localdate() - timedelta(days=2 + i),
        )
        RequestItem.objects.create(request=request, kind="payslip")
        _conversation(customer, topics["Bürgergeld und Leistungen"], days=1 + i)
        _conversation(customer, topics["Arbeitsvermittlung"], days=1 + i)
        _conversation(customer, None, advisor=advisor, days=2 + i)
        # Unique across calls too: one staff member holds one slot at a time (PostgreSQL's
        # no-overlap constraint refuses anything else).
        k = next(_SLOTS)
        starts = now + timedelta(days=2, minutes=30 * k)
        Appointment.objects.create(
            jobcenter=jobcenter,
            type=appt_type,
            customer=customer,
            staff=advisor,
            channel=Channel.PHONE,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            status=Status.CHANGE_REQUESTED,
            change_requested_at=now - timedelta(hours=5 + i),
            created_by=advisor,
        )
        # Today, local time, one after the other (a person holds one slot at a time).
        today = timezone.localtime(now).replace(hour=21, minute=0) - timedelta(minutes=6 * (k + 1))
        Appointment.objects.create(
            jobcenter=jobcenter,
            type=appt_type,
            customer=customer,
            staff=caseworker,
            channel=Channel.IN_PERSON,
            starts_at=today,
            ends_at=today + timedelta(minutes=5),
            status=Status.CONFIRMED,
            created_by=caseworker,
        )
    changed(jobcenter.pk)

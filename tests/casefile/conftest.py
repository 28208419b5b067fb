"""A customer with something in every section of the case view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application
from openjobcenter.appointments.models import Appointment, AppointmentType
from openjobcenter.casefile.models import CaseNote
from openjobcenter.casefile.services import case_note_add
from openjobcenter.documents.models import Document, DocumentRequest
from openjobcenter.documents.services import RequestItemInput, document_request_create
from openjobcenter.messaging import services as messaging
from openjobcenter.messaging.models import Conversation, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import make_application

_minutes = count(1)
_slots = count(0)


def _enable(jc: Jobcenter) -> None:
    jc.enabled_modules = sorted(
        {*jc.enabled_modules, "applications", "documents", "messaging", "appointments"}
    )
    jc.save()
    messaging.topics_ensure_defaults(jobcenter=jc)


def add_document(
    customer: CustomerProfile, kind: str, *, item_pk: int | None = None, proof_for: str = ""
) -> Document:
    at = timezone.now() - timedelta(minutes=next(_minutes))
    return Document.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=kind,
        state="received",
        submitted_at=at,
        request_item_id=item_pk,
        proof_for=proof_for,
    )


def add_appointment(
    customer: CustomerProfile, appt_type: AppointmentType, staff: User, days: int
) -> Appointment:
    # Slots of 40 minutes, 36 a day: two appointments of the same person never overlap
    # (PostgreSQL's exclusion constraint), whatever ``days`` the tests pass.
    starts = timezone.now() + timedelta(days=days, minutes=40 * (next(_slots) % 36))
    return Appointment.objects.create(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=staff,
        channel="phone",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        status="invited" if days > 0 else "attended",
    )


def topic_named(jc: Jobcenter, name: str) -> Topic:
    return Topic.objects.get(jobcenter=jc, name=name)


def start(customer: CustomerProfile, subject: str, **where: object) -> Conversation:
    return messaging.conversation_start(
        customer=customer,
        author=customer.user,
        data=messaging.StartRequest(subject=subject, body="Guten Tag", **where),  # type: ignore[arg-type]
    )


@dataclass
class Case:
    customer: CustomerProfile
    application: Application
    request: DocumentRequest
    payslip: Document
    proof: Document
    sick_note: Document
    benefit_chat: Conversation
    placement_chat: Conversation
    benefit_note: CaseNote
    placement_note: CaseNote


@pytest.fixture
def case(customer: CustomerProfile, staff_a: dict[Role, User], appt_type: AppointmentType) -> Case:
    jc = customer.jobcenter
    _enable(jc)
    advisor = staff_a[Role.JOB_ADVISOR]
    customer.advisor = advisor
    customer.save(update_fields=["advisor"])
    application = make_application(customer)
    request = document_request_create(
        request=None,
        jobcenter=jc,
        customer=customer,
        items=[RequestItemInput(kind="payslip"), RequestItemInput(kind="bank_statement")],
        deadline=timezone.localdate() + timedelta(days=14),
        explanation="",
    )
    item = request.items.get(kind="payslip")
    payslip = add_document(customer, "payslip", item_pk=item.pk)
    proof = add_document(
        customer, "tenancy_agreement", proof_for=f"application:{application.pk}:tenancy_agreement"
    )
    sick_note = add_document(customer, "sick_note")
    add_appointment(customer, appt_type, advisor, days=3)
    add_appointment(customer, appt_type, advisor, days=-10)
    benefit_chat = start(
        customer, "Frage zum Bescheid", topic=topic_named(jc, "Bürgergeld und Leistungen")
    )
    placement_chat = start(customer, "Bewerbung bei der Bäckerei", advisor=advisor)
    benefit_note = case_note_add(
        request=None,
        author=staff_a[Role.CASEWORKER],
        roles=[Role.CASEWORKER],
        customer=customer,
        category="benefit_data",
        text="Mietbescheinigung telefonisch angekündigt.",
    )
    placement_note = case_note_add(
        request=None,
        author=advisor,
        roles=[Role.JOB_ADVISOR],
        customer=customer,
        category="placement_data",
        text="Interesse an Umschulung Pflege.",
    )
    return Case(
        customer,
        application,
        request,
        payslip,
        proof,
        sick_note,
        benefit_chat,
        placement_chat,
        benefit_note,
        placement_note,
    )

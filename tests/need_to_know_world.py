"""The need-to-know test world (``tests/test_need_to_know*.py``): one object per data
category in job centres A (fulda) and B (wiesbaden), staff of every role in both, and B's
documented rules; the expected outcome per job centre × role × object is written out in
``EXPECTED``, not read from ``core.need_to_know``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.casefile.models import CaseNote
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.services_access import access_rule_set
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.messaging import services as messaging_services
from openjobcenter.messaging.models import Topic, TopicCategory
from openjobcenter.tenants.demo import load_jobcenters
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import make_application
from tests.conftest import login_with_mfa, make_customer, make_staff

C, E, N = "content", "existence", "none"
JOBCENTERS = ("fulda", "wiesbaden")  # A and B
ROLES = tuple(r.value for r in Role)

# Objects of the world, by the data category they belong to.
FIN_DOC, HEALTH_DOC, GENERAL_DOC = "financial_doc", "health_doc", "general_doc"
APPLICATION = "application"
BENEFIT_CHAT, PLACEMENT_CHAT, GENERAL_CHAT = "benefit_chat", "placement_chat", "general_chat"
DOCUMENTS = {FIN_DOC: "payslip", HEALTH_DOC: "sick_note", GENERAL_DOC: "identity_document"}
CHATS = {
    BENEFIT_CHAT: TopicCategory.BENEFIT_CHAT,
    PLACEMENT_CHAT: TopicCategory.PLACEMENT_CHAT,
    GENERAL_CHAT: TopicCategory.GENERAL,
}
# Staff notes on the case (``casefile.CaseNote``): placement data and benefit data.
PLACEMENT_NOTE, BENEFIT_NOTE = "placement_note", "benefit_note"
NOTES = {PLACEMENT_NOTE: "placement_data", BENEFIT_NOTE: "benefit_data"}
OBJECTS = (*DOCUMENTS, APPLICATION, *CHATS, *NOTES)

DEFAULT: dict[str, dict[str, str]] = {
    "reception": {
        FIN_DOC: N,
        HEALTH_DOC: N,
        GENERAL_DOC: C,
        APPLICATION: E,
        BENEFIT_CHAT: E,
        PLACEMENT_CHAT: E,
        GENERAL_CHAT: C,
        PLACEMENT_NOTE: N,
        BENEFIT_NOTE: E,
    },
    "caseworker": {
        FIN_DOC: C,
        HEALTH_DOC: C,
        GENERAL_DOC: C,
        APPLICATION: C,
        BENEFIT_CHAT: C,
        PLACEMENT_CHAT: E,
        GENERAL_CHAT: C,
        PLACEMENT_NOTE: E,  # benefits caseworkers do not read placement notes
        BENEFIT_NOTE: C,
    },
    "job_advisor": {
        FIN_DOC: E,
        HEALTH_DOC: E,
        GENERAL_DOC: C,
        APPLICATION: E,
        BENEFIT_CHAT: E,
        PLACEMENT_CHAT: C,
        GENERAL_CHAT: C,
        PLACEMENT_NOTE: C,
        BENEFIT_NOTE: E,
    },
    "team_lead": dict.fromkeys(OBJECTS, C),
    "admin": dict.fromkeys(OBJECTS, C),
}
# Job centre B's documented rules: three widenings and two narrowings.
B_RULES = (
    ("caseworker", "placement_data", ntk.Visibility.CONTENT, "Ganzheitliche Beratung, DA 10"),
    ("job_advisor", "health_documents", ntk.Visibility.CONTENT, "Reha-Beratung, DA 7/2026"),
    ("job_advisor", "benefit_data", ntk.Visibility.CONTENT, "Leistungen aus einer Hand, DA 8"),
    ("caseworker", "benefit_chat", ntk.Visibility.EXISTENCE, "Chat nur im Service-Center"),
    ("team_lead", "benefit_data", ntk.Visibility.EXISTENCE, "Vier-Augen-Prinzip, DA 9/2026"),
)
B_CHANGES = {
    ("job_advisor", HEALTH_DOC): C,
    ("job_advisor", APPLICATION): C,
    ("caseworker", BENEFIT_CHAT): E,
    ("team_lead", APPLICATION): E,
    ("caseworker", PLACEMENT_NOTE): C,
    ("job_advisor", BENEFIT_NOTE): C,
    ("team_lead", BENEFIT_NOTE): E,
}
EXPECTED = {
    (jc, role, obj): (
        B_CHANGES.get((role, obj), DEFAULT[role][obj]) if jc == "wiesbaden" else DEFAULT[role][obj]
    )
    for jc in JOBCENTERS
    for role in ROLES
    for obj in OBJECTS
}
# The permission gates in front of the categories (core.access): reception does not
# process documents; only processing roles open the applications pages.
DOCUMENT_ROLES = ("caseworker", "job_advisor", "team_lead", "admin")
APPLICATION_ROLES = ("caseworker", "team_lead", "admin")


@dataclass
class World:
    objects: dict[tuple[str, str], Any] = field(default_factory=dict)  # (jc, obj) -> object
    secrets: dict[tuple[str, str], str] = field(default_factory=dict)
    clients: dict[tuple[str, str], Client] = field(default_factory=dict)  # (jc, persona)
    customers: dict[str, CustomerProfile] = field(default_factory=dict)


def secret(jc: str, obj: str) -> str:
    return f"Geheimwort{obj.replace('_', '')}{jc}"


def build() -> World:
    load_jobcenters()
    world = World()
    for slug in JOBCENTERS:
        jc = Jobcenter.objects.get(slug=slug)
        jc.enabled_modules = sorted({*jc.enabled_modules, "applications", "documents", "messaging"})
        jc.save()
        messaging_services.topics_ensure_defaults(jobcenter=jc)
        customer = make_customer(jc, f"kunde@{slug}.example.org", f"{slug[0].upper()}-1")
        world.customers[slug] = customer
        staff = {role: make_staff(jc, Role(role), f"{role}@{slug}.example.org") for role in ROLES}
        for role, user in staff.items():
            world.clients[(slug, role)] = login_with_mfa(Client(), user)
        customer_client = Client()
        customer_client.force_login(customer.user)
        world.clients[(slug, "customer")] = customer_client
        now = timezone.now()
        for obj, kind in DOCUMENTS.items():
            world.secrets[(slug, obj)] = secret(slug, obj)
            world.objects[(slug, obj)] = Document.objects.create(
                jobcenter=jc,
                customer=customer,
                kind=kind,
                state=DocumentState.RECEIVED,
                original_names=f"{secret(slug, obj)}.pdf",
                ocr_text=f"Seite eins {secret(slug, obj)}",
                page_count=1,
                submitted_at=now,
            )
        app = make_application(customer)
        world.objects[(slug, APPLICATION)] = app
        world.secrets[(slug, APPLICATION)] = app.reference
        for obj, category in CHATS.items():
            topic = Topic.objects.filter(jobcenter=jc, category=category).order_by("position")[0]
            world.secrets[(slug, obj)] = secret(slug, obj)
            world.objects[(slug, obj)] = messaging_services.conversation_start(
                customer=customer,
                author=customer.user,
                data=messaging_services.StartRequest(
                    subject=f"Betreff {secret(slug, obj)}",
                    body=f"Nachricht {secret(slug, obj)}",
                    topic=topic,
                ),
            )
        for obj, note_category in NOTES.items():
            world.secrets[(slug, obj)] = secret(slug, obj)
            world.objects[(slug, obj)] = CaseNote.objects.create(
                jobcenter=jc,
                customer=customer,
                author=staff["admin"],
                category=note_category,
                text=f"Vermerk {secret(slug, obj)}",
            )
        if slug == "wiesbaden":
            admin = staff["admin"]
            for role, rule_category, seen, reason in B_RULES:
                access_rule_set(
                    jobcenter=jc,
                    actor=admin,
                    role=role,
                    category=rule_category,
                    visibility=int(seen),
                    reason=reason,
                )
    return world


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    media = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("ntk-media")),
        DOCUMENTS={**settings.DOCUMENTS, "ocr": False},
    )
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()


@pytest.fixture
def w(world: World, db: None) -> World:
    now = time.time()
    for client in world.clients.values():
        session = client.session
        for method in session.get("account_authentication_methods", []):
            method["at"] = now
        session.save()
    return world

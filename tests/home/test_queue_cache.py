"""The staff work queue is served from the cache (``home/queue_cache.py``), and every
service that changes what it counts makes it right at once: each case warms the cached
queue, runs one service, and reads the queue again. A service that forgot to say so
would leave the old count (the cache keeps it for minutes); this test goes through each
kind of work and each service that changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.accounts.services import (
    customer_assign_advisor,
    customer_assign_number,
    customer_register,
)
from openjobcenter.applications import services as app_services
from openjobcenter.applications import services_staff as app_staff
from openjobcenter.applications.models import Application, ApplicationStatus
from openjobcenter.appointments import services as appts
from openjobcenter.appointments import services_staff as appts_staff
from openjobcenter.appointments.models import Appointment, Channel
from openjobcenter.documents import services as docs
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.documents.services_review import document_review
from openjobcenter.home import queue_cache
from openjobcenter.home.staff_queue import Scope, StaffContext, staff_providers, staff_queue
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import Conversation, Topic, TopicCategory
from openjobcenter.tenants.models import Jobcenter
from tests.applications.customer_data import enable, fill_all
from tests.conftest import make_staff, make_user
from tests.documents.conftest import photo, upload
from tests.home import world
from tests.home.test_home_changed import staff_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class W:
    jc: Jobcenter
    customer: CustomerProfile
    staff: dict[Role, User]

    @property
    def caseworker(self) -> User:
        return self.staff[Role.CASEWORKER]

    @property
    def advisor(self) -> User:
        return self.staff[Role.JOB_ADVISOR]


@pytest.fixture
def w(jc_a: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]) -> W:
    world.enable_modules(jc_a)
    enable(jc_a)
    chat.topics_ensure_defaults(jobcenter=jc_a)
    return W(jc_a, customer, staff_a)


def counts(w: W, role: Role, scope: Scope = Scope.ALL) -> dict[str, int]:
    ctx = StaffContext(
        jobcenter=Jobcenter.objects.get(pk=w.jc.pk),
        user=w.staff[role],
        roles=frozenset({role}),
        scope=scope,
    )
    return {item.kind: item.count for item in staff_queue(ctx)}


def warm(w: W, role: Role, scope: Scope = Scope.ALL) -> dict[str, int]:
    """The queue, read twice: the second time from the cache, without the providers'
    queries (only the cache's own, with the database cache of the embedded default)."""
    first = counts(w, role, scope)
    with CaptureQueriesContext(connection) as ctx:
        again = counts(w, role, scope)
    assert again == first
    provider_tables = ("applications_", "documents_", "messaging_", "appointments_")
    assert not [q for q in ctx.captured_queries if any(t in q["sql"] for t in provider_tables)]
    return first


# --- each case: the role and scope that sees it, the setup, the change, what it moves ----

Setup = Callable[[W], Callable[[], object]]


@dataclass(frozen=True)
class Case:
    role: Role
    kind: str
    delta: int
    setup: Setup
    scope: Scope = Scope.ALL


def _draft(w: W) -> Application:
    return app_services.application_start(request=None, customer=w.customer, kind="initial")


def _submitted(w: W) -> Application:
    app = _draft(w)
    client = Client()
    client.force_login(w.customer.user)
    fill_all(client, app)
    return app_services.application_submit(request=None, application=app)


def application_filed(w: W) -> Callable[[], object]:
    app = _draft(w)
    client = Client()
    client.force_login(w.customer.user)
    return lambda: fill_all(client, app)


def application_submitted(w: W) -> Callable[[], object]:
    app = _draft(w)
    client = Client()
    client.force_login(w.customer.user)
    fill_all(client, app)
    return lambda: app_services.application_submit(request=None, application=app)


def application_assigned(w: W) -> Callable[[], object]:
    app = _submitted(w)
    return lambda: app_staff.application_assign(
        request=None, actor=w.caseworker, application=app, assignee=w.caseworker
    )


def application_decided(w: W) -> Callable[[], object]:
    app = _submitted(w)
    app_staff.application_assign(
        request=None, actor=w.caseworker, application=app, assignee=w.caseworker
    )
    return lambda: app_staff.application_change_status(
        request=None,
        actor=w.caseworker,
        application=Application.objects.get(pk=app.pk),
        status=ApplicationStatus.DECIDED,
        reason="Bewilligt.",
    )


def _received(w: W, kind: str = "payslip") -> Document:
    return docs.document_store_attachment(
        request=None, customer=w.customer, uploaded_file=upload(photo(1)), kind=kind
    )


def document_received(w: W) -> Callable[[], object]:
    return lambda: _received(w)


def health_document_received(w: W) -> Callable[[], object]:
    return lambda: _received(w, "sick_note")


def document_checked(w: W) -> Callable[[], object]:
    doc = _received(w)
    return lambda: document_review(
        request=staff_request(w.caseworker),
        document=Document.objects.get(pk=doc.pk),
        state=DocumentState.CHECKED,
        reason="",
        base_version=0,
    )


def advisor_assigned(w: W) -> Callable[[], object]:
    _received(w)
    return lambda: customer_assign_advisor(
        request=None, actor=w.caseworker, profile=w.customer, advisor=w.caseworker
    )


def overdue_request_answered(w: W) -> Callable[[], object]:
    request = world.add_request(w.customer)
    # Its deadline passed (stored directly: the service refuses a past deadline).
    request.deadline = timezone.localdate() - timedelta(days=1)
    request.save(update_fields=["deadline"])
    queue_cache.queue_changed(jobcenter_id=w.jc.pk, module="documents")
    item = request.items.get()
    return lambda: docs.document_store_attachment(
        request=None,
        customer=w.customer,
        uploaded_file=upload(photo(1)),
        kind="payslip",
        source="upload",
        request_item=item,
    )


def _team_conversation(w: W, category: str) -> Conversation:
    topic = Topic.objects.filter(jobcenter=w.jc, category=category).order_by("position").first()
    assert topic is not None
    data = chat.StartRequest(subject="Frage zur Miete", body="Hallo", topic=topic)
    return chat.conversation_start(customer=w.customer, author=w.customer.user, data=data)


def customer_writes_to_the_team(w: W) -> Callable[[], object]:
    return lambda: _team_conversation(w, TopicCategory.BENEFIT_CHAT)


def customer_writes_again(w: W) -> Callable[[], object]:
    conv = _team_conversation(w, TopicCategory.BENEFIT_CHAT)
    chat.conversation_mark_read(conversation=conv, user=w.caseworker)
    return lambda: chat.message_send(conversation=conv, author=w.customer.user, body="Und?")


def staff_reads(w: W) -> Callable[[], object]:
    conv = _team_conversation(w, TopicCategory.BENEFIT_CHAT)
    return lambda: chat.conversation_mark_read(conversation=conv, user=w.caseworker)


def staff_answers(w: W) -> Callable[[], object]:
    conv = _team_conversation(w, TopicCategory.BENEFIT_CHAT)
    return lambda: chat.message_send(conversation=conv, author=w.caseworker, body="Gern.")


def conversation_taken(w: W) -> Callable[[], object]:
    conv = _team_conversation(w, TopicCategory.BENEFIT_CHAT)
    return lambda: chat.conversation_assign(
        conversation=conv, actor=w.caseworker, assignee=w.caseworker
    )


def conversation_closed(w: W) -> Callable[[], object]:
    conv = _team_conversation(w, TopicCategory.BENEFIT_CHAT)
    return lambda: chat.conversation_set_status(
        conversation=conv, actor=w.caseworker, status="closed"
    )


def topic_moved_to_placement(w: W) -> Callable[[], object]:
    conv = _team_conversation(w, TopicCategory.BENEFIT_CHAT)
    topic = conv.topic
    assert topic is not None
    return lambda: chat.topic_save(
        jobcenter=w.jc,
        actor=w.staff[Role.ADMIN],
        name=topic.name,
        category=TopicCategory.PLACEMENT_CHAT,
        topic=topic,
    )


def personal_message(w: W) -> Callable[[], object]:
    data = chat.StartRequest(subject="Ihre Bewerbung", body="Guten Tag.", advisor=w.advisor)
    conv = chat.conversation_start(customer=w.customer, author=w.advisor, data=data)
    return lambda: chat.message_send(conversation=conv, author=w.customer.user, body="Danke!")


def change_requested(w: W) -> Callable[[], object]:
    booked = world.add_appointment(w.customer, w.advisor, hours=30)
    return lambda: appts.appointment_request_change(
        request=None,
        customer=w.customer,
        appointment=booked,
        reason="illness",
        message="",
        cancel=False,
    )


def _arriving(w: W) -> Appointment:
    appointment = world.add_appointment(w.customer, w.advisor, hours=0.2)
    Appointment.objects.filter(pk=appointment.pk).update(channel=Channel.IN_PERSON)
    queue_cache.queue_changed(jobcenter_id=w.jc.pk, module="appointments")
    return Appointment.objects.get(pk=appointment.pk)


def checked_in(w: W) -> Callable[[], object]:
    arriving = _arriving(w)
    return lambda: appts_staff.appointment_check_in(
        request=None, actor=w.staff[Role.RECEPTION], appointment=arriving
    )


def arrival_cancelled(w: W) -> Callable[[], object]:
    arriving = _arriving(w)
    return lambda: appts_staff.appointment_cancel(
        request=None, actor=w.advisor, appointment=arriving
    )


CASES = [
    Case(Role.CASEWORKER, "applications.filed", +1, application_filed),
    Case(Role.CASEWORKER, "applications.unassigned", +1, application_submitted),
    Case(Role.CASEWORKER, "applications.mine", +1, application_assigned),
    Case(Role.CASEWORKER, "applications.unassigned", -1, application_assigned),
    Case(Role.CASEWORKER, "applications.mine", -1, application_decided),
    Case(Role.CASEWORKER, "documents.unchecked", +1, document_received),
    Case(Role.CASEWORKER, "documents.unchecked_health", +1, health_document_received),
    Case(Role.CASEWORKER, "documents.unchecked", -1, document_checked),
    Case(Role.CASEWORKER, "documents.unchecked", +1, advisor_assigned, Scope.MINE),
    Case(Role.CASEWORKER, "documents.overdue_requests", -1, overdue_request_answered),
    Case(Role.CASEWORKER, "messaging.team.benefit_chat", +1, customer_writes_to_the_team),
    Case(Role.CASEWORKER, "messaging.team.benefit_chat", +1, customer_writes_again),
    Case(Role.CASEWORKER, "messaging.team.benefit_chat", -1, staff_reads),
    Case(Role.CASEWORKER, "messaging.team.benefit_chat", -1, staff_answers),
    Case(Role.CASEWORKER, "messaging.team.benefit_chat", -1, conversation_taken, Scope.TEAM),
    Case(Role.CASEWORKER, "messaging.team.benefit_chat", -1, conversation_closed),
    Case(Role.TEAM_LEAD, "messaging.team.placement_chat", +1, topic_moved_to_placement),
    Case(Role.JOB_ADVISOR, "messaging.personal", +1, personal_message),
    Case(Role.JOB_ADVISOR, "appointments.change_requests", +1, change_requested),
    Case(Role.RECEPTION, "appointments.checkins", -1, checked_in),
    Case(Role.RECEPTION, "appointments.checkins", -1, arrival_cancelled),
]


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c.setup.__name__}-{c.kind}-{c.scope}-{c.role}"
)
def test_the_cached_queue_shows_each_change_at_once(
    w: W, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    with world.daytime():  # an arrival "in 12 minutes" stays today
        with django_capture_on_commit_callbacks(execute=True):
            change = case.setup(w)
        before = warm(w, case.role, case.scope)
        with django_capture_on_commit_callbacks(execute=True):
            change()
        after = counts(w, case.role, case.scope)
    assert after.get(case.kind, 0) == before.get(case.kind, 0) + case.delta, (before, after)


def test_a_change_outside_the_services_counts_after_max_age(w: W, time_machine: Any) -> None:
    """The safety net: a row changed in the admin or by a script (no bump) is counted
    after ``MAX_AGE`` at the latest."""
    time_machine.move_to(timezone.now(), tick=False)
    before = warm(w, Role.CASEWORKER)
    world.add_draft(w.customer, filed=True)
    assert counts(w, Role.CASEWORKER) == before  # still the cached figure
    time_machine.shift(timedelta(seconds=queue_cache.MAX_AGE + 1))
    after = counts(w, Role.CASEWORKER)
    assert after["applications.filed"] == before["applications.filed"] + 1


def test_an_entry_computed_before_the_commit_does_not_count_after_it(
    w: W, django_capture_on_commit_callbacks: Any
) -> None:
    """The version moves again after the commit: a queue that another process computed
    (and cached under the version of the moment) while the change was not yet committed
    is not served afterwards."""
    before = warm(w, Role.CASEWORKER)
    ctx = StaffContext(jobcenter=w.jc, user=w.caseworker, roles=frozenset({Role.CASEWORKER}))
    provider = next(p for p in staff_providers() if p.module == "documents")
    ekey = queue_cache.entry_key(provider, ctx)
    stale = cache.get(ekey)
    with django_capture_on_commit_callbacks(execute=True):
        _received(w)
        # Another process, which does not see the uncommitted document yet, stores its
        # queue under the version bumped at the change.
        version = cache.get(queue_cache.version_key(w.jc.pk, "documents"))
        cache.set(ekey, (stale[0], version, *stale[2:]))
    after = counts(w, Role.CASEWORKER)
    assert after["documents.unchecked"] == before["documents.unchecked"] + 1


def test_the_cached_queue_is_each_persons_and_each_jobcenters(
    w: W, jc_b: Jobcenter, staff_b: dict[Role, User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        app = _submitted(w)
        app_staff.application_assign(
            request=None, actor=w.caseworker, application=app, assignee=w.caseworker
        )
    assert warm(w, Role.CASEWORKER)["applications.mine"] == 1
    other = make_staff_like(w, Role.CASEWORKER)
    ctx = StaffContext(jobcenter=w.jc, user=other, roles=frozenset({Role.CASEWORKER}))
    assert {i.kind: i.count for i in staff_queue(ctx)}["applications.mine"] == 0
    world.enable_modules(jc_b)
    ctx_b = StaffContext(
        jobcenter=jc_b, user=staff_b[Role.CASEWORKER], roles=frozenset({Role.CASEWORKER})
    )
    assert {i.kind: i.count for i in staff_queue(ctx_b)}["applications.unassigned"] == 0


def make_staff_like(w: W, role: Role) -> User:
    return make_staff(w.jc, role, f"second-{role.value}@a.example.org")


def test_the_start_page_counts_customers_at_once(
    w: W, staff_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = staff_client(w.staff[Role.CASEWORKER])
    url = f"/{w.jc.slug}/staff/"

    def figures() -> tuple[int, int]:
        response = client.get(url)
        assert response.status_code == 200
        return response.context["customer_count"], response.context["without_number"]

    total, without = figures()
    assert figures() == (total, without)  # cached
    user = make_user("zweite@example.org", "Zora", "Zweite")
    with django_capture_on_commit_callbacks(execute=True):
        new = customer_register(
            request=None, user=user, jobcenter=w.jc, first_name="Zora", last_name="Zweite"
        )
    assert figures() == (total + 1, without + 1)
    with django_capture_on_commit_callbacks(execute=True):
        customer_assign_number(request=None, actor=w.caseworker, profile=new, number="A-7777")
    assert figures() == (total + 1, without)

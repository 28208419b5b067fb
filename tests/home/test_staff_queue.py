"""The staff work queue on the start page (issue 18, part 1): per role and need-to-know,
filters, constant queries, live updates, the team's load and assigning from there."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application, ApplicationEvent, EventKind
from openjobcenter.home.staff_queue import Scope, StaffContext, staff_providers, staff_queue
from openjobcenter.tenants.models import Jobcenter
from tests.home import staff_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("after_commit_at_once")]


def _url(jc: Jobcenter, name: str = "dashboard") -> str:
    return reverse(f"staff:{name}", kwargs={"jc": jc.slug})


def _items(html: str) -> dict[str, dict[str, Any]]:
    """kind → count and link (or None) as the page shows them."""
    out: dict[str, dict[str, Any]] = {}
    for kind, body in re.findall(r'data-kind="([^"]+)">(.*?)</li>', html, re.S):
        count = int(re.search(r'data-count="(\d+)"', body).group(1))  # type: ignore[union-attr]
        link = re.search(r'<a href="([^"]+)"', body)
        out[kind] = {"count": count, "url": link.group(1) if link else None, "body": body}
    return out


@pytest.fixture
def work(jc_a: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]) -> None:
    staff_world.make_work(
        customer, caseworker=staff_a[Role.CASEWORKER], advisor=staff_a[Role.JOB_ADVISOR], n=2
    )


def test_caseworker_sees_the_benefit_work_with_counts_ages_and_links(
    work: None, jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Any
) -> None:
    response = staff_client(staff_a[Role.CASEWORKER]).get(_url(jc_a))
    assert response.status_code == 200
    items = _items(response.content.decode())
    assert items["applications.filed"]["count"] == 2
    assert "seit 4 Tagen" in items["applications.filed"]["body"]  # the oldest filing
    assert items["applications.filed"]["url"].endswith("/antraege/#filings")
    assert items["applications.unassigned"]["count"] == 2
    assert items["applications.unassigned"]["url"].endswith("?assignee=unassigned")
    assert items["applications.mine"]["count"] == 2
    assert items["documents.unchecked"]["count"] == 2
    assert items["documents.unchecked_health"]["count"] == 2
    assert items["documents.unchecked"]["url"]
    assert items["documents.overdue_requests"]["count"] == 2
    assert "überfällig" in items["documents.overdue_requests"]["body"]
    assert items["messaging.team.benefit_chat"]["count"] == 2
    assert items["messaging.team.benefit_chat"]["url"]
    # Placement conversations: that they exist, not what they say (no link).
    assert items["messaging.team.placement_chat"]["count"] == 2
    assert items["messaging.team.placement_chat"]["url"] is None
    # Another advisor's personal conversations are not the caseworker's to see.
    assert items["messaging.personal"]["count"] == 0
    # Names never appear in the queue.
    assert "Karla" not in response.content.decode()


def test_job_advisor_sees_benefit_items_only_as_a_count(
    work: None, jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Any
) -> None:
    items = _items(staff_client(staff_a[Role.JOB_ADVISOR]).get(_url(jc_a)).content.decode())
    # No permission to process applications: no application items at all.
    assert not [k for k in items if k.startswith("applications.")]
    # Financial and health documents, benefit chat: the count, never a link to content.
    for kind in (
        "documents.unchecked",
        "documents.unchecked_health",
        "messaging.team.benefit_chat",
    ):
        assert items[kind]["count"] == 2, kind
        assert items[kind]["url"] is None, kind
        assert "Nur die Anzahl" in items[kind]["body"]
    assert items["messaging.team.placement_chat"]["url"]
    assert items["messaging.personal"]["count"] == 2
    assert items["messaging.personal"]["url"].endswith("?meine=1")
    assert items["appointments.change_requests"]["count"] == 2
    assert "appointments.checkins" not in items


def test_reception_sees_todays_arrivals_and_no_documents(
    work: None, jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Any
) -> None:
    items = _items(staff_client(staff_a[Role.RECEPTION]).get(_url(jc_a)).content.decode())
    assert items["appointments.checkins"]["count"] == 2
    assert items["appointments.checkins"]["url"].endswith("/termine/empfang/")
    assert not [k for k in items if k.startswith(("documents.", "applications."))]


def test_filters_mine_team_all(
    work: None, jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Any
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    mine = _items(client.get(_url(jc_a), {"filter": "mine"}).content.decode())
    team = _items(client.get(_url(jc_a), {"filter": "team"}).content.decode())
    assert mine["applications.mine"]["count"] == 2
    assert "applications.unassigned" not in mine and "applications.filed" not in mine
    assert mine["documents.overdue_requests"]["count"] == 2  # the caseworker asked for them
    assert team["applications.unassigned"]["count"] == 2
    assert "applications.mine" not in team
    assert "messaging.personal" not in team
    bad = client.get(_url(jc_a), {"filter": "everything"})
    assert bad.status_code == 400
    assert "Diesen Filter gibt es nicht" in bad.content.decode()


def test_live_fragment_follows_new_work_and_the_page_polls(
    work: None,
    jc_a: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    staff_client: Any,
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    page = client.get(_url(jc_a)).content.decode()
    # The poll stays as the fallback; the socket's "queue" event triggers it at once.
    assert 'hx-trigger="every 30s, queue-changed from:body"' in page
    assert "web/staff_queue.js" in page
    assert _url(jc_a, "queue_fragment") in page
    before = _items(client.get(_url(jc_a, "queue_fragment")).content.decode())
    staff_world._app(customer, status="draft", days=0)
    fragment = client.get(_url(jc_a, "queue_fragment"))
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    after = _items(fragment.content.decode())
    assert after["applications.filed"]["count"] == before["applications.filed"]["count"] + 1


def _queries(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.JOB_ADVISOR, Role.RECEPTION, Role.TEAM_LEAD]
)
@pytest.mark.parametrize("name", ["dashboard", "queue_fragment"])
def test_query_count_does_not_grow_with_the_work(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    staff_client: Any,
    role: Role,
    name: str,
) -> None:
    kw = {"caseworker": staff_a[Role.CASEWORKER], "advisor": staff_a[Role.JOB_ADVISOR]}
    staff_world.make_work(customer, n=1, **kw)
    client = staff_client(staff_a[role])
    small = _queries(client, _url(jc_a, name))
    staff_world.make_work(customer, n=6, **kw)
    assert _queries(client, _url(jc_a, name)) == small


def test_each_provider_keeps_to_its_queries(
    jc_a: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    kw = {"caseworker": staff_a[Role.CASEWORKER], "advisor": staff_a[Role.JOB_ADVISOR]}
    staff_world.make_work(customer, n=1, **kw)
    ctx = StaffContext(
        jobcenter=jc_a, user=staff_a[Role.ADMIN], roles=frozenset({Role.ADMIN}), scope=Scope.ALL
    )
    counts = {}
    for provider in staff_providers():
        with CaptureQueriesContext(connection) as small:
            provider.queue(ctx)
        counts[provider.key] = len(small.captured_queries)
    staff_world.make_work(customer, n=5, **kw)
    for provider in staff_providers():
        with CaptureQueriesContext(connection) as big:
            provider.queue(ctx)
        assert len(big.captured_queries) == counts[provider.key], provider.key
    assert {p.key for p in staff_providers()} == {
        "applications.staff",
        "appointments.staff",
        "documents.staff",
        "messaging.staff",
        "retention.staff",  # customers who deleted their online account
        "postbox.staff",  # notices to send by post (tests/postbox: its query count)
        "handoff.dead_letters",  # failed hand-offs (team leads, admins)
    }
    assert max(counts.values()) <= 2
    assert sum(i.count for i in staff_queue(ctx)) > 0


def test_team_lead_sees_the_load_and_assigns(
    work: None, jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Any
) -> None:
    lead, caseworker = staff_a[Role.TEAM_LEAD], staff_a[Role.CASEWORKER]
    client = staff_client(lead)
    page = client.get(_url(jc_a)).content.decode()
    row = re.search(rf'<tr data-user="{caseworker.pk}">(.*?)</tr>', page, re.S)
    assert row is not None
    assert re.findall(r"<td>(\d+)</td>", row.group(1)) == ["2", "0", "2"]
    app = Application.objects.filter(
        jobcenter=jc_a, assignee__isnull=True, submitted_at__isnull=False
    ).first()
    assert app is not None and app.reference in page
    response = client.post(
        _url(jc_a, "queue_assign"), {"application": app.pk, "assignee": caseworker.pk}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.assignee == caseworker
    assert ApplicationEvent.objects.filter(application=app, kind=EventKind.ASSIGNED).exists()
    page = client.get(_url(jc_a)).content.decode()
    row = re.search(rf'<tr data-user="{caseworker.pk}">(.*?)</tr>', page, re.S)
    assert row is not None and re.findall(r"<td>(\d+)</td>", row.group(1))[0] == "3"


def test_the_team_load_counts_up_to_its_cap_per_person(
    work: None,
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    """Each person's open items are counted up to the cap and shown with a plus above it
    (at 500,000 applications a grouped count read every assigned one)."""
    from openjobcenter.home import staff_load

    lead, caseworker = staff_a[Role.TEAM_LEAD], staff_a[Role.CASEWORKER]
    monkeypatch.setattr(staff_load, "LOAD_CAP", 1)
    rows = {r.user.pk: r for r in staff_load.team_load(jc_a)}
    # Two open applications assigned: counted as "more than one".
    assert rows[caseworker.pk].applications == 2
    assert rows[caseworker.pk].applications_shown == "1+"
    assert rows[caseworker.pk].total_shown == "1+"
    assert rows[lead.pk].applications_shown == "0"
    page = staff_client(lead).get(_url(jc_a)).content.decode()
    row = re.search(rf'<tr data-user="{caseworker.pk}">(.*?)</tr>', page, re.S)
    assert row is not None
    assert re.findall(r"<td>([^<]*)</td>", row.group(1)) == ["1+", "0", "1+"]
    # Uncapped again (the cache holds the capped counts until the next change).
    monkeypatch.setattr(staff_load, "LOAD_CAP", 500)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(3):
        rows = {r.user.pk: r for r in staff_load.team_load(jc_a)}
    assert rows[caseworker.pk].applications_shown == "2"
    assert rows[caseworker.pk].total_shown == "2"


def test_assign_refusals_change_nothing(
    work: None, jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Any
) -> None:
    app = Application.objects.filter(
        jobcenter=jc_a, assignee__isnull=True, submitted_at__isnull=False
    ).first()
    assert app is not None
    url = _url(jc_a, "queue_assign")
    # A caseworker is not a team lead: 403.
    body = {"application": app.pk, "assignee": staff_a[Role.CASEWORKER].pk}
    assert staff_client(staff_a[Role.CASEWORKER]).post(url, body).status_code == 403
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    # Reception cannot process applications: not assignable (404).
    assert (
        lead.post(url, {"application": app.pk, "assignee": staff_a[Role.RECEPTION].pk}).status_code
        == 404
    )
    # A draft (even filed) cannot be assigned from here.
    draft = Application.objects.filter(jobcenter=jc_a, status="draft").first()
    assert draft is not None
    assert (
        lead.post(
            url, {"application": draft.pk, "assignee": staff_a[Role.CASEWORKER].pk}
        ).status_code
        == 404
    )
    # Nobody chosen: back with a message.
    response = lead.post(url, {"application": app.pk, "assignee": ""}, follow=True)
    assert "Bitte wählen Sie aus" in response.content.decode()
    app.refresh_from_db()
    assert app.assignee is None
    assert not ApplicationEvent.objects.filter(application=app, kind=EventKind.ASSIGNED).exists()


def test_documents_and_messages_are_counted_capped_with_the_true_oldest(
    jc_a: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User], monkeypatch: Any
) -> None:
    """Above the cap the queue says "N+" (issue 19: no count over a job centre's whole
    backlog); the age stays the oldest item's, not the oldest of the counted ones."""
    from openjobcenter.documents import queue as doc_queue
    from openjobcenter.home import staff_queue as sq
    from openjobcenter.messaging import queue as chat_queue

    for module in (sq, doc_queue, chat_queue):
        monkeypatch.setattr(module, "QUEUE_CAP", 2)
    kw = {"caseworker": staff_a[Role.CASEWORKER], "advisor": staff_a[Role.JOB_ADVISOR]}
    staff_world.make_work(customer, n=3, **kw)
    ctx = StaffContext(
        jobcenter=jc_a, user=staff_a[Role.ADMIN], roles=frozenset({Role.ADMIN}), scope=Scope.ALL
    )
    items = {
        i.kind: i
        for p in staff_providers()
        if p.module in ("documents", "messaging")
        for i in p.queue(ctx)
    }
    oldest_doc = customer.documents.order_by("submitted_at").first()
    assert oldest_doc is not None
    for kind in (
        "documents.unchecked",
        "documents.unchecked_health",
        "documents.overdue_requests",
        "messaging.team.benefit_chat",
        "messaging.team.placement_chat",
        "messaging.team.general",
    ):
        assert (items[kind].count, items[kind].capped) == (2, True), kind
    assert items["documents.unchecked"].oldest == oldest_doc.submitted_at
    assert items["documents.unchecked_health"].oldest == oldest_doc.submitted_at
    # Below the cap: exact, not marked.
    monkeypatch.setattr(sq, "QUEUE_CAP", 99)
    for module in (doc_queue, chat_queue):
        monkeypatch.setattr(module, "QUEUE_CAP", 99)
    items = {i.kind: i for p in staff_providers() if p.module == "documents" for i in p.queue(ctx)}
    assert (items["documents.unchecked"].count, items["documents.unchecked"].capped) == (3, False)

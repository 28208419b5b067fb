"""The staff inbox at scale (issue 19): search by name (ranked on PostgreSQL) and by
number, filters, keyset paging without totals, empty results and bad input (400 with a
message, never a 500, never another job centre's rows); the work queue's capped counts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openjobcenter.accounts.models import Role
from openjobcenter.applications import queue as app_queue
from openjobcenter.applications.models import Application
from openjobcenter.core.models import AuditEntry
from openjobcenter.home.staff_queue import Scope, StaffContext
from tests.applications.staff_data import enable_module, make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(jc_a: Any, staff_a: Any) -> Any:
    enable_module(jc_a)
    return staff_a[Role.CASEWORKER]


def _inbox(jc: Any) -> str:
    return f"/{jc.slug}/staff/antraege/"


def _refs(body: str) -> list[str]:
    return re.findall(r">(EA-2026-T\d{6})<", body)


def _get(client: Any, jc: Any, query: str = "") -> tuple[int, str]:
    response = client.get(_inbox(jc) + query)
    return response.status_code, response.content.decode()


def test_search_by_name_finds_the_person_and_ranks_the_closest_first(
    caseworker: Any, customer: Any, staff_client: Any
) -> None:
    close = make_application(customer, answers={}, name="Anna Schmidt")
    further = make_application(customer, answers={}, name="Annabell Schmidtke-Hohenberg")
    other = make_application(customer, answers={}, name="Bernd Weber")
    status, body = _get(staff_client(caseworker), customer.jobcenter, "?q=schmidt")
    assert status == 200
    found = _refs(body)
    assert set(found) == {close.reference, further.reference}
    assert other.reference not in body
    assert "2 Treffer" in body
    if connection.vendor == "postgresql":
        # Ranked by trigram similarity: the shorter, closer name first (though older).
        assert found == [close.reference, further.reference]


def test_a_common_name_is_ranked_among_the_newest_and_a_rare_one_found_anywhere(
    caseworker: Any, customer: Any, staff_client: Any, monkeypatch: Any
) -> None:
    """A name that fills the page among the newest submissions is answered from them (the
    bounded walk that keeps a common name as fast with 500,000 rows as with 10,000); a
    name found too rarely there is looked up among all (older ones too)."""
    from openjobcenter.applications import selectors_staff

    monkeypatch.setattr(selectors_staff, "PAGE_SIZE", 3)
    monkeypatch.setattr(selectors_staff, "NAME_WINDOW", 6)
    base = timezone.now() - timedelta(hours=2)
    oldest = make_application(customer, answers={}, name="Eva Schmidt", submitted_at=base)
    names = ["Anna Schmidtke", "Bernd Weber", "Anna Schmidt", "Clara Schmidt-Lange"]
    names += ["Dora Schmidtbauer", "Emil Weber"]
    recent = {
        n: make_application(
            customer, answers={}, name=n, submitted_at=base + timedelta(minutes=i + 1)
        )
        for i, n in enumerate(names)
    }
    client = staff_client(caseworker)
    status, body = _get(client, customer.jobcenter, "?q=schmidt")
    found = _refs(body)
    assert status == 200 and len(found) == 3
    assert oldest.reference not in found
    assert not {recent["Bernd Weber"].reference, recent["Emil Weber"].reference} & set(found)
    if connection.vendor == "postgresql":
        # Four of the six newest match: the three closest of them, the plain name first.
        assert found[0] == recent["Anna Schmidt"].reference
        assert recent["Dora Schmidtbauer"].reference not in found
    else:
        # SQLite: the newest matches.
        newest = ["Dora Schmidtbauer", "Clara Schmidt-Lange", "Anna Schmidt"]
        assert found == [recent[n].reference for n in newest]
    # Not among the newest six: still found.
    status, body = _get(client, customer.jobcenter, "?q=eva+schmidt")
    assert status == 200 and _refs(body) == [oldest.reference]


def test_search_by_customer_number_and_reference(
    caseworker: Any, customer: Any, customer_b: Any, staff_client: Any
) -> None:
    mine = make_application(customer, answers={})
    enable_module(customer_b.jobcenter)
    foreign = make_application(customer_b, answers={})
    client = staff_client(caseworker)
    status, body = _get(client, customer.jobcenter, f"?q={customer.customer_number}")
    assert status == 200 and _refs(body) == [mine.reference]
    status, body = _get(client, customer.jobcenter, f"?q={mine.reference.lower()}")
    assert status == 200 and _refs(body) == [mine.reference]
    # Another job centre's reference: nothing, not a leak.
    status, body = _get(client, customer.jobcenter, f"?q={foreign.reference}")
    assert status == 200 and _refs(body) == []
    assert "Keine Anträge gefunden." in body


def test_filters_and_empty_results(
    caseworker: Any, customer: Any, staff_client: Any, staff_a: Any
) -> None:
    old = make_application(
        customer, answers={}, submitted_at=timezone.now() - timedelta(days=40), kind="renewal"
    )
    new = make_application(customer, answers={}, status="in_progress")
    Application.objects.filter(pk=new.pk).update(assignee=caseworker)
    client = staff_client(caseworker)
    assert _refs(_get(client, customer.jobcenter, "?kind=renewal")[1]) == [old.reference]
    assert _refs(_get(client, customer.jobcenter, "?status=in_progress")[1]) == [new.reference]
    assert _refs(_get(client, customer.jobcenter, "?assignee=mine")[1]) == [new.reference]
    assert _refs(_get(client, customer.jobcenter, "?assignee=unassigned")[1]) == [old.reference]
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert _refs(_get(client, customer.jobcenter, f"?von={since}")[1]) == [new.reference]
    status, body = _get(client, customer.jobcenter, "?status=decided")
    assert status == 200 and "0 Anträge" in body and "Keine Anträge gefunden." in body
    status, body = _get(client, customer.jobcenter, "?q=niemandheisstso")
    assert status == 200 and "0 Treffer" in body


def test_keyset_paging_without_totals_walks_every_row_once(
    caseworker: Any, customer: Any, staff_client: Any, monkeypatch: Any
) -> None:
    from openjobcenter.applications import selectors_staff

    monkeypatch.setattr(selectors_staff, "PAGE_SIZE", 3)
    base = timezone.now() - timedelta(hours=1)
    apps = [
        # Two share a submission time: the id breaks the tie.
        make_application(customer, answers={}, submitted_at=base + timedelta(minutes=i // 2))
        for i in range(7)
    ]
    expected = [a.reference for a in sorted(apps, key=lambda a: (a.submitted_at, a.pk))][::-1]
    client = staff_client(caseworker)
    seen: list[str] = []
    query = ""
    for _ in range(5):
        status, body = _get(client, customer.jobcenter, query)
        assert status == 200
        assert " von " not in body.split('role="status"', 1)[1][:200]  # no "Seite 1 von N"
        seen += _refs(body)
        nxt = re.search(r'href="\?([^"]+)" rel="next"', body)
        if not nxt:
            break
        assert "Mehr als 3 Anträge." in body or "Zurück zu den neuesten" in body
        query = "?" + nxt.group(1).replace("&amp;", "&")
    assert seen == expected
    # The filter travels with the cursor.
    status, body = _get(client, customer.jobcenter, "?status=received")
    assert re.search(r'href="\?status=received&amp;nach=\d+" rel="next"', body)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?q=" + "x" * 101, "höchstens 100 Zeichen"),
        ("?q=ab", "mindestens drei Zeichen"),
        ("?nach=abc", "Seitenangabe ist ungültig"),
        ("?nach=99999999999999999999999", "Seitenangabe ist ungültig"),
        ("?nach=-1", "Seitenangabe ist ungültig"),
        ("?von=2026-13-45", "gültiges Datum"),
    ],
)
def test_bad_input_is_a_400_with_a_message(
    caseworker: Any, customer: Any, staff_client: Any, query: str, message: str
) -> None:
    app = make_application(customer, answers={})
    status, body = _get(staff_client(caseworker), customer.jobcenter, query)
    assert status == 400
    assert message in body
    # Still a working page: the newest applications.
    assert app.reference in body


def test_odd_characters_find_nothing_and_never_fail(
    caseworker: Any, customer: Any, staff_client: Any
) -> None:
    make_application(customer, answers={}, name="Anna Schmidt")
    client = staff_client(caseworker)
    for odd in ("%25%25%25", "___", "'%3B DROP", "%E2%80%AE%F0%9F%98%80%F0%9F%98%80", "\\\\\\"):
        status, body = _get(client, customer.jobcenter, f"?q={odd}")
        assert status in (200, 400), odd
        assert "Anna Schmidt" not in body, odd


def test_a_cursor_of_another_job_centre_is_refused(
    caseworker: Any, customer: Any, customer_b: Any, staff_client: Any
) -> None:
    enable_module(customer_b.jobcenter)
    foreign = make_application(customer_b, answers={})
    mine = make_application(customer, answers={})
    status, body = _get(staff_client(caseworker), customer.jobcenter, f"?nach={foreign.pk}")
    assert status == 400 and "Seitenangabe ist ungültig" in body
    assert _refs(body) == [mine.reference]


def test_inbox_reads_are_audited_with_the_cursor(
    caseworker: Any, customer: Any, staff_client: Any
) -> None:
    app = make_application(customer, answers={})
    _get(staff_client(caseworker), customer.jobcenter, f"?q=anna&nach={app.pk}")
    entry = AuditEntry.objects.filter(object_type="application_list").latest("pk")
    assert "q=anna" in entry.detail and f"after={app.pk}" in entry.detail


def test_work_queue_counts_are_capped(
    caseworker: Any, customer: Any, jc_a: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(app_queue, "QUEUE_CAP", 2)
    for _ in range(3):
        make_application(customer, answers={})
    taken = make_application(customer, answers={})
    Application.objects.filter(pk=taken.pk).update(assignee=caseworker)
    ctx = StaffContext(
        jobcenter=jc_a, user=caseworker, roles=frozenset({Role.CASEWORKER}), scope=Scope.ALL
    )
    items = {i.kind: i for i in app_queue.ApplicationsQueueProvider().queue(ctx)}
    free = items["applications.unassigned"]
    assert (free.count, free.capped) == (2, True)
    mine = items["applications.mine"]
    assert (mine.count, mine.capped, mine.oldest) == (1, False, taken.submitted_at)


def test_a_name_search_reads_only_the_shown_columns_without_a_query_per_row(
    caseworker: Any, customer: Any, staff_client: Any, staff_a: Any
) -> None:
    """The page reads only the columns its rows show (``PAGE_COLUMNS``): the assignee's
    name and the row's fields come with the rows, none is loaded afterwards one by one."""
    for i in range(55):
        app = make_application(customer, answers={}, name=f"Jana Lindqvist {i}")
        if i % 2:
            app.assignee = staff_a[Role.TEAM_LEAD]
            app.save()
    make_application(customer, answers={}, name="Olaf Sommerfeld")
    client = staff_client(caseworker)
    _get(client, customer.jobcenter, "?q=sommerfeld")  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        status, body = _get(client, customer.jobcenter, "?q=sommerfeld")
    assert status == 200 and "1 Treffer" in body
    with CaptureQueriesContext(connection) as many:
        status, body = _get(client, customer.jobcenter, "?q=lindqvist")
    assert status == 200 and "Mehr als 50 Treffer" in body
    assert f"<bdi>{staff_a[Role.TEAM_LEAD].display_name}</bdi>" in body
    assert len(_refs(body)) == 50
    assert len(many) <= len(one) + 2, [q["sql"] for q in many.captured_queries]
    # A column the rows do not show is not read.
    assert not [q["sql"] for q in many.captured_queries if "pdf_name" in q["sql"]]

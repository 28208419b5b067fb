"""Two staff members review the same document (issue 16, item 4).

The review form carries the version it was rendered with; a second reviewer who saw an
older version is refused with what the first one decided, keeps their own input, and
nothing of theirs is written (state, reason, reviewer, audit, mail) until they save
again knowingly.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import services
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")


@pytest.fixture
def doc(customer: CustomerProfile) -> Document:
    return services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )


def rendered_version(html: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert found, "the review form carries its version"
    return found.group(1)


def review_state(doc: Document) -> tuple[Any, ...]:
    doc.refresh_from_db()
    return (doc.state, doc.reason, doc.reviewed_by_id, doc.reviewed_at, doc.review_version)


def test_second_reviewer_is_told_and_keeps_own_input(
    doc: Document,
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    outbox: list[Any],
) -> None:
    first = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    second = login_with_mfa(Client(), staff_a[Role.TEAM_LEAD])
    url = reverse("staff:document", kwargs={"jc": jc_a.slug, "pk": doc.pk})
    # Both open the page before either saves.
    v_first = rendered_version(first.get(url).content.decode())
    v_second = rendered_version(second.get(url).content.decode())
    assert v_first == v_second == "0"

    asked = first.post(
        url, {"state": "new_copy_needed", "reason": "Seite 2 fehlt.", "version": v_first}
    )
    assert asked.status_code == 302
    after_first = review_state(doc)
    assert after_first[:3] == (
        DocumentState.NEW_COPY_NEEDED,
        "Seite 2 fehlt.",
        staff_a[Role.CASEWORKER].pk,
    )
    updates = AuditEntry.objects.filter(object_type="document", action="update").count()
    mails = len(outbox)

    refused = second.post(
        url, {"state": "accepted", "reason": "Passt so, danke.", "version": v_second}
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "inzwischen von einer anderen Person geprüft" in html
    assert staff_a[Role.CASEWORKER].get_full_name() in html
    assert "Neue Kopie nötig" in html and "Seite 2 fehlt." in html
    # Their own choice and text are still in the form ...
    assert re.search(r'value="accepted"[^>]*checked', html)
    assert "Passt so, danke.</textarea>" in html
    # ... which now carries the newer version.
    assert rendered_version(html) == "1"
    # Nothing of the second review was written.
    assert review_state(doc) == after_first
    assert AuditEntry.objects.filter(object_type="document", action="update").count() == updates
    assert len(outbox) == mails

    # Saving again from the conflict page replaces the other decision knowingly.
    again = second.post(url, {"state": "accepted", "reason": "", "version": rendered_version(html)})
    assert again.status_code == 302
    state, reason, reviewer, _at, version = review_state(doc)
    assert (state, reason, reviewer, version) == (
        DocumentState.ACCEPTED,
        "",
        staff_a[Role.TEAM_LEAD].pk,
        2,
    )


def test_stale_version_is_refused_by_the_service(doc: Document, staff_a: dict[Role, User]) -> None:
    request = RequestFactory().post("/")
    request.user = staff_a[Role.CASEWORKER]
    services.document_review(request=request, document=doc, state="checked", base_version=0)
    before = review_state(doc)
    stale = Document.objects.get(pk=doc.pk)
    stale.review_version = 0  # as a form rendered before the first review saw it
    with pytest.raises(services.ReviewConflict) as caught:
        services.document_review(request=request, document=stale, state="accepted", base_version=0)
    assert caught.value.document.state == DocumentState.CHECKED
    assert caught.value.document.review_version == 1
    assert review_state(doc) == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_racing_reviewers_exactly_one_wins(doc: Document, staff_a: dict[Role, User]) -> None:
    """Two reviews of the same version at the same moment, on two connections."""
    from django.db import connections

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(user: User, state: str, reason: str) -> None:
        request = RequestFactory().post("/")
        request.user = user
        try:
            barrier.wait(5)
            services.document_review(
                request=request,
                document=Document.objects.get(pk=doc.pk),
                state=state,
                reason=reason,
                base_version=0,
            )
            outcomes.append(state)
        except services.ReviewConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=review, args=(staff_a[Role.CASEWORKER], "new_copy_needed", "unscharf")
        ),
        threading.Thread(target=review, args=(staff_a[Role.TEAM_LEAD], "accepted", "")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) in (["accepted", "conflict"], ["conflict", "new_copy_needed"])
    doc.refresh_from_db()
    assert doc.review_version == 1
    winner = next(o for o in outcomes if o != "conflict")
    assert doc.state == winner
    assert AuditEntry.objects.filter(object_type="document", action="update").count() == 1


def test_the_same_decision_twice_is_no_conflict(
    doc: Document, staff_a: dict[Role, User], jc_a: Jobcenter, outbox: list[Any]
) -> None:
    """A double click (or two people who agree) writes once and warns nobody."""
    client = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    url = reverse("staff:document", kwargs={"jc": jc_a.slug, "pk": doc.pk})
    decision = {"state": "new_copy_needed", "reason": "Seite 2 fehlt.", "version": "0"}
    assert client.post(url, decision).status_code == 302
    after_first = review_state(doc)
    assert client.post(url, decision).status_code == 302
    assert review_state(doc) == after_first
    assert AuditEntry.objects.filter(object_type="document", action="update").count() == 1
    assert len(outbox) == 1

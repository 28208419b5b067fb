"""A customer who deleted the online account is reached by post from then on: the request
waits in the staff work queue ("Online-Konto gelöscht: künftig per Post schreiben") until
someone in the team takes note, on the list page or in the case view."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.retention.models import AccountDeletionRequest
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("docs_on")

KIND = "retention.account_deletions"


def _queue_count(client: Client, jc: Jobcenter) -> int | None:
    html = client.get(reverse("staff:dashboard", kwargs={"jc": jc.slug})).content.decode()
    found = re.search(rf'data-kind="{KIND}">(.*?)</li>', html, re.S)
    if found is None:
        return None
    return int(re.search(r'data-count="(\d+)"', found.group(1)).group(1))  # type: ignore[union-attr]


@pytest.fixture
def deleted(jc_a: Jobcenter, customer: CustomerProfile) -> AccountDeletionRequest:
    client = Client()
    client.force_login(customer.user)
    response = client.post(
        reverse("customer:account_delete", kwargs={"jc": jc_a.slug}),
        {"password": PASSWORD, "confirm": "on"},
    )
    assert response.status_code == 200
    return AccountDeletionRequest.objects.get(customer=customer)


def test_the_request_waits_in_the_queue_until_someone_takes_note(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    worker = staff_client(staff_a[Role.CASEWORKER])
    assert _queue_count(worker, jc_a) == 0  # nothing waits: the item says so
    client = Client()
    client.force_login(customer.user)
    client.post(
        reverse("customer:account_delete", kwargs={"jc": jc_a.slug}),
        {"password": PASSWORD, "confirm": "on"},
    )
    deletion = AccountDeletionRequest.objects.get(customer=customer)
    # The cached queue counts the new request at once (the service bumps its version).
    assert _queue_count(worker, jc_a) == 1

    page = worker.get(reverse("staff:account_deletions", kwargs={"jc": jc_a.slug}))
    assert page.status_code == 200
    html = page.content.decode()
    assert customer.user.display_name in html
    assert "nur noch per Post" in html
    assert AuditEntry.objects.filter(object_type="account_deletion_requests").exists()

    ack = reverse("staff:account_deletion_ack", kwargs={"jc": jc_a.slug, "pk": deletion.pk})
    done = worker.post(ack, follow=True)
    assert "Vermerkt: Die Person wird künftig per Post angeschrieben." in done.content.decode()
    deletion.refresh_from_db()
    assert deletion.acknowledged_at is not None
    assert deletion.acknowledged_by == staff_a[Role.CASEWORKER]
    entry = AuditEntry.objects.get(object_type="account_deletion_request", detail="acknowledged")
    assert entry.actor == staff_a[Role.CASEWORKER]
    assert _queue_count(worker, jc_a) == 0

    # A second note changes nothing.
    first = deletion.acknowledged_at
    again = worker.post(ack, follow=True)
    assert "Das war bereits vermerkt." in again.content.decode()
    deletion.refresh_from_db()
    assert deletion.acknowledged_at == first
    assert AuditEntry.objects.filter(detail="acknowledged").count() == 1

    case = worker.get(reverse("staff:customer", kwargs={"jc": jc_a.slug, "pk": customer.pk}))
    assert "Post-Versand vermerkt am" in case.content.decode()


def test_taking_note_from_the_case_view_returns_there(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    deleted: AccountDeletionRequest,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    worker = staff_client(staff_a[Role.TEAM_LEAD])
    case = reverse("staff:customer", kwargs={"jc": jc_a.slug, "pk": customer.pk})
    assert "Post-Versand vermerken" in worker.get(case).content.decode()
    ack = reverse("staff:account_deletion_ack", kwargs={"jc": jc_a.slug, "pk": deleted.pk})
    response = worker.post(ack, {"weiter": case})
    assert response.status_code == 302
    assert response["Location"] == case
    # Somewhere else than this site: back to the list instead.
    response = worker.post(ack, {"weiter": "https://evil.example.org/"})
    assert response["Location"].endswith("/kontoloeschungen/")


def test_job_advisors_neither_see_the_item_nor_may_take_note(
    jc_a: Jobcenter,
    deleted: AccountDeletionRequest,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    advisor = staff_client(staff_a[Role.JOB_ADVISOR])
    assert _queue_count(advisor, jc_a) is None
    ack = reverse("staff:account_deletion_ack", kwargs={"jc": jc_a.slug, "pk": deleted.pk})
    assert advisor.post(ack).status_code == 403
    deleted.refresh_from_db()
    assert deleted.acknowledged_at is None


def test_another_job_centre_gets_404_and_nothing_changes(
    jc_b: Jobcenter,
    deleted: AccountDeletionRequest,
    staff_b: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    outsider = staff_client(staff_b[Role.CASEWORKER])
    ack = reverse("staff:account_deletion_ack", kwargs={"jc": jc_b.slug, "pk": deleted.pk})
    assert outsider.post(ack).status_code == 404
    deleted.refresh_from_db()
    assert deleted.acknowledged_at is None
    listing = outsider.get(reverse("staff:account_deletions", kwargs={"jc": jc_b.slug}))
    assert deleted.customer is not None
    assert deleted.customer.user.display_name not in listing.content.decode()
    assert _queue_count(outsider, jc_b) == 0

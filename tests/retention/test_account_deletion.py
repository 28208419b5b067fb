"""A customer deletes the account: the page says what goes at once and what is kept;
the password is asked again; drafts, unsent uploads and push subscriptions go, the login
ends, staff see the request in the case view; the daily run deletes the account once
nothing is kept under it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application, ApplicationStatus
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import services as doc_services
from openjobcenter.documents.models import Document
from openjobcenter.notifications.models import PushSubscription
from openjobcenter.retention.models import AccountDeletionRequest
from openjobcenter.retention.services import retention_run
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("docs_on")


def url(jc: Jobcenter) -> str:
    return reverse("customer:account_delete", kwargs={"jc": jc.slug})


def application(customer: CustomerProfile, status: str) -> Application:
    return Application.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind="initial",
        status=status,
        reference=f"EA-{secrets.token_hex(5)}",
        form_key="initial",
        form_version=1,
    )


def test_the_whole_way(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer_client: Client,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    draft = application(customer, ApplicationStatus.DRAFT)
    filed = application(customer, ApplicationStatus.DECIDED)
    upload = doc_services.document_draft_create(request=None, customer=customer)
    PushSubscription.objects.create(
        user=customer.user, endpoint="https://push.example.org/x", p256dh="k", auth="a"
    )

    page = customer_client.get(url(jc_a)).content.decode()
    assert "Das wird sofort gelöscht" in page
    assert "Gestellte Anträge: 1" in page
    assert "10 Jahre bis zum Jahresende" in page

    wrong = customer_client.post(url(jc_a), {"password": "falsch", "confirm": "on"})
    assert wrong.status_code == 400
    assert "Das Passwort stimmt nicht." in wrong.content.decode()
    assert Application.objects.filter(pk=draft.pk).exists()
    assert User.objects.get(pk=customer.user_id).is_active
    assert not AccountDeletionRequest.objects.exists()

    done = customer_client.post(url(jc_a), {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 200
    assert "Ihr Konto ist geschlossen" in done.content.decode()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert Application.objects.filter(pk=filed.pk).exists()
    assert not Document.objects.filter(pk=upload.pk).exists()
    assert not PushSubscription.objects.exists()
    assert not User.objects.get(pk=customer.user_id).is_active
    request = AccountDeletionRequest.objects.get()
    assert request.kept == {"applications": 1}
    assert AuditEntry.objects.filter(object_type="account_deletion_request").exists()
    # Logged out: the customer area asks for a login again.
    assert customer_client.get(url(jc_a)).status_code == 302

    case = reverse("staff:customer", kwargs={"jc": jc_a.slug, "pk": customer.pk})
    staff_page = staff_client(staff_a[Role.CASEWORKER]).get(case).content.decode()
    assert "Kontolöschung beantragt am" in staff_page

    # Kept until its rule deletes the application; then the account goes too.
    retention_run()
    assert User.objects.filter(pk=customer.user_id).exists()
    Application.objects.filter(pk=filed.pk).update(
        updated_at=timezone.now() - timedelta(days=12 * 366)
    )
    retention_run()
    assert not Application.objects.filter(pk=filed.pk).exists()
    assert not User.objects.filter(pk=customer.user_id).exists()
    request.refresh_from_db()
    assert request.completed_at is not None
    assert request.user is None


def test_confirmation_is_required(
    jc_a: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    response = customer_client.post(url(jc_a), {"password": PASSWORD})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie" in response.content.decode()
    assert User.objects.get(pk=customer.user_id).is_active


def test_without_anything_kept_the_account_goes_with_the_next_run(
    jc_a: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    page = customer_client.get(url(jc_a)).content.decode()
    assert "Ihr Konto wird bei der nächsten täglichen Löschung ganz gelöscht." in page
    customer_client.post(url(jc_a), {"password": PASSWORD, "confirm": "on"})
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        retention_run()
    assert not User.objects.filter(pk=customer.user_id).exists()


def test_another_customer_cannot_reach_the_page_of_another_job_centre(
    jc_b: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    assert (
        customer_client.post(url(jc_b), {"password": PASSWORD, "confirm": "on"}).status_code == 404
    )
    assert User.objects.get(pk=customer.user_id).is_active

"""Filing reaches the back office (issue 18, part 2): a filed, not yet complete
application appears in the staff inbox at once, marked "gestellt, unvollständig", is
read-only there with only the filing step, and is handed off as a filing through the
configured backends by the existing ``applications.filed`` outbox row."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter import handoff
from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    DeliveryStatus,
    HandoffConfig,
    HandoffDelivery,
    HandoffPhase,
)
from openjobcenter.applications.services import application_file, application_start
from openjobcenter.core.models import OutboxItem
from tests.applications.customer_data import COUPLE, enable
from tests.applications.test_handoff import SECRET, Receiver

pytestmark = pytest.mark.django_db


def _filed(customer: CustomerProfile, capture: Any) -> Application:
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    row = ApplicationStep.objects.filter(application=app, step_key="filing").first()
    with capture(execute=True):
        application_file(
            request=None,
            application=app,
            answers=COUPLE["filing"],
            base_version=row.version if row else 0,
        )
    app.refresh_from_db()
    return app


def _inbox(client: Client, jc: str) -> str:
    response = client.get(reverse("staff:applications", kwargs={"jc": jc}))
    assert response.status_code == 200
    return response.content.decode()


def _filing_url(app: Application) -> str:
    return reverse("staff:application_filing", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})


def test_a_filed_application_is_in_the_inbox_at_once_with_its_filing_date(
    customer: CustomerProfile,
    staff_a: Any,
    staff_client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = _filed(customer, django_capture_on_commit_callbacks)
    assert app.status == ApplicationStatus.DRAFT and app.filed_at is not None
    client = staff_client(staff_a[Role.CASEWORKER])
    page = _inbox(client, customer.jobcenter.slug)
    assert "gestellt, unvollständig" in page
    assert app.reference in page
    assert app.filed_at.astimezone().strftime("%d.%m.%Y") in page
    assert _filing_url(app) in page
    # The page: the filing step's answers and nothing of the rest of the draft.
    detail = client.get(_filing_url(app))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "gestellt, unvollständig" in text
    assert COUPLE["filing"]["last_name"] in text
    # Read-only: no form on it, and the full application's pages stay closed.
    assert "<form" not in text.split("<main", 1)[1].split("</main>", 1)[0]
    kwargs = {"jc": app.jobcenter.slug, "pk": app.pk}
    assert client.get(reverse("staff:application", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("staff:application_filing", kwargs=kwargs)).status_code == 405


def test_drafts_not_filed_stay_invisible_to_staff(
    customer: CustomerProfile, staff_a: Any, staff_client: Any
) -> None:
    enable(customer.jobcenter)
    draft = application_start(request=None, customer=customer, kind="initial")
    assert draft.filed_at is None
    client = staff_client(staff_a[Role.ADMIN])
    assert draft.reference not in _inbox(client, customer.jobcenter.slug)
    assert client.get(_filing_url(draft)).status_code == 404


def test_submitted_applications_are_not_filings(
    customer: CustomerProfile, staff_a: Any, staff_client: Any
) -> None:
    from tests.applications.staff_data import make_application

    enable(customer.jobcenter)
    app = make_application(customer)
    assert staff_client(staff_a[Role.ADMIN]).get(_filing_url(app)).status_code == 404


def test_another_jobcentres_filing_is_404(
    customer: CustomerProfile,
    jc_b: Any,
    staff_b: Any,
    staff_client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = _filed(customer, django_capture_on_commit_callbacks)
    enable(jc_b)
    client = staff_client(staff_b[Role.ADMIN])
    url = reverse("staff:application_filing", kwargs={"jc": jc_b.slug, "pk": app.pk})
    assert client.get(url).status_code == 404
    assert app.reference not in _inbox(client, jc_b.slug)


def test_the_filing_is_handed_off_through_the_configured_backends(
    customer: CustomerProfile, django_capture_on_commit_callbacks: Any
) -> None:
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="file_drop", config={"prefix": "uebergabe/test"}
    )
    with Receiver() as receiver:
        HandoffConfig.objects.create(
            jobcenter=customer.jobcenter,
            backend="json_push",
            config={"url": receiver.url, "secret": SECRET},
        )
        app = _filed(customer, django_capture_on_commit_callbacks)
    assert OutboxItem.objects.get(topic="applications.filed", key=str(app.pk)).delivered_at
    deliveries = {d.backend: d for d in HandoffDelivery.objects.filter(application=app)}
    assert set(deliveries) == {"inbox", "json_push", "file_drop"}
    assert {d.phase for d in deliveries.values()} == {HandoffPhase.FILING}
    assert {d.status for d in deliveries.values()} == {DeliveryStatus.DELIVERED}
    # The receiver got the filing, signed, with the date secured and only the first step.
    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    assert sent["signature_ok"]
    assert sent["idempotency_key"] == deliveries["json_push"].idempotency_key
    body = json.loads(sent["body"])
    assert body["phase"] == "filing"
    assert app.filed_at is not None
    assert body["filed_at"] == app.filed_at.isoformat()
    assert body["reference"] == app.reference
    assert list(body["data"]["answers"]) == ["filing"]
    assert body["data"]["answers"]["filing"]["last_name"] == COUPLE["filing"]["last_name"]
    dropped = json.loads(
        default_storage.open(f"uebergabe/test/{app.reference}/antragstellung.json").read()
    )
    assert dropped["phase"] == "filing"
    default_storage.delete(f"uebergabe/test/{app.reference}/antragstellung.json")


def test_filing_hand_off_is_idempotent_and_the_submission_follows_separately(
    customer: CustomerProfile,
    staff_a: Any,
    staff_client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = _filed(customer, django_capture_on_commit_callbacks)
    assert handoff.file_handoffs(app.pk) == {}  # nothing due again
    assert HandoffDelivery.objects.filter(application=app).count() == 1
    # The full application on submission: its own delivery beside the filing's.
    Application.objects.filter(pk=app.pk).update(
        status=ApplicationStatus.RECEIVED, submitted_at=timezone.now(), submitted_data={}
    )
    with django_capture_on_commit_callbacks(execute=True):
        handoff.schedule_handoffs(app.pk)
    phases = sorted(HandoffDelivery.objects.filter(application=app).values_list("phase", "status"))
    assert phases == [
        (HandoffPhase.FILING, DeliveryStatus.DELIVERED),
        (HandoffPhase.SUBMISSION, DeliveryStatus.DELIVERED),
    ]
    # The application's page names both hand-offs apart.
    page = staff_client(staff_a[Role.CASEWORKER]).get(
        reverse("staff:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    )
    assert page.status_code == 200
    assert "Posteingang im Fachbereich (Antragstellung)" in page.content.decode()

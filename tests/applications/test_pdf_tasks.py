"""The summary and the receipt of a submission are drawn by two tasks of their own
(issue 19): each its own outbox row, written with the submission, delivered apart; a
failing draw is tried again and loses nothing, and the staff page says "wird erstellt"
until the summary is there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications import outbox as submission_outbox
from openjobcenter.applications import pdf
from openjobcenter.applications.models import Application, HandoffDelivery
from openjobcenter.applications.services import application_start, application_submit
from openjobcenter.core import outbox
from openjobcenter.core.models import OutboxItem
from tests.applications.customer_data import enable, fill_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(
    customer_client: Client, customer: CustomerProfile, settings: Any, tmp_path: Any
) -> Application:
    settings.MEDIA_ROOT = tmp_path
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    fill_all(customer_client, app)
    OutboxItem.objects.all().delete()  # the filing's row is not the point here
    return application_submit(request=None, application=app)


def _row(topic: str, app: Application) -> OutboxItem:
    return OutboxItem.objects.get(topic=topic, key=str(app.pk))


def test_summary_and_receipt_are_two_rows_delivered_apart(submitted: Application) -> None:
    app = submitted
    summary = _row(submission_outbox.SUBMITTED, app)
    receipt = _row(submission_outbox.RECEIPT, app)
    assert summary.payload == {"application_id": app.pk, "receipt_apart": True}
    assert receipt.payload == {"application_id": app.pk}
    assert (app.pdf_name, app.receipt_pdf_name) == ("", "")

    assert outbox.deliver(receipt.pk) == "delivered"
    app.refresh_from_db()
    assert app.receipt_pdf_name
    assert app.pdf_name == ""  # the receipt's task draws the receipt only

    assert outbox.deliver(summary.pk) == "delivered"
    app.refresh_from_db()
    assert app.pdf_name
    assert HandoffDelivery.objects.get(application=app, phase="submission").status == "delivered"


def test_a_failing_receipt_is_tried_again_and_the_summary_does_not_wait(
    submitted: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = submitted

    def broken(application: Application) -> bytes:
        msg = "font cache locked"
        raise OSError(msg)

    monkeypatch.setattr(pdf, "render_receipt", broken)
    receipt = _row(submission_outbox.RECEIPT, app)
    assert outbox.deliver(receipt.pk) == "retrying"
    receipt.refresh_from_db()
    assert receipt.delivered_at is None
    assert "font cache locked" in receipt.last_error
    assert receipt.next_attempt_at is not None and receipt.next_attempt_at > timezone.now()

    assert outbox.deliver(_row(submission_outbox.SUBMITTED, app).pk) == "delivered"
    app.refresh_from_db()
    assert app.pdf_name and not app.receipt_pdf_name

    monkeypatch.undo()
    # Not due before its backoff ran out; then the sweeper draws it.
    assert outbox.deliver(receipt.pk) is None
    OutboxItem.objects.filter(pk=receipt.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox.sweep() == 1
    app.refresh_from_db()
    assert app.receipt_pdf_name
    receipt.refresh_from_db()
    assert receipt.delivered_at is not None and receipt.attempts == 2


def test_a_row_from_before_draws_both(submitted: Application) -> None:
    """A row written before the receipt had its own (no ``receipt_apart``) still draws
    the receipt after the summary and the hand-off."""
    app = submitted
    OutboxItem.objects.filter(topic=submission_outbox.RECEIPT).delete()
    OutboxItem.objects.filter(topic=submission_outbox.SUBMITTED).update(
        payload={"application_id": app.pk}
    )
    assert outbox.sweep() == 1
    app.refresh_from_db()
    assert app.pdf_name and app.receipt_pdf_name


def test_the_staff_page_says_the_pdf_is_being_made_until_it_is_there(
    submitted: Application, staff_a: dict[Role, User], staff_client: Any
) -> None:
    app = submitted
    client = staff_client(staff_a[Role.CASEWORKER])
    url = f"/{app.jobcenter.slug}/staff/antraege/{app.pk}/"
    page = client.get(url).content.decode()
    assert "Das PDF wird noch erstellt." in page
    assert "PDF herunterladen" not in page

    outbox.deliver(_row(submission_outbox.SUBMITTED, app).pk)
    page = client.get(url).content.decode()
    assert "PDF herunterladen" in page
    assert "Das PDF wird noch erstellt." not in page

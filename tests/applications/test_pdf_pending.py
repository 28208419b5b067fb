"""The customer's PDF downloads never draw a submitted application's PDF in the request
(issue 19): until the worker has stored it, the customer sees "wird erstellt", and the
page asks again every two seconds (htmx) until the answer sends the browser to the
download."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import outbox as submission_outbox
from openjobcenter.applications import pdf
from openjobcenter.applications.models import Application
from openjobcenter.applications.services import application_start, application_submit
from openjobcenter.core import outbox
from openjobcenter.core.models import AuditAction, AuditEntry, OutboxItem
from tests.applications.customer_data import enable, fill_all

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def submitted(
    customer_client: Client, customer: CustomerProfile, settings: Any, tmp_path: Any
) -> Application:
    settings.MEDIA_ROOT = tmp_path
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    fill_all(customer_client, app)
    OutboxItem.objects.all().delete()  # the filing's receipt is not drawn yet either
    app = application_submit(request=None, application=app)
    assert (app.pdf_name, app.receipt_pdf_name) == ("", "")
    return app


def refuse_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """A render in the request fails the test (the worker's render comes after undo)."""

    def refused(application: Application) -> bytes:
        msg = "drawn in the request"
        raise AssertionError(msg)

    monkeypatch.setattr(pdf, "render_summary", refused)
    monkeypatch.setattr(pdf, "render_receipt", refused)


def _url(app: Application, name: str) -> str:
    return reverse(f"customer:{name}", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})


def _exports(app: Application) -> int:
    return AuditEntry.objects.filter(
        action=AuditAction.EXPORT, object_type="application", object_id=str(app.pk)
    ).count()


@pytest.mark.parametrize(
    ("name", "topic", "what"),
    [
        ("application_summary_pdf", submission_outbox.SUBMITTED, "Ihr Antrag als PDF"),
        ("application_receipt_pdf", submission_outbox.RECEIPT, "Ihre Eingangsbestätigung als PDF"),
    ],
)
def test_wird_erstellt_until_the_worker_stored_it(
    customer_client: Client,
    submitted: Application,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    topic: str,
    what: str,
) -> None:
    url = _url(submitted, name)
    refuse_rendering(monkeypatch)
    page = customer_client.get(url)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "Ihr PDF wird erstellt" in html
    assert f"{what} wird gerade erstellt" in html
    assert f'hx-get="{url}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert f'href="{url}"' in html  # without JavaScript: try again
    assert page["Retry-After"] == "2"
    exports = _exports(submitted)

    # The page's poll while the PDF is still being drawn: nothing to swap.
    poll = customer_client.get(url, headers=HTMX)
    assert poll.status_code == 204
    assert poll["Retry-After"] == "2"
    assert _exports(submitted) == exports  # nothing exported yet

    # The worker draws it (its own outbox row) ...
    monkeypatch.undo()
    row = OutboxItem.objects.get(topic=topic, key=str(submitted.pk))
    assert outbox.deliver(row.pk) == "delivered"
    refuse_rendering(monkeypatch)

    # ... and the next poll sends the browser to the download, which is the stored file.
    poll = customer_client.get(url, headers=HTMX)
    assert poll.status_code == 200
    assert poll["HX-Redirect"] == url
    download = customer_client.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")

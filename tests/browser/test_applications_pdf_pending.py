"""The customer opens the PDF of a submission whose PDF the worker has not stored yet:
"wird erstellt" (axe-checked), and the download starts by itself once it is there
(the page's htmx poll, issue 19)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application
from openjobcenter.applications.services import (
    application_pdfs_store,
    application_start,
    application_submit,
)
from tests.applications.customer_data import enable, fill_all
from tests.browser.conftest import check_a11y, log_in

pytestmark = pytest.mark.browser


def test_pdf_wird_erstellt_then_downloads(
    page: Page, customer: CustomerProfile, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    enable(customer.jobcenter)
    client = Client()
    client.force_login(customer.user)
    app = application_start(request=None, customer=customer, kind="initial")
    fill_all(client, app)
    app = application_submit(request=None, application=app)
    # As if the worker had not come to it yet.
    Application.objects.filter(pk=app.pk).update(pdf_name="")

    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/antrag.pdf")
    expect(page.locator("h1")).to_have_text("Ihr PDF wird erstellt")
    expect(page.locator("main")).to_contain_text("Ihr Antrag als PDF wird gerade erstellt")
    check_a11y(page, "pdf pending")

    with page.expect_download(timeout=15_000) as download:
        application_pdfs_store(application_id=app.pk, parts=("summary",))  # the worker
    assert download.value.suggested_filename == f"Antrag-{app.reference}.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF")

"""Customer pages: start, file, steps, conflict, proofs, submit, status, PDFs (A1)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    EventKind,
)
from openjobcenter.applications.services import application_start
from tests.applications.customer_data import COUPLE, enable, fill_all, post_data, save, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable(customer.jobcenter)
    return application_start(request=None, customer=customer, kind="initial")


def url(name: str, app: Application, **kw: Any) -> str:
    return reverse(f"customer:{name}", kwargs={"jc": app.jobcenter.slug, "pk": app.pk, **kw})


def test_list_and_start(customer_client: Client, customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    jc = customer.jobcenter.slug
    page = customer_client.get(reverse("customer:applications", kwargs={"jc": jc}))
    assert page.status_code == 200
    assert "Erstantrag" in page.content.decode()
    start = reverse("customer:application_start", kwargs={"jc": jc, "kind_slug": "erstantrag"})
    assert customer_client.get(start).status_code == 200
    response = customer_client.post(start)
    app = Application.objects.get(customer=customer)
    assert response["Location"] == step_url(app, "filing")
    assert app.reference.startswith("EA-")
    assert app.status == ApplicationStatus.DRAFT
    # A second start continues the same draft.
    customer_client.post(start)
    assert Application.objects.filter(customer=customer).count() == 1


def test_filing_records_date_and_sends_receipt(
    customer_client: Client, app: Application, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = save(customer_client, app, "filing", COUPLE["filing"])
    assert response["Location"] == url("application_receipt", app)
    app.refresh_from_db()
    assert app.filed_at is not None
    assert app.status == ApplicationStatus.DRAFT
    assert ApplicationEvent.objects.filter(application=app, kind=EventKind.FILED).count() == 1
    page = customer_client.get(url("application_receipt", app)).content.decode()
    assert app.reference in page
    assert "übrigen Teile" in page
    assert len(mail.outbox) == 1
    assert app.reference in mail.outbox[0].body
    assert "Hauptstraße" not in mail.outbox[0].body  # no social data in the mail
    pdf = customer_client.get(url("application_receipt_pdf", app))
    assert pdf.status_code == 200
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert app.reference in text


def test_whole_application_submit_and_status(
    customer_client: Client, app: Application, django_capture_on_commit_callbacks: Any
) -> None:
    fill_all(customer_client, app)
    overview = customer_client.get(url("application", app)).content.decode()
    assert "Prüfen und abschicken" in overview
    page = customer_client.get(url("application_submit", app)).content.decode()
    assert "Bäckerei Muster" in page
    assert "Commerzbank" in page  # the bank is named back
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(url("application_submit", app), {"idempotency_key": "k1"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RECEIVED
    assert len(app.submission_sha256) == 64
    data = app.submitted_data
    assert data is not None
    assert data["form"] == {"key": "initial", "version": 2}
    assert data["$schema"].endswith("/application/2")
    assert data["answers"]["person_health_insurance:p3"] == {
        "kind": "family",
        "insurer": "AOK Hessen",
        "family_via": "Karl Kunde",
    }
    assert data["answers"]["person_assets:p1"]["vehicles_value"] == "3500.00"
    # Proofs per person: the private insurance of p2, the car of p1.
    assert {"kind": "health_insurance_proof", "person_id": "p2"} in data["proofs"]
    assert {"kind": "asset_proof", "person_id": "p1"} in data["proofs"]
    assert [p["role"] for p in data["persons"]] == ["applicant", "partner", "child"]
    assert data["answers"]["housing"]["cold_rent"] == "500.00"
    assert data["answers"]["bank"]["iban"] == "DE89370400440532013000"
    assert {"kind": "payslip", "person_id": "p1"} in data["proofs"]
    # Submitting again: the same application, no second event.
    customer_client.post(url("application_submit", app), {"idempotency_key": "k1"})
    assert ApplicationEvent.objects.filter(application=app, kind=EventKind.SUBMITTED).count() == 1
    status = customer_client.get(url("application", app)).content.decode()
    assert "Eingegangen" in status
    # PDF (rendered by the task already, stored) with every answer.
    app.refresh_from_db()
    assert app.pdf_name and app.receipt_pdf_name
    response = customer_client.get(url("application_summary_pdf", app))
    body = response.content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert app.reference in text
    assert app.submission_sha256[:16] in text.replace("\n", "")
    assert "Bäckerei Muster" in text
    assert "Mia Kunde" in text
    # Health insurance and assets per person are in the PDF.
    assert "Muster PKV" in text
    assert "familienversichert" in text
    assert "Kraftfahrzeuge" in text


def test_submitted_is_read_only(customer_client: Client, app: Application) -> None:
    fill_all(customer_client, app)
    customer_client.post(url("application_submit", app), {})
    response = customer_client.post(step_url(app, "housing"), post_data(COUPLE["housing"], 1))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.submitted_data is not None
    assert app.submitted_data["answers"]["housing"]["cold_rent"] == "500.00"


def test_submit_refused_while_steps_open(customer_client: Client, app: Application) -> None:
    save(customer_client, app, "filing", COUPLE["filing"])
    response = customer_client.post(url("application_submit", app), {})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


@pytest.mark.parametrize(
    ("step", "values", "field", "message"),
    [
        ("housing", {**COUPLE["housing"], "cold_rent": "-100"}, "cold_rent", "nicht negativ"),
        ("filing", {**COUPLE["filing"], "birth_date": "01.01.2099"}, "birth_date", "Zukunft"),
        ("filing", {**COUPLE["filing"], "birth_date": "01.01.1850"}, "birth_date", "120 Jahre"),
        ("filing", {**COUPLE["filing"], "last_name": "x" * 101}, "last_name", "höchstens 100"),
        ("filing", {**COUPLE["filing"], "postcode": "3603"}, "postcode", "5 Ziffern"),
        ("bank", {**COUPLE["bank"], "iban": "DE89370400440532013001"}, "iban", "nicht gültig"),
        ("personal", {**COUPLE["personal"], "tax_id": "86095742718"}, "tax_id", "nicht gültig"),
        (
            "personal",
            {**COUPLE["personal"], "pension_number": "65170839J004"},
            "pension_number",
            "nicht gültig",
        ),
    ],
)
def test_bad_input_is_refused_with_message(
    customer_client: Client,
    app: Application,
    step: str,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    if step != "filing":
        save(customer_client, app, "filing", COUPLE["filing"])
    response = save(customer_client, app, step, values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not app.steps.filter(step_key=step, state="done").exists()


def test_implausible_rent_asks_for_confirmation(customer_client: Client, app: Application) -> None:
    values = {**COUPLE["housing"], "cold_rent": "6000"}
    response = customer_client.post(step_url(app, "housing"), post_data(values))
    assert response.status_code == 400
    assert 'name="cold_rent_confirmed"' in response.content.decode()
    response = customer_client.post(
        step_url(app, "housing"), post_data({**values, "cold_rent_confirmed": "1"})
    )
    assert response.status_code == 302
    assert app.steps.get(step_key="housing").answers["cold_rent_confirmed"] is True


def test_html_is_escaped(customer_client: Client, app: Application) -> None:
    evil = "<script>alert(1)</script>"
    values = {**COUPLE["filing"], "last_name": evil}
    save(customer_client, app, "filing", values)
    page = customer_client.get(step_url(app, "filing")).content.decode()
    assert evil not in page
    assert "&lt;script&gt;" in page


def test_stale_save_shows_conflict(customer_client: Client, app: Application) -> None:
    customer_client.post(step_url(app, "housing"), post_data(COUPLE["housing"], 0))
    # Another device saved version 1 meanwhile; this device still starts from 0.
    stale = {**COUPLE["housing"], "cold_rent": "999"}
    response = customer_client.post(step_url(app, "housing"), post_data(stale, 0))
    assert response.status_code == 409
    page = response.content.decode()
    assert "auf einem anderen Gerät geändert" in page
    assert "500,00 €" in page  # the newer answers are shown
    assert app.steps.get(step_key="housing").answers["cold_rent"] == "500.00"
    # Saving again knowingly (with the newer version) is allowed.
    response = customer_client.post(step_url(app, "housing"), post_data(stale, 1))
    assert response.status_code == 302
    assert app.steps.get(step_key="housing").answers["cold_rent"] == "999.00"


def test_household_add_person_row(customer_client: Client, app: Application) -> None:
    response = customer_client.post(
        step_url(app, "household"), {**post_data({"members": []}), "add_member": "1"}
    )
    assert response.status_code == 200
    assert 'name="members-0-role"' in response.content.decode()


def test_proofs_page(customer_client: Client, app: Application) -> None:
    fill_all(customer_client, app)
    page = customer_client.get(url("application_proofs", app)).content.decode()
    assert "Mietvertrag" in page
    assert "Lohn- oder Gehaltsabrechnung" in page
    assert "schwärzen" in page


def test_progress_overview(customer_client: Client, app: Application) -> None:
    save(customer_client, app, "filing", COUPLE["filing"])
    page = customer_client.get(url("application", app)).content.decode()
    assert "erledigt" in page
    assert "offen" in page


def test_hostile_step_requests_answer_4xx(customer_client: Client, app: Application) -> None:
    assert customer_client.get(step_url(app, "nope")).status_code == 404
    assert customer_client.get(step_url(app, "income:p9")).status_code == 404
    response = customer_client.post(
        step_url(app, "household"),
        {"base_version": "x", "members-count": "999999", "members-0-role": "king"},
    )
    assert response.status_code in (400, 409)
    response = customer_client.post(
        step_url(app, "income:p1"), {"base_version": "0", "kinds": ["employment", "<x>"]}
    )
    assert response.status_code == 400
    assert "angebotenen Antworten" in response.content.decode()
    response = customer_client.post(
        step_url(app, "filing"), post_data({**COUPLE["filing"], "first_name": "a\x00b"}, 1)
    )
    assert response.status_code == 400


def test_english_messages(
    customer_client: Client, app: Application, customer: CustomerProfile
) -> None:
    customer.user.preferred_language = "en"
    customer.user.save(update_fields=["preferred_language"])
    response = customer_client.post(
        step_url(app, "housing"),
        post_data({**COUPLE["housing"], "cold_rent": "-1"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The amount must not be negative." in page
    assert "What does this mean?" in page


def test_opening_a_step_notes_its_start_for_the_funnel(
    customer_client: Client, app: Application
) -> None:
    customer_client.get(step_url(app, "bank"))
    row = app.steps.get(step_key="bank")
    assert row.state == "open" and row.answers == {} and row.version == 0
    response = save(customer_client, app, "bank", COUPLE["bank"])
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.completed_at is not None and row.completed_at >= row.started_at


def test_proofs_link_to_upload_when_documents_module_is_on(
    customer_client: Client, app: Application
) -> None:
    url_ = url("application_proofs", app)
    fill_all(customer_client, app, {"housing": COUPLE["housing"]})
    jc = app.jobcenter
    jc.enabled_modules = [m for m in jc.enabled_modules if m != "documents"]
    jc.save()
    assert "?kind=tenancy_agreement" not in customer_client.get(url_).content.decode()
    jc.enabled_modules = [*jc.enabled_modules, "documents"]
    jc.save()
    # Through the proof's own link, so what is sent is linked to it (issue 17).
    assert "nachweise/senden/?kind=tenancy_agreement" in customer_client.get(url_).content.decode()

"""The summary PDF/A and the receipt (A1)."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import pdf
from openjobcenter.applications.services import (
    application_pdfs_store,
    application_start,
    application_submit,
)
from openjobcenter.core import sealed
from tests.applications.customer_data import COUPLE, enable, fill_all

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_summary_is_pdfa_german_complete_and_escaped(
    customer_client: Client, customer: CustomerProfile
) -> None:
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    answers = {**COUPLE, "damages": {"third_party": "yes", "details": "<b>Fahrrad</b> & Auto"}}
    fill_all(customer_client, app, answers)
    app = application_submit(request=None, application=app)
    data = pdf.render_summary(app)
    text = text_of(data)
    for expected in (
        app.reference,
        "Antrag auf Bürgergeld – Erstantrag",
        "Kaltmiete",
        "500,00 €",
        "Bäckerei Muster",
        "Mia Kunde",
        "Commerzbank",
        "<b>Fahrrad</b> & Auto",  # shown as typed, never interpreted
        "Mietvertrag",
    ):
        assert expected in text, expected
    assert app.submission_sha256 in text.replace("\n", "").replace(" ", "")
    with pikepdf.open(io.BytesIO(data)) as document:
        meta = document.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert "/OutputIntents" in document.Root
        assert "/StructTreeRoot" in document.Root  # tagged


def test_pdfs_are_stored_through_the_storage_api(
    customer_client: Client, customer: CustomerProfile
) -> None:
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    fill_all(customer_client, app)
    app = application_submit(request=None, application=app)
    stored = application_pdfs_store(application_id=app.pk)
    assert stored.pdf_name and stored.receipt_pdf_name
    assert default_storage.exists(stored.pdf_name)
    # Sealed at rest (core/sealed.py): the stored bytes are not a PDF ...
    for name in (stored.pdf_name, stored.receipt_pdf_name):
        with default_storage.open(name, "rb") as handle:
            raw = handle.read()
        assert not raw.startswith(b"%PDF")
        assert b"%PDF" not in raw
        assert app.reference.encode() not in raw
        assert app.reference not in name  # names carry nothing about the case
    # ... and read back through it they are.
    receipt_bytes = sealed.read(app.jobcenter, stored.receipt_pdf_name)
    assert receipt_bytes is not None
    receipt = text_of(receipt_bytes)
    assert "Eingangsbestätigung" in receipt
    assert app.reference in receipt
    assert "Hauptstraße" not in receipt
    # Idempotent: a second run keeps the names.
    assert application_pdfs_store(application_id=app.pk).pdf_name == stored.pdf_name

"""PDFs the job centre issues carry its name, logo and colour (the letterhead), not the
platform's."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.pdf import render_receipt, render_summary
from openjobcenter.applications.services import application_start
from openjobcenter.tenants.letterhead import letterhead
from tests.applications.customer_data import enable

pytestmark = pytest.mark.django_db


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (170, 0, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def branded(settings: Any, tmp_path: Any, customer: CustomerProfile) -> CustomerProfile:
    settings.MEDIA_ROOT = str(tmp_path)
    jc = customer.jobcenter
    jc.primary_colour = "#aa0000"
    jc.logo.save("fulda-logo.png", ContentFile(png()), save=True)
    enable(jc)
    return customer


def test_letterhead_embeds_the_logo_and_colour(branded: CustomerProfile) -> None:
    head = letterhead(branded.jobcenter)
    assert head["name"] == branded.jobcenter.name
    assert head["colour"] == "#aa0000"
    assert head["logo"].startswith("data:image/png;base64,")


def test_letterhead_ignores_a_file_that_is_no_image(branded: CustomerProfile) -> None:
    jc = branded.jobcenter
    jc.logo.save("fulda-logo.svg", ContentFile(b"<svg onload='x'/>"), save=True)
    assert letterhead(jc)["logo"] == ""


def test_application_pdfs_carry_the_letterhead(branded: CustomerProfile) -> None:
    app = application_start(request=None, customer=branded, kind="initial")
    for pdf in (render_receipt(app), render_summary(app)):
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        assert branded.jobcenter.name in page.extract_text()
        assert len(page.images) == 1  # the logo
        assert "OpenJobcenter" not in page.extract_text()


def test_without_logo_the_name_alone(customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    page = PdfReader(io.BytesIO(render_receipt(app))).pages[0]
    assert customer.jobcenter.name in page.extract_text() and len(page.images) == 0


def test_objection_receipt_carries_the_letterhead(
    branded: CustomerProfile, staff_a: dict[Any, Any]
) -> None:
    """The postbox's receipt uses the shared include (web/pdf_letterhead.html) too."""
    from openjobcenter.postbox.pdf import objection_receipt
    from tests.handoff.conftest import filed_objection

    objection = filed_objection(branded, staff_a)
    page = PdfReader(io.BytesIO(objection_receipt(objection))).pages[0]
    text = page.extract_text()
    assert branded.jobcenter.name in text
    assert objection.reference in text
    assert len(page.images) == 1  # the logo
    assert "OpenJobcenter" not in text

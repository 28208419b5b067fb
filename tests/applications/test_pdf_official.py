"""Issue 18 part 7: application PDFs and receipts look official: the form's real title,
never an internal key, the name once, the job centre's letterhead on each."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.pdf import render_receipt, render_summary
from openjobcenter.applications.selectors import settings_for
from openjobcenter.applications.services import application_start
from openjobcenter.tenants.models import Office
from tests.applications.customer_data import enable

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def jonas(customer: CustomerProfile) -> CustomerProfile:
    user = customer.user
    user.first_name, user.last_name = "Jonas", "Testkunde"
    user.save()
    jc = customer.jobcenter
    enable(jc)
    conf = settings_for(jc)
    conf.renewal_enabled = conf.change_notice_enabled = True
    conf.save()
    jc.phone, jc.email = "0661 6006-0", "post@jobcenter.example"
    jc.save()
    Office.objects.create(
        jobcenter=jc,
        name="Haupthaus",
        street="Robert-Kircher-Str. 1",
        postcode="36037",
        city="Fulda",
    )
    return customer


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("initial", "Antrag auf Bürgergeld – Erstantrag"),
        ("renewal", "Weiterbewilligungsantrag"),
        ("change_notice", "Veränderungsmitteilung"),
    ],
)
def test_pdfs_carry_the_real_title_the_name_once_and_the_letterhead(
    jonas: CustomerProfile, kind: str, title: str
) -> None:
    app = application_start(request=None, customer=jonas, kind=kind)
    for data in (render_summary(app), render_receipt(app)):
        text = text_of(data)
        flat = " ".join(text.split())
        assert title in flat
        # Internal keys stay internal.
        assert kind not in text and "initial_v1" not in text and app.form_key not in text
        assert flat.count("Antragstellende Person Jonas Testkunde") == 1, flat
        for doubled in ("Testkunde – Jonas", "Testkunde Jonas", "Testkunde: Jonas"):
            assert doubled not in flat
        # Letterhead: the sender is the job centre, with where a reply goes.
        assert flat.startswith(f"Jobcenter {jonas.jobcenter.name}")
        assert "Robert-Kircher-Str. 1, 36037 Fulda" in flat
        assert "0661 6006-0 · post@jobcenter.example" in flat


def test_a_name_that_says_jobcenter_is_not_prefixed(jonas: CustomerProfile) -> None:
    jc = jonas.jobcenter
    jc.name = "Kreisjobcenter Fulda"
    jc.save()
    app = application_start(request=None, customer=jonas, kind="initial")
    flat = " ".join(text_of(render_receipt(app)).split())
    assert flat.startswith("Kreisjobcenter Fulda") and "Jobcenter Kreisjobcenter" not in flat


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "إشعار الاستلام"),
        ("uk", "Підтвердження отримання – переклад"),
        ("de-x-ls", "Wir haben Ihren Antrag bekommen"),
    ],
)
def test_receipt_adds_the_customers_language_beneath_the_german_text(
    jonas: CustomerProfile, language: str, expected: str
) -> None:
    jonas.user.preferred_language = language
    jonas.user.save(update_fields=["preferred_language"])
    app = application_start(request=None, customer=jonas, kind="initial")
    text = text_of(render_receipt(app))
    # German first (legally binding), then the translation with the same reference.
    assert text.index("Eingangsbestätigung") < text.index(expected)
    assert text.count(app.reference) == 2
    from openjobcenter.applications.pdf import receipt_translation

    translated = receipt_translation(app, language)
    assert translated is not None
    assert translated.dir == ("rtl" if language == "ar" else "ltr")


def test_receipt_for_german_or_unknown_language_has_no_translation(
    jonas: CustomerProfile,
) -> None:
    from openjobcenter.applications.pdf import receipt_translation

    app = application_start(request=None, customer=jonas, kind="initial")
    assert receipt_translation(app, "de") is None
    assert receipt_translation(app, "xx") is None
    assert "Übersetzung" not in text_of(render_receipt(app))

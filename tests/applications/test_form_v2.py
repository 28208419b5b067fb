"""First application version 2 (issue 17, part 5): health insurance for each adult and
child, assets as the Anlage VM asks them, per person; and applications stored with
version 1 keep working (render, continue, submit, PDF)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.applications import engine
from openjobcenter.applications.engine import Answers, get_definition
from openjobcenter.applications.models import Application, ApplicationStatus
from openjobcenter.applications.precalc import countable_assets
from openjobcenter.applications.proofs import derive_proofs_for
from openjobcenter.applications.services import application_start
from tests.applications.customer_data import (
    COUPLE,
    COUPLE_V1,
    enable,
    fill_all,
    post_data,
    step_url,
)
from tests.applications.staff_data import COUPLE_WITH_CHILD, make_application

V2 = get_definition("initial", 2)

HOUSEHOLD: dict[str, Any] = {
    "filing": {"first_name": "Ada", "last_name": "Test", "birth_date": "1980-01-01"},
    "bank": {"has_account": "yes"},
    "household": {
        "members": [
            {
                "id": "p2",
                "role": "partner",
                "first_name": "Bo",
                "last_name": "Test",
                "birth_date": "1982-02-02",
            },
            {
                "id": "p3",
                "role": "child",
                "first_name": "Cleo",
                "last_name": "Test",
                "birth_date": "2018-03-03",
            },
        ]
    },
}


def test_new_applications_start_with_version_2_and_ask_every_person() -> None:
    assert engine.latest_definition("initial").version == 2
    keys = {i.key for i in engine.step_instances(V2, Answers(HOUSEHOLD)) if i.needed}
    for pid in ("p1", "p2", "p3"):
        assert f"person_health_insurance:{pid}" in keys  # each adult and each child
        assert f"person_assets:{pid}" in keys
    assert "assets" not in keys
    assert "health_insurance" not in keys


def test_health_insurance_answers_per_person() -> None:
    answers = Answers(HOUSEHOLD)
    cleaned, errors = engine.validate_step(
        V2,
        "person_health_insurance:p3",
        {"kind": "family", "insurer": "AOK", "family_via": "Ada Test", "private_premium": "9"},
        answers,
    )
    assert errors == {}
    # The premium belongs to private insurance only: dropped, not stored stale.
    assert cleaned == {"kind": "family", "insurer": "AOK", "family_via": "Ada Test"}
    _cleaned, errors = engine.validate_step(
        V2, "person_health_insurance:p2", {"kind": "family"}, answers
    )
    assert set(errors) == {"insurer", "family_via"}


def test_assets_values_per_kind() -> None:
    raw = {
        "has_assets": "yes",
        "kinds": ["cash", "property"],
        "cash_value": "120,50",
        "property_value": "",
        "securities_value": "999",  # not a chosen kind: dropped
    }
    cleaned, errors = engine.validate_step(V2, "person_assets:p2", raw, Answers(HOUSEHOLD))
    assert set(errors) == {"property_value", "property_self_used"}
    assert cleaned["cash_value"] == "120.50"
    assert "securities_value" not in cleaned


def _proofs(data: dict[str, Any]) -> dict[tuple[str, str | None], Any]:
    with translation.override("de"):
        return {(p.kind_key, p.person_id): p for p in derive_proofs_for(V2, Answers(data))}


def test_proofs_per_person() -> None:
    data = {
        **HOUSEHOLD,
        "person_health_insurance:p1": {"kind": "statutory", "insurer": "AOK"},
        "person_health_insurance:p2": {"kind": "private", "insurer": "PKV"},
        "person_health_insurance:p3": {"kind": "unknown"},
        "person_assets:p1": {
            "has_assets": "yes",
            "kinds": ["accounts", "securities", "vehicles"],
            "accounts_value": "100.00",
            "securities_value": "2000.00",
            "vehicles_value": "4000.00",
        },
        "person_assets:p2": {"has_assets": "yes", "kinds": ["cash"], "cash_value": "50.00"},
        "person_assets:p3": {"has_assets": "no"},
    }
    got = _proofs(data)
    assert ("health_insurance_proof", "p1") not in got
    assert "privat versichert" in got[("health_insurance_proof", "p2")].reason
    assert "Cleo Test" in got[("health_insurance_proof", "p3")].reason
    asset = got[("asset_proof", "p1")]
    assert "Depotauszug" in asset.note
    assert "Zulassungsbescheinigung" in asset.note
    assert ("asset_proof", "p2") not in got  # cash needs no proof
    assert ("asset_proof", "p3") not in got
    # The household's statements of all accounts already cover p1's accounts.
    assert ("bank_statement", None) in got
    assert ("bank_statement", "p1") not in got
    # Without a current account the savings accounts are still proved.
    no_account = _proofs({**data, "bank": {"has_account": "no"}})
    assert ("bank_statement", None) not in no_account
    assert ("bank_statement", "p1") in no_account


def test_countable_assets_leave_out_what_is_protected() -> None:
    data = {
        **HOUSEHOLD,
        "person_assets:p1": {
            "has_assets": "yes",
            "kinds": ["cash", "vehicles", "property", "insurance"],
            "cash_value": "100.00",
            "vehicles_value": "9000.00",
            "property_value": "200000.00",
            "property_self_used": "yes",
            "insurance_value": "5000.00",
            "insurance_retirement": "yes",
        },
        "person_assets:p2": {
            "has_assets": "yes",
            "kinds": ["property", "insurance"],
            "property_value": "30000.00",
            "property_self_used": "no",
            "insurance_value": "700.00",
            "insurance_retirement": "no",
        },
        "person_assets:p3": {"has_assets": "no"},
    }
    assert countable_assets(Answers(data)) == Decimal("30800.00")
    assert countable_assets(Answers(HOUSEHOLD)) is None


# --- Pages -------------------------------------------------------------------------------------


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable(customer.jobcenter)
    return application_start(request=None, customer=customer, kind="initial")


@pytest.mark.django_db
def test_asset_step_explains_the_protected_amounts(
    customer_client: Client, app: Application
) -> None:
    for key in ("filing", "household"):
        fill_all(customer_client, app, {key: COUPLE[key]})
    page = customer_client.get(step_url(app, "person_assets:p3")).content.decode()
    assert "Vermögen: Mia Kunde" in page
    assert "40.000 €" in page and "15.000 €" in page and "Karenzzeit" in page
    assert "angemessenes Auto" in page
    for label in ("Bargeld", "Bausparverträge", "Kraftfahrzeuge", "Haus- und Grundeigentum"):
        assert label in page
    health = customer_client.get(step_url(app, "person_health_insurance:p3")).content.decode()
    assert "familienversichert" in health
    assert "weiß ich nicht" in health


@pytest.mark.django_db
def test_staff_view_shows_health_and_assets_per_person(
    jc_a: Any, staff_a: Any, staff_client: Any, customer: CustomerProfile
) -> None:
    enable(jc_a)
    answers = {
        **{k: v for k, v in COUPLE_WITH_CHILD.items() if k != "assets"},
        "person_assets:p1": {
            "has_assets": "yes",
            "kinds": ["vehicles"],
            "vehicles_value": "3500.00",
        },
        "person_health_insurance:p3": {"kind": "family", "insurer": "AOK", "family_via": "Karl"},
    }
    application = make_application(customer, answers=answers)
    Application.objects.filter(pk=application.pk).update(form_version=2)
    response = staff_client(staff_a[Role.CASEWORKER]).get(
        f"/{jc_a.slug}/staff/antraege/{application.pk}/"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kraftfahrzeuge: Wert zusammen" in page
    assert "3.500,00 €" in page
    assert "Über wen ist die Person familienversichert?" in page


# --- Version 1 stays usable ------------------------------------------------------------------


@pytest.mark.django_db
def test_version_1_draft_continues_submits_and_prints(
    customer_client: Client,
    app: Application,
    jc_a: Any,
    staff_a: Any,
    staff_client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # A draft stored before version 2 existed.
    Application.objects.filter(pk=app.pk).update(form_version=1)
    app.refresh_from_db()
    assert customer_client.get(step_url(app, "person_assets:p1")).status_code == 404
    fill_all(customer_client, app, COUPLE_V1)
    page = customer_client.get(step_url(app, "assets")).content.decode()
    assert "erhebliches Vermögen" in page
    submit = reverse("customer:application_submit", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    assert "AOK Hessen" in customer_client.get(submit).content.decode()
    # After the commit the worker draws the PDFs (the download never draws them).
    with django_capture_on_commit_callbacks(execute=True):
        assert customer_client.post(submit, {"idempotency_key": "v1"}).status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RECEIVED
    assert app.submitted_data is not None
    assert app.submitted_data["form"] == {"key": "initial", "version": 1}
    assert app.submitted_data["$schema"].endswith("/application/1")
    pdf = customer_client.get(
        reverse("customer:application_summary_pdf", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    )
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "AOK Hessen" in text
    staff = staff_client(staff_a[Role.CASEWORKER]).get(f"/{jc_a.slug}/staff/antraege/{app.pk}/")
    assert staff.status_code == 200
    assert "AOK Hessen" in staff.content.decode()


@pytest.mark.django_db
def test_household_step_post_keeps_working_on_version_2(
    customer_client: Client, app: Application
) -> None:
    fill_all(customer_client, app, {"filing": COUPLE["filing"]})
    response = customer_client.post(step_url(app, "household"), post_data(COUPLE["household"]))
    assert response.status_code == 302

"""Co-signing by each adult of the benefit unit (issue 25 §4)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application
from openjobcenter.applications.pdf import render_summary
from openjobcenter.core.models import OutboxItem
from openjobcenter.mandates import services_cosign
from openjobcenter.mandates.models import Cosignature, CosignCorrection, CosignState
from openjobcenter.mandates.selectors_cosign import pdf_rows
from openjobcenter.mandates.services import MandateError
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import COUPLE_WITH_CHILD, make_application
from tests.conftest import login_with_mfa, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(mandates_on: Jobcenter, customer: CustomerProfile) -> Application:
    return make_application(customer)  # Karl, partner Eva (adult), child Mia


@pytest.fixture
def partner() -> User:
    return make_user("eva@example.org", "Eva", "Kunde")


def _invite(customer: CustomerProfile, application: Application, **body: Any) -> tuple[Client, str]:
    client = Client()
    client.force_login(customer.user)
    url = reverse("customer:cosign_overview", kwargs={"jc": "fulda", "pk": application.pk})
    page = client.get(url)
    assert page.status_code == 200
    row = Cosignature.objects.get(application=application)
    response = client.post(url, {"cosignature": row.pk, **body})
    return client, response.context["code"]


def test_only_the_other_adults_are_asked(
    application: Application, customer: CustomerProfile
) -> None:
    rows = services_cosign.cosign_prepare(application=application)
    assert [(r.person_id, r.person_name) for r in rows] == [("p2", "Eva Kunde")]
    # Idempotent.
    assert len(services_cosign.cosign_prepare(application=application)) == 1


def test_invited_adult_confirms_their_own_data(
    application: Application,
    customer: CustomerProfile,
    partner: User,
    staff_a: dict[Role, User],
    outbox: list[Any],
) -> None:
    filed_at = application.filed_at
    _c, code = _invite(customer, application, email="eva@example.org")
    assert code
    client = Client()
    client.force_login(partner)
    claimed = client.post(reverse("tenant:cosign_claim", kwargs={"jc": "fulda"}), {"code": code})
    assert claimed.status_code == 302
    row = Cosignature.objects.get()
    assert row.signer == partner and row.code_hash is None
    detail_url = reverse("tenant:cosign_detail", kwargs={"jc": "fulda", "pk": row.pk})
    page = client.get(detail_url).content.decode()
    assert "Eva" in page
    assert "Mia" not in page  # only the parts that concern her
    # Confirming needs the declarations.
    refused = client.post(detail_url, {"decision": "confirmed"})
    assert refused.status_code == 422
    assert "Erklärungen" in refused.content.decode()
    row.refresh_from_db()
    assert row.state == CosignState.OPEN
    client.post(detail_url, {"decision": "confirmed", "declarations": "on"})
    row.refresh_from_db()
    assert row.state == CosignState.CONFIRMED and row.decided_at is not None
    application.refresh_from_db()
    assert application.filed_at == filed_at  # the filing date never moves
    assert OutboxItem.objects.filter(topic=services_cosign.PDF_TOPIC).exists()
    (pdf,) = pdf_rows(application)
    assert pdf.state == "Bestätigt und unterschrieben" and pdf.signer == "eva@example.org"
    staff = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    staff_page = staff.get(
        reverse("staff:application", kwargs={"jc": "fulda", "pk": application.pk})
    )
    assert "Bestätigt und unterschrieben" in staff_page.content.decode()


@pytest.mark.parametrize(
    ("decision", "correction", "state"),
    [
        ("represented", "", CosignState.REPRESENTED),
        ("objected", "Ich wohne hier nicht mehr.", CosignState.OBJECTED),
    ],
)
def test_other_answers(
    application: Application,
    customer: CustomerProfile,
    partner: User,
    decision: str,
    correction: str,
    state: str,
) -> None:
    _c, code = _invite(customer, application)
    row = services_cosign.cosign_claim(
        request=None, user=partner, jobcenter=application.jobcenter, code=code
    )
    services_cosign.cosign_decide(
        request=None,
        user=partner,
        cosignature=row,
        decision=decision,
        declarations=True,
        correction=correction,
    )
    row.refresh_from_db()
    assert row.state == state
    assert row.correction == correction


def test_objection_needs_a_reason(
    application: Application, customer: CustomerProfile, partner: User
) -> None:
    _c, code = _invite(customer, application)
    row = services_cosign.cosign_claim(
        request=None, user=partner, jobcenter=application.jobcenter, code=code
    )
    with pytest.raises(MandateError):
        services_cosign.cosign_decide(
            request=None, user=partner, cosignature=row, decision="objected", declarations=False
        )


def test_strangers_get_404(
    application: Application, customer: CustomerProfile, customer2: CustomerProfile, partner: User
) -> None:
    _c, code = _invite(customer, application)
    row = services_cosign.cosign_claim(
        request=None, user=partner, jobcenter=application.jobcenter, code=code
    )
    other = Client()
    other.force_login(customer2.user)
    detail = reverse("tenant:cosign_detail", kwargs={"jc": "fulda", "pk": row.pk})
    assert other.get(detail).status_code == 404
    assert other.post(detail, {"decision": "objected", "correction": "x"}).status_code == 404
    assert (
        other.get(
            reverse("customer:cosign_overview", kwargs={"jc": "fulda", "pk": application.pk})
        ).status_code
        == 404
    )
    # A used code does not work twice.
    response = other.post(reverse("tenant:cosign_claim", kwargs={"jc": "fulda"}), {"code": code})
    assert response.status_code == 422
    row.refresh_from_db()
    assert row.state == CosignState.OPEN and row.signer == partner


def test_applicant_cannot_claim_their_own_invitation(
    application: Application, customer: CustomerProfile
) -> None:
    client, code = _invite(customer, application)
    response = client.post(reverse("tenant:cosign_claim", kwargs={"jc": "fulda"}), {"code": code})
    assert response.status_code == 422
    assert Cosignature.objects.get().signer is None


# --- Corrections, field by field -------------------------------------------------------------

EVA_EARNS = {
    **COUPLE_WITH_CHILD,
    "income:p2": {
        "kinds": ["employment"],
        "employer": "Praxis Dr. Weber",
        "gross_earnings": "600.00",
        "net_earnings": "480.00",
    },
}


@pytest.fixture
def claimed(
    mandates_on: Jobcenter, customer: CustomerProfile, partner: User
) -> tuple[Application, Cosignature, Client]:
    application = make_application(customer, answers=EVA_EARNS)
    _c, code = _invite(customer, application)
    row = services_cosign.cosign_claim(
        request=None, user=partner, jobcenter=application.jobcenter, code=code
    )
    client = Client()
    client.force_login(partner)
    return application, row, client


def _detail(row: Cosignature) -> str:
    return reverse("tenant:cosign_detail", kwargs={"jc": "fulda", "pk": row.pk})


def test_adult_corrects_their_own_fields_and_staff_and_pdf_show_old_and_new(
    claimed: tuple[Application, Cosignature, Client], staff_a: dict[Role, User]
) -> None:
    application, row, client = claimed
    page = client.get(_detail(row)).content.decode()
    # One input per own field, with what the application says.
    assert 'name="fix:members.birth_date"' in page
    assert 'name="fix:income:p2.net_earnings"' in page
    assert "Im Antrag: 30.09.1988" in page
    assert "Im Antrag: 480,00 €" in page
    assert "fix:income:p1" not in page  # never the applicant's answers
    response = client.post(
        _detail(row),
        {
            "decision": "corrected",
            "declarations": "on",
            "fix:members.birth_date": "30.10.1988",
            "fix:income:p2.net_earnings": "520,00",
            "fix:members.first_name": "Eva",  # unchanged: no correction
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == CosignState.CORRECTED and row.decided_at is not None
    fixes = {c.field_key: c for c in CosignCorrection.objects.filter(cosignature=row)}
    assert set(fixes) == {"members.birth_date", "income:p2.net_earnings"}
    birth = fixes["members.birth_date"]
    assert (birth.label, birth.old_value, birth.new_value, birth.new_canonical) == (
        "Haushalt: Geburtsdatum",
        "30.09.1988",
        "30.10.1988",
        "1988-10-30",
    )
    net = fixes["income:p2.net_earnings"]
    assert (net.label, net.old_value, net.new_value, net.new_canonical) == (
        "Einkommen: Nettolohn",
        "480,00 €",
        "520,00 €",
        "520.00",
    )
    # The adult sees what they corrected.
    done = client.get(_detail(row)).content.decode()
    assert "Korrigierte Angaben" in done and "520,00 €" in done
    # Staff see who corrected what and when, old beside new.
    staff = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    html = staff.get(
        reverse("staff:application", kwargs={"jc": "fulda", "pk": application.pk})
    ).content.decode()
    assert "Korrekturen von Eva Kunde" in html
    assert "Haushalt: Geburtsdatum" in html and "30.09.1988" in html and "30.10.1988" in html
    assert "Konto: eva@example.org" in html
    # The application PDF: wer hat was wann bestätigt/korrigiert.
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(render_summary(application))).pages
    )
    flat = " ".join(text.split())
    assert "Bestätigt mit Korrektur" in flat and "eva@example.org" in flat
    assert "Korrekturen von Eva Kunde" in flat
    assert "Einkommen: Nettolohn 480,00 € 520,00 €" in flat
    assert "Haushalt: Geburtsdatum 30.09.1988 30.10.1988" in flat


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"fix:members.birth_date": "31.02.1990"},
            "Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.01.1980.",
        ),
        ({"fix:members.birth_date": "01.01.2090"}, "Das Datum darf nicht in der Zukunft liegen."),
        ({"fix:income:p2.net_earnings": "-5"}, "Der Betrag darf nicht negativ sein."),
        (
            {"fix:income:p2.net_earnings": "viel"},
            "Bitte geben Sie einen Betrag in Euro an, zum Beispiel 450,00.",
        ),
        ({"fix:members.last_name": "x" * 101}, "höchstens 100 Zeichen"),
        ({}, "Bitte tragen Sie bei mindestens einer Angabe den richtigen Wert ein."),
    ],
)
def test_bad_corrections_are_refused_with_the_forms_message_and_nothing_is_stored(
    claimed: tuple[Application, Cosignature, Client], fields: dict[str, str], message: str
) -> None:
    _application, row, client = claimed
    outbox_before = OutboxItem.objects.filter(topic=services_cosign.PDF_TOPIC).count()
    response = client.post(
        _detail(row),
        {
            "decision": "corrected",
            "declarations": "on",
            "fix:income:p2.employer": "Praxis Dr. Weber-Neu",
            **fields,
        }
        if fields
        else {"decision": "corrected", "declarations": "on"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    if fields:
        assert 'aria-invalid="true"' in html
        assert "Praxis Dr. Weber-Neu" in html  # what was typed stays in the form
    row.refresh_from_db()
    assert row.state == CosignState.OPEN and row.decided_at is None
    assert not CosignCorrection.objects.exists()
    assert OutboxItem.objects.filter(topic=services_cosign.PDF_TOPIC).count() == outbox_before


def test_api_corrections_field_by_field(claimed: tuple[Application, Cosignature, Client]) -> None:
    _application, row, client = claimed
    url = f"/api/v1/mandates/fulda/cosign/{row.pk}/confirm"
    # Another person's answers are not the adult's to correct: 422, nothing stored.
    refused = client.post(
        url,
        {
            "decision": "corrected",
            "declarations": True,
            "corrections": {"income:p1.net_earnings": "1,00", "members.birth_date": "x"},
        },
        content_type="application/json",
    )
    assert refused.status_code == 422
    detail = {tuple(d["loc"]): d["msg"] for d in refused.json()["detail"]}
    assert detail[("body", "corrections", "income:p1.net_earnings")] == (
        "Diese Angabe können Sie hier nicht korrigieren."
    )
    assert detail[("body", "corrections", "members.birth_date")].startswith("Bitte geben Sie")
    assert not CosignCorrection.objects.exists()
    ok = client.post(
        url,
        {
            "decision": "corrected",
            "declarations": True,
            "corrections": {"income:p2.employer": "Praxis Dr. Weber-Neu"},
        },
        content_type="application/json",
    )
    assert ok.status_code == 200
    [fix] = ok.json()["corrections"]
    assert fix["field"] == "income:p2.employer"
    assert fix["old_value"] == "Praxis Dr. Weber"
    assert fix["new_value"] == "Praxis Dr. Weber-Neu"
    # Answered once: a second answer is refused.
    again = client.post(
        url, {"decision": "represented", "declarations": False}, content_type="application/json"
    )
    assert again.status_code == 422
    row.refresh_from_db()
    assert row.state == CosignState.CORRECTED

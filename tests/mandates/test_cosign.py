"""Co-signing by each adult of the benefit unit (issue 25 §4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application
from openjobcenter.core.models import OutboxItem
from openjobcenter.mandates import services_cosign
from openjobcenter.mandates.models import Cosignature, CosignState
from openjobcenter.mandates.selectors_cosign import pdf_rows
from openjobcenter.mandates.services import MandateError
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import make_application
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
        ("corrected", "Geburtsdatum 30.10.1988", CosignState.CORRECTED),
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

"""The back-office system deposits notices with the job centre's token (issue 25 §2):
created by the admin (shown once, stored hashed), scoped, revocable, audited,
rate-limited; without, with a wrong, a revoked or another job centre's token: 401/403
and nothing stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.postbox import backoffice, services
from openjobcenter.postbox.models import BackOfficeToken, Channel, Notice
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa
from tests.postbox.conftest import make_pdf

pytestmark = pytest.mark.django_db


def _url(customer: CustomerProfile, jc: str = "fulda") -> str:
    return f"/api/v1/postbox/{jc}/backoffice/customers/{customer.customer_number}/notices"


def _form(pdf: bytes | None = None) -> dict[str, object]:
    return {
        "kind": "grant",
        "dated": "2026-03-02",
        "file": SimpleUploadedFile("bescheid.pdf", pdf or make_pdf(), "application/pdf"),
    }


def _bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def admin_client(staff_a: dict[Role, User]) -> Client:
    client = Client()
    login_with_mfa(client, staff_a[Role.ADMIN])
    return client


def _create(admin_client: Client, name: str = "OPEN/PROSOZ") -> str:
    page = admin_client.post(
        reverse("staff:postbox_tokens", kwargs={"jc": "fulda"}), {"name": name}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-token-key" in html
    return html.split('<code class="token-key">')[1].split("</code>")[0]


def test_admin_creates_a_token_shown_once_and_the_back_office_deposits(
    postbox_on: Jobcenter,
    customer: CustomerProfile,
    admin_client: Client,
    staff_a: dict[Role, User],
) -> None:
    services.consent_set(request=None, customer=customer, electronic=True)
    key = _create(admin_client)
    assert key.startswith("ojcb_")
    token = BackOfficeToken.objects.get()
    assert token.key_hash == backoffice.hash_key(key) and key not in token.key_hash
    assert token.scope == "notices.deposit"
    # Shown once: the list shows the beginning only.
    listing = admin_client.get(
        reverse("staff:postbox_tokens", kwargs={"jc": "fulda"})
    ).content.decode()
    assert key not in listing and token.prefix in listing and "OPEN/PROSOZ" in listing
    created = AuditEntry.objects.get(object_type="backoffice_token", action="create")
    assert created.actor == staff_a[Role.ADMIN]

    response = _bearer(key).post(_url(customer), _form())
    assert response.status_code == 201, response.content
    notice = Notice.objects.get(pk=response.json()["id"])
    assert notice.customer == customer and notice.channel == Channel.ELECTRONIC
    assert notice.created_by is None and notice.deposited_via == token
    entry = AuditEntry.objects.get(object_type="notice", object_id=str(notice.pk))
    assert entry.actor is None and f"backoffice-token:{token.pk}" in entry.detail
    token.refresh_from_db()
    assert token.last_used_at is not None
    # The checks are the same as staff's: a PDF with JavaScript is refused, nothing stored.
    refused = _bearer(key).post(_url(customer), _form(make_pdf(js=True)))
    assert refused.status_code == 422
    assert Notice.objects.count() == 1


def test_refused_without_wrong_revoked_or_foreign_token(
    postbox_on: Jobcenter,
    jc_b: Jobcenter,
    customer: CustomerProfile,
    customer_b: CustomerProfile,
    admin_client: Client,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
) -> None:
    key = _create(admin_client)
    assert Client().post(_url(customer), _form()).status_code == 401
    assert _bearer("ojcb_" + "x" * 43).post(_url(customer), _form()).status_code == 401
    assert _bearer("kein-schluessel").post(_url(customer), _form()).status_code == 401
    # A staff session is no token: 401 (a person deposits through the staff operation).
    staff = Client()
    login_with_mfa(staff, staff_a[Role.CASEWORKER])
    assert staff.post(_url(customer), _form()).status_code == 401
    # Job centre A's token for job centre B: 403.
    assert _bearer(key).post(_url(customer_b, jc_b.slug), _form()).status_code == 403
    # An unknown customer number in A: 404.
    unknown = "/api/v1/postbox/fulda/backoffice/customers/X-0000/notices"
    assert _bearer(key).post(unknown, _form()).status_code == 404
    token = BackOfficeToken.objects.get()
    revoke = admin_client.post(
        reverse("staff:postbox_token_revoke", kwargs={"jc": "fulda", "pk": token.pk})
    )
    assert revoke.status_code == 302
    assert _bearer(key).post(_url(customer), _form()).status_code == 401
    assert not Notice.objects.exists()
    assert AuditEntry.objects.filter(object_type="backoffice_token", action="update").count() == 1
    # Another job centre's admin cannot see or revoke A's token.
    other = Client()
    login_with_mfa(other, staff_b[Role.ADMIN])
    page = other.get(reverse("staff:postbox_tokens", kwargs={"jc": jc_b.slug})).content.decode()
    assert token.prefix not in page
    assert (
        other.post(
            reverse("staff:postbox_token_revoke", kwargs={"jc": jc_b.slug, "pk": token.pk})
        ).status_code
        == 404
    )


def test_only_the_admin_manages_tokens_and_a_name_is_required(
    postbox_on: Jobcenter, staff_a: dict[Role, User], admin_client: Client
) -> None:
    url = reverse("staff:postbox_tokens", kwargs={"jc": "fulda"})
    caseworker = Client()
    login_with_mfa(caseworker, staff_a[Role.CASEWORKER])
    assert caseworker.get(url).status_code == 403
    assert caseworker.post(url, {"name": "x"}).status_code == 403
    empty = admin_client.post(url, {"name": "  "})
    assert empty.status_code == 422
    assert "Bitte geben Sie eine Bezeichnung an." in empty.content.decode()
    assert not BackOfficeToken.objects.exists()


def test_rate_limited_per_token(
    postbox_on: Jobcenter,
    customer: CustomerProfile,
    admin_client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backoffice.DEPOSIT_THROTTLE, "num_requests", 2)
    key = _create(admin_client)
    second = _create(admin_client, "Zweites Verfahren")
    assert [_bearer(key).post(_url(customer), _form()).status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]
    assert Notice.objects.count() == 2
    # Another token has its own allowance.
    assert _bearer(second).post(_url(customer), _form()).status_code == 201


def test_openapi_names_the_back_office_security() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    operation = spec["paths"][
        "/api/v1/postbox/{jc}/backoffice/customers/{customer_number}/notices"
    ]["post"]
    assert operation["security"] == [{"BackOfficeAuth": []}]

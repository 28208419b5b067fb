"""The admin's certificate upload: validity shown, expiry warning, and every refusal in
German with 400 and nothing stored; the private key sealed at rest."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.cards.models import WalletSettings
from openjobcenter.tenants.models import Jobcenter
from tests.cards.certs import PASSWORD, PKI, make_pki

pytestmark = pytest.mark.django_db


def _url(jc: Jobcenter) -> str:
    return reverse("staff:card_settings", kwargs={"jc": jc.slug})


def _post(client: Client, jc: Jobcenter, data: bytes, password: str) -> object:
    return client.post(
        _url(jc),
        {
            "action": "certificate",
            "certificate": SimpleUploadedFile("pass.p12", data),
            "password": password,
        },
    )


def test_upload_shows_validity_and_seals_the_key(
    card_on: Jobcenter, staff_a: dict[Role, User], staff_client: object, pki: PKI
) -> None:
    client = staff_client(staff_a[Role.ADMIN])  # type: ignore[operator]
    page = client.get(_url(card_on))
    assert page.status_code == 200
    assert "Es ist kein Pass-Zertifikat hinterlegt." in page.content.decode()
    response = client.post(
        _url(card_on),
        {
            "action": "certificate",
            "certificate": SimpleUploadedFile("pass.p12", pki.p12),
            "password": PASSWORD,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Das Pass-Zertifikat ist gespeichert." in html
    # shown in the job centre's time (Berlin): after 23:00 UTC the date is a day later
    assert timezone.localtime(pki.leaf.not_valid_after_utc).strftime("%d.%m.%Y") in html
    assert 'data-cert-state="valid"' in html
    config = WalletSettings.objects.get(jobcenter=card_on)
    assert config.apple_configured
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_key_sealed FROM cards_walletsettings WHERE id = %s", [config.pk]
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("OJCT1:")
    assert "PRIVATE KEY" not in raw
    assert "PRIVATE KEY" in str(config.private_key_sealed)


def test_expiry_warning_within_30_days(
    card_on: Jobcenter, staff_a: dict[Role, User], staff_client: object
) -> None:
    client = staff_client(staff_a[Role.ADMIN])  # type: ignore[operator]
    soon = make_pki(days_valid=10)
    html = client.post(
        _url(card_on),
        {
            "action": "certificate",
            "certificate": SimpleUploadedFile("p.p12", soon.p12),
            "password": PASSWORD,
        },
        follow=True,
    ).content.decode()
    assert "Das Zertifikat läuft in weniger als 30 Tagen ab." in html


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("password", "Das Passwort passt nicht zu dieser Zertifikatsdatei."),
        ("file", "ist kein Zertifikat im Format PKCS #12"),
        ("expired", "abgelaufen"),
    ],
)
def test_refused_upload_is_400_in_german_and_stores_nothing(
    card_on: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: object,
    pki: PKI,
    case: str,
    message: str,
) -> None:
    client = staff_client(staff_a[Role.ADMIN])  # type: ignore[operator]
    if case == "password":
        data, password = pki.p12, "falsch"
    elif case == "file":
        data, password = b"%PDF-1.4 not a certificate", PASSWORD
    else:
        data, password = make_pki(expired=True).p12, PASSWORD
    response = _post(client, card_on, data, password)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert not WalletSettings.objects.exists()


def test_google_issuer_gives_a_signed_save_link(
    card_on: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: object,
    customer: CustomerProfile,
) -> None:
    import jwt

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    account = json.dumps(
        {"client_email": "wallet@example.iam.gserviceaccount.com", "private_key": pem}
    )
    client = staff_client(staff_a[Role.ADMIN])  # type: ignore[operator]
    bad = client.post(
        _url(card_on),
        {
            "action": "google",
            "issuer_id": "123",
            "service_account": SimpleUploadedFile("k.json", b"{}"),
        },
    )
    assert bad.status_code == 400
    assert not WalletSettings.objects.exists()
    client.post(
        _url(card_on),
        {
            "action": "google",
            "issuer_id": "3388000000012345678",
            "service_account": SimpleUploadedFile("k.json", account.encode()),
        },
    )
    client.logout()
    client.force_login(customer.user)
    page = client.get(reverse("customer:card", kwargs={"jc": card_on.slug})).content.decode()
    assert "Zu Google Wallet hinzufügen" in page
    response = client.get(reverse("customer:card_google", kwargs={"jc": card_on.slug}))
    assert response.status_code == 302
    token = response["Location"].rsplit("/", 1)[1]
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"], audience="google")
    assert claims["typ"] == "savetowallet"
    obj = claims["payload"]["genericObjects"][0]
    assert obj["barcode"]["value"].startswith("OJC1:")


def test_only_admin_of_this_jobcenter(
    card_on: Jobcenter,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    staff_client: object,
) -> None:
    assert staff_client(staff_a[Role.RECEPTION]).get(_url(card_on)).status_code == 403  # type: ignore[operator]
    assert staff_client(staff_b[Role.ADMIN]).get(_url(card_on)).status_code == 404  # type: ignore[operator]

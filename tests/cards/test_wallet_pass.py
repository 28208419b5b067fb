"""The Apple Wallet pass checked against PassKit's rules: pass.json's required keys, a
manifest with the SHA-1 of every file, and a detached PKCS #7 signature over the manifest
that verifies against the test CA (our WWDR stand-in)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs7
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.cards.models import CustomerCard, PassDevice, WalletSettings
from openjobcenter.cards.services import card_block, card_issue
from openjobcenter.tenants.models import Jobcenter
from tests.cards.certs import PASS_TYPE, PKI, TEAM

pytestmark = pytest.mark.django_db

REQUIRED = (
    "formatVersion",
    "passTypeIdentifier",
    "serialNumber",
    "teamIdentifier",
    "organizationName",
    "description",
)


def _download(client: Client, jc: Jobcenter) -> bytes:
    response = client.get(reverse("customer:card_pkpass", kwargs={"jc": jc.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.pkpass"
    return bytes(response.content)


def _verify_signature(files: dict[str, bytes], pki: PKI, tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_bytes(files["manifest.json"])
    (tmp_path / "signature").write_bytes(files["signature"])
    (tmp_path / "ca.pem").write_bytes(pki.ca_pem)
    result = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "signature"),
            "-content",
            str(tmp_path / "manifest.json"),
            "-CAfile",
            str(tmp_path / "ca.pem"),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()


def test_pkpass_follows_passkit_rules(
    wallet: WalletSettings,
    customer: CustomerProfile,
    customer_client: Client,
    pki: PKI,
    tmp_path: Path,
) -> None:
    card = card_issue(customer=customer)
    data = _download(customer_client, wallet.jobcenter)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert {"pass.json", "manifest.json", "signature", "icon.png", "logo.png"} <= set(files)
    doc = json.loads(files["pass.json"])
    for key in REQUIRED:
        assert key in doc, key
    assert doc["formatVersion"] == 1
    assert doc["passTypeIdentifier"] == PASS_TYPE
    assert doc["teamIdentifier"] == TEAM
    assert doc["serialNumber"] == str(card.pass_serial)
    assert doc["organizationName"] == wallet.jobcenter.name
    assert doc["webServiceURL"].endswith("/passkit/")
    assert len(doc["authenticationToken"]) >= 16
    assert "storeCard" in doc
    barcode = doc["barcodes"][0]
    assert barcode["format"] == "PKBarcodeFormatQR"
    assert barcode["message"] == card.payload
    assert barcode["messageEncoding"] == "iso-8859-1"
    assert doc["backgroundColor"].startswith("rgb(")
    fields = {f["key"]: f["value"] for f in doc["storeCard"]["secondaryFields"]}
    assert fields["number"] == "A-1001"
    assert "voided" not in doc
    # The manifest lists every other file with its SHA-1, and nothing else.
    manifest = json.loads(files["manifest.json"])
    assert set(manifest) == set(files) - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(files[name]).hexdigest() == digest  # noqa: S324
    assert files["icon.png"].startswith(b"\x89PNG")
    # Detached PKCS #7 (DER) with the leaf and the intermediate, verifying against the CA.
    certs = pkcs7.load_der_pkcs7_certificates(files["signature"])
    assert {c.subject for c in certs} == {pki.leaf.subject, pki.ca.subject}
    assert files["manifest.json"] not in files["signature"]  # detached
    _verify_signature(files, pki, tmp_path)
    # A tampered manifest does not verify.
    files["manifest.json"] = files["manifest.json"].replace(b"}", b', "x": "0"}')
    with pytest.raises(AssertionError):
        _verify_signature(files, pki, tmp_path)


def test_page_offers_the_pass_and_marks_an_outdated_copy(
    wallet: WalletSettings, customer: CustomerProfile, customer_client: Client
) -> None:
    page = reverse("customer:card", kwargs={"jc": wallet.jobcenter.slug})
    html = customer_client.get(page).content.decode()
    assert "Zu Apple Wallet hinzufügen" in html
    assert "nicht mehr aktuell" not in html
    _download(customer_client, wallet.jobcenter)
    assert "nicht mehr aktuell" not in customer_client.get(page).content.decode()
    card = CustomerCard.objects.get(customer=customer)
    CustomerCard.objects.filter(pk=card.pk).update(
        pass_updated_at=card.pass_downloaded_at.replace(year=card.pass_downloaded_at.year + 1)  # type: ignore[union-attr]
    )
    html = customer_client.get(page).content.decode()
    assert "Die Karte in Ihrer Apple Wallet ist nicht mehr aktuell." in html


def _auth(card: CustomerCard) -> dict[str, str]:
    return {"Authorization": f"ApplePass {card.pass_auth_sealed}"}


def test_passkit_web_service(
    wallet: WalletSettings, customer: CustomerProfile, client: Client
) -> None:
    card = card_issue(customer=customer)
    reg = f"/passkit/v1/devices/dev-1/registrations/{PASS_TYPE}/{card.pass_serial}"
    body = json.dumps({"pushToken": "abc123"})
    # Without and with a wrong token: 401, nothing stored.
    assert client.post(reg, body, content_type="application/json").status_code == 401
    wrong = {"Authorization": "ApplePass " + "x" * 43}
    assert client.post(reg, body, content_type="application/json", headers=wrong).status_code == 401
    other = f"/passkit/v1/devices/dev-1/registrations/pass.other/{card.pass_serial}"
    assert (
        client.post(other, body, content_type="application/json", headers=_auth(card)).status_code
        == 401
    )
    assert not PassDevice.objects.exists()
    # Register: 201, again: 200.
    assert (
        client.post(reg, body, content_type="application/json", headers=_auth(card)).status_code
        == 201
    )
    assert (
        client.post(reg, body, content_type="application/json", headers=_auth(card)).status_code
        == 200
    )
    assert PassDevice.objects.filter(card=card, push_token="abc123").count() == 1
    # Serial numbers updated since.
    listing = f"/passkit/v1/devices/dev-1/registrations/{PASS_TYPE}"
    response = client.get(listing)
    assert response.status_code == 200
    data = response.json()
    assert data["serialNumbers"] == [str(card.pass_serial)]
    tag = data["lastUpdated"]
    assert client.get(listing, {"passesUpdatedSince": tag}).status_code == 204
    assert client.get(listing, {"passesUpdatedSince": "nonsense"}).status_code == 400
    # Latest pass: auth needed; If-Modified-Since answered with 304.
    latest = f"/passkit/v1/passes/{PASS_TYPE}/{card.pass_serial}"
    assert client.get(latest).status_code == 401
    assert client.get(latest, headers=wrong).status_code == 401
    response = client.get(latest, headers=_auth(card))
    assert response.status_code == 200
    modified = response["Last-Modified"]
    assert (
        client.get(latest, HTTP_IF_MODIFIED_SINCE=modified, headers=_auth(card)).status_code == 304
    )
    # Blocking marks the pass updated: listed again, served voided.
    card.pass_updated_at = card.pass_updated_at.replace(year=2000)
    card.save(update_fields=["pass_updated_at"])
    card_block(card=card, actor=customer.user)
    assert client.get(listing, {"passesUpdatedSince": tag}).json()["serialNumbers"] == [
        str(card.pass_serial)
    ]
    response = client.get(latest, HTTP_IF_MODIFIED_SINCE=http_date(0), headers=_auth(card))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert json.loads(archive.read("pass.json"))["voided"] is True
    # Log and unregister.
    assert (
        client.post(
            "/passkit/v1/log", json.dumps({"logs": ["x"]}), content_type="application/json"
        ).status_code
        == 200
    )
    assert client.delete(reg).status_code == 401
    assert client.delete(reg, headers=_auth(card)).status_code == 200
    assert not PassDevice.objects.exists()


def test_no_pass_without_certificate(
    card_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    card_issue(customer=customer)
    response = customer_client.get(reverse("customer:card_pkpass", kwargs={"jc": card_on.slug}))
    assert response.status_code == 404

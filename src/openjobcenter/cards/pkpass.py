"""The Apple Wallet pass (``.pkpass``) of a customer card, built by PassKit's rules.

A pass is a zip of ``pass.json``, images, ``manifest.json`` (the SHA-1 of every other
file) and ``signature``: a detached PKCS #7 signature (DER) over ``manifest.json`` by the
job centre's pass certificate, with Apple's WWDR intermediate certificate included.
Without a configured certificate there is no pass (``WalletNotConfigured``)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openjobcenter.cards.models import CardStatus

if TYPE_CHECKING:
    from openjobcenter.cards.models import CustomerCard, WalletSettings
    from openjobcenter.cards.selectors import CardView


class WalletNotConfiguredError(Exception):
    """The job centre has no pass certificate: no pass can be signed."""


@dataclass(frozen=True)
class Signer:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    intermediates: tuple[x509.Certificate, ...]


def signer_for(config: WalletSettings | None) -> Signer:
    if config is None or not config.apple_configured:
        raise WalletNotConfiguredError
    cert = x509.load_pem_x509_certificate(config.certificate_pem.encode())
    key = serialization.load_pem_private_key(str(config.private_key_sealed).encode(), None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise WalletNotConfiguredError
    chain = (
        tuple(x509.load_pem_x509_certificates(config.wwdr_pem.encode())) if config.wwdr_pem else ()
    )
    return Signer(cert, key, chain)


def sign_manifest(manifest: bytes, signer: Signer) -> bytes:
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(signer.certificate, signer.private_key, hashes.SHA256())
    )
    for extra in signer.intermediates:
        builder = builder.add_certificate(extra)
    return builder.sign(
        serialization.Encoding.DER,
        [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
    )


def _rgb(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    if len(value) != 6:
        value = "1d4f91"
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def _png(size: int, colour: str) -> bytes:
    """The platform icon scaled to ``size`` px on the job centre's colour."""
    from PIL import Image

    path = finders.find("web/icon-192.png")
    base = Image.new("RGBA", (size, size), colour)
    if isinstance(path, str):
        with Image.open(path) as icon:
            base = icon.convert("RGBA").resize((size, size))
    out = io.BytesIO()
    base.save(out, format="PNG")
    return out.getvalue()


def _logo_png(card: CustomerCard, colour: str) -> bytes:
    """The job centre's logo if it is a PNG (at most 160 × 50 pt), else the icon."""
    from django.core.files.storage import default_storage
    from PIL import Image

    logo = card.jobcenter.logo
    if logo and logo.name and default_storage.exists(logo.name):
        try:
            with default_storage.open(logo.name, "rb") as handle, Image.open(handle) as img:
                img.thumbnail((320, 100))
                out = io.BytesIO()
                img.convert("RGBA").save(out, format="PNG")
                return out.getvalue()
        except (OSError, ValueError):
            pass
    return _png(100, colour)


def web_service_url() -> str:
    return f"{settings.SITE_URL}/passkit/"


def pass_json(view: CardView, config: WalletSettings) -> dict[str, Any]:
    card = view.card
    customer = card.customer
    jobcenter = card.jobcenter
    colour = jobcenter.primary_colour or "#1d4f91"
    secondary: list[dict[str, Any]] = [
        {"key": "number", "label": _("Kundennummer"), "value": customer.customer_number or ""}
    ]
    if view.next_appointment is not None:
        start = timezone.localtime(view.next_appointment.starts_at)
        secondary.append(
            {
                "key": "appointment",
                "label": _("Nächster Termin"),
                "value": formats.date_format(start, "DATETIME_FORMAT"),
            }
        )
    data: dict[str, Any] = {
        "formatVersion": 1,
        "passTypeIdentifier": config.pass_type_identifier,
        "teamIdentifier": config.team_identifier,
        "serialNumber": str(card.pass_serial),
        "organizationName": jobcenter.name,
        "description": _("Kundenkarte des Jobcenters"),
        "logoText": jobcenter.name,
        "webServiceURL": web_service_url(),
        "authenticationToken": str(card.pass_auth_sealed),
        "backgroundColor": _rgb(colour),
        "foregroundColor": "rgb(255, 255, 255)",
        "labelColor": "rgb(255, 255, 255)",
        "sharingProhibited": True,
        "storeCard": {
            "primaryFields": [
                {"key": "name", "label": _("Name"), "value": customer.user.display_name}
            ],
            "secondaryFields": secondary,
            "backFields": [
                {
                    "key": "help",
                    "label": _("Karte verloren?"),
                    "value": _(
                        "Sperren Sie die Karte in Ihrem Kundenportal unter „Kundenkarte“. "
                        "Der QR-Code ist dann sofort ungültig."
                    ),
                }
            ],
        },
        "barcodes": [
            {
                "format": "PKBarcodeFormatQR",
                "message": card.payload,
                "messageEncoding": "iso-8859-1",
            }
        ],
    }
    if card.status != CardStatus.ACTIVE:
        data["voided"] = True
    return data


def build_pkpass(view: CardView, config: WalletSettings | None) -> bytes:
    signer = signer_for(config)
    assert config is not None  # noqa: S101 - signer_for refused None
    colour = view.card.jobcenter.primary_colour or "#1d4f91"
    files: dict[str, bytes] = {
        "pass.json": json.dumps(pass_json(view, config), ensure_ascii=False).encode(),
        "icon.png": _png(29, colour),
        "icon@2x.png": _png(58, colour),
        "logo.png": _logo_png(view.card, colour),
    }
    manifest = json.dumps(
        {name: hashlib.sha1(data).hexdigest() for name, data in files.items()},  # noqa: S324
        sort_keys=True,
    ).encode()
    files["manifest.json"] = manifest
    files["signature"] = sign_manifest(manifest, signer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()

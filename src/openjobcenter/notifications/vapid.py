"""The VAPID key pair for Web Push: from settings, or generated once into the database."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, transaction

from openjobcenter.notifications.models import VapidKey


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_pair() -> tuple[str, str]:
    """A new P-256 key pair as (raw private key, uncompressed public point), base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(private), _b64url(public)


def vapid_keys() -> tuple[str, str]:
    """(private, public) in base64url; the public one is the browser's applicationServerKey."""
    if settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY
    found = VapidKey.objects.filter(singleton=1).first()
    if found is None:
        private, public = generate_pair()
        try:
            # Two nodes may race on the first use; the unique row decides, both use it.
            with transaction.atomic():
                found = VapidKey.objects.create(singleton=1, private_key=private, public_key=public)
        except IntegrityError:
            found = VapidKey.objects.get(singleton=1)
    return found.private_key, found.public_key

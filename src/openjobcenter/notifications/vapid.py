"""The VAPID key pair for Web Push: from settings, or generated once into the database.

The private key in the database is sealed (AES-GCM under a key derived from
``DOCUMENTS_MASTER_KEY``): with it anyone could send pushes in the platform's name. A key
stored plain by an earlier version is sealed on first use; ``documents_rekey`` moves it
to a new master key.
"""

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


_INFO = "notifications:vapid-private-key"
_PREFIX = "OJCT1:"


def seal_private(private: str) -> str:
    from openjobcenter.documents.storage import seal

    return _PREFIX + _b64url(seal(private.encode(), info=_INFO, aad=_INFO.encode()))


def open_private(stored: str) -> str:
    if not stored.startswith(_PREFIX):
        return stored  # stored plain by an earlier version
    from openjobcenter.documents.storage import unseal

    raw = stored[len(_PREFIX) :]
    blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    return unseal(blob, info=_INFO, aad=_INFO.encode()).decode()


def _needs_reseal(stored: str) -> bool:
    from openjobcenter.documents.storage import blob_key_id, current_key_id

    if not stored.startswith(_PREFIX):
        return True
    raw = stored[len(_PREFIX) :]
    blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    return blob_key_id(blob) != current_key_id()


def reseal_stored_key() -> bool:
    """Seal the stored private key under the current master key; False if it was."""
    found = VapidKey.objects.filter(singleton=1).first()
    if found is None or not _needs_reseal(found.private_key):
        return False
    sealed = seal_private(open_private(found.private_key))
    VapidKey.objects.filter(pk=found.pk, private_key=found.private_key).update(private_key=sealed)
    return True


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
                found = VapidKey.objects.create(
                    singleton=1, private_key=seal_private(private), public_key=public
                )
        except IntegrityError:
            found = VapidKey.objects.get(singleton=1)
    elif not found.private_key.startswith(_PREFIX):
        reseal_stored_key()
    return open_private(found.private_key), found.public_key

"""Encrypted files in the documents storage (DESIGN §2: storage API, AES-GCM at rest).

Every blob is ``MAGIC | len(key_id) | key_id | nonce(12) | AES-GCM(ciphertext+tag)``; the
key is derived per job centre with HKDF-SHA256 from the master key named by ``key_id``,
with the job centre's slug in ``info``. The storage key is bound in as associated data,
so a blob copied to another key (or another job centre) does not decrypt.

The storage is Django's: a FileSystemStorage under ``MEDIA_ROOT/documents`` (never served
by any URL) or django-storages' S3Storage for any S3-compatible object store.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from openjobcenter.documents.conf import conf

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)
MAGIC = b"OJCD1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The blob is damaged, or its key is no longer configured."""


def master_keys() -> dict[str, bytes]:
    """Key id → master key bytes: the current one and the old ones kept for reading."""
    options = conf()
    current = str(options["master_key"])
    if current:
        raw = base64.b64decode(current) if _is_b64(current) else current.encode()
    else:
        # Embedded default: derived from SECRET_KEY, fine on a laptop, refused in
        # production by settings.
        if not settings.TESTING:
            log.warning("DOCUMENTS_MASTER_KEY is not set: documents use a development key")
        raw = hashlib.sha256(b"ojc-documents-dev:" + settings.SECRET_KEY.encode()).digest()
    keys = {str(options["key_id"]): raw}
    for entry in options["old_keys"]:
        key_id, _sep, value = str(entry).partition(":")
        if not value:
            msg = "DOCUMENTS_OLD_KEYS entries must look like id:base64key"
            raise ImproperlyConfigured(msg)
        keys[key_id] = base64.b64decode(value)
    return keys


def _is_b64(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) >= 32
    except ValueError:
        return False


def current_key_id() -> str:
    return str(conf()["key_id"])


@lru_cache(maxsize=256)
def _derive(master: bytes, slug: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"openjobcenter-documents",
        info=b"jobcenter:" + slug.encode(),
    )
    return hkdf.derive(master)


def jobcenter_key(slug: str, key_id: str) -> bytes:
    try:
        master = master_keys()[key_id]
    except KeyError:
        msg = f"document key {key_id!r} is not configured"
        raise DecryptionError(msg) from None
    return _derive(master, slug)


def encrypt(data: bytes, *, slug: str, name: str, key_id: str | None = None) -> bytes:
    key_id = key_id or current_key_id()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(jobcenter_key(slug, key_id)).encrypt(nonce, data, name.encode())
    kid = key_id.encode()
    return MAGIC + bytes([len(kid)]) + kid + nonce + sealed


def decrypt(blob: bytes, *, slug: str, name: str) -> bytes:
    if not blob.startswith(MAGIC):
        msg = "not an encrypted document"
        raise DecryptionError(msg)
    pos = len(MAGIC)
    kid_len = blob[pos]
    key_id = blob[pos + 1 : pos + 1 + kid_len].decode()
    pos += 1 + kid_len
    nonce, sealed = blob[pos : pos + NONCE_BYTES], blob[pos + NONCE_BYTES :]
    try:
        return AESGCM(jobcenter_key(slug, key_id)).decrypt(nonce, sealed, name.encode())
    except Exception as exc:  # InvalidTag: wrong key, wrong name or damaged
        msg = "document does not decrypt"
        raise DecryptionError(msg) from exc


def blob_key_id(blob: bytes) -> str:
    pos = len(MAGIC)
    return blob[pos + 1 : pos + 1 + blob[pos]].decode()


_storage_override: Storage | None = None


def use_storage(storage: Storage | None) -> None:
    """Tests and benchmarks point the module at another storage (S3 against moto)."""
    global _storage_override  # noqa: PLW0603 - one switch for tests, documented above
    _storage_override = storage


def documents_storage() -> Storage:
    if _storage_override is not None:
        return _storage_override
    options = conf()
    if options["storage"] == "s3":
        from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

        s3: Storage = S3Storage(
            bucket_name=options["s3_bucket"],
            endpoint_url=options["s3_endpoint_url"] or None,
            region_name=options["s3_region"],
            access_key=options["s3_access_key"] or None,
            secret_key=options["s3_secret_key"] or None,
            default_acl="private",
            querystring_auth=True,
            file_overwrite=False,
        )
        return s3
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "documents")


def new_key(jobcenter: Jobcenter, area: str, suffix: str) -> str:
    """A fresh random storage key; names carry no personal data."""
    return f"{jobcenter.slug}/{area}/{secrets.token_hex(16)}{suffix}"


def put(jobcenter: Jobcenter, area: str, suffix: str, data: bytes) -> tuple[str, str]:
    """Encrypt and store; returns (storage key, key id)."""
    name = new_key(jobcenter, area, suffix)
    key_id = current_key_id()
    stored = documents_storage().save(
        name, ContentFile(encrypt(data, slug=jobcenter.slug, name=name, key_id=key_id))
    )
    if stored != name:  # a storage that renames would break the associated data
        documents_storage().delete(stored)
        msg = f"storage renamed {name!r} to {stored!r}"
        raise RuntimeError(msg)
    return name, key_id


def get(jobcenter: Jobcenter, name: str) -> bytes:
    with documents_storage().open(name, "rb") as fh:
        blob = fh.read()
    return decrypt(blob, slug=jobcenter.slug, name=name)


def delete(name: str) -> None:
    if name:
        documents_storage().delete(name)


def delete_many(names: list[str]) -> None:
    for name in names:
        delete(name)


def exists(name: str) -> bool:
    return bool(name) and documents_storage().exists(name)


def rekey(jobcenter: Jobcenter, name: str) -> bool:
    """Re-encrypt one blob under the current key (rotation); False if it already was."""
    storage = documents_storage()
    with storage.open(name, "rb") as fh:
        blob = fh.read()
    if blob_key_id(blob) == current_key_id():
        return False
    plain = decrypt(blob, slug=jobcenter.slug, name=name)
    storage.delete(name)
    storage.save(name, ContentFile(encrypt(plain, slug=jobcenter.slug, name=name)))
    return True

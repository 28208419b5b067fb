"""Encrypted files in the documents storage (DESIGN §2: storage API, AES-GCM at rest).

Every blob is ``MAGIC | len(key_id) | key_id | nonce(12) | AES-GCM(ciphertext+tag)``; the
key is derived per job centre with HKDF-SHA256 from the master key named by ``key_id``,
with the job centre's immutable ``storage_id`` in ``info`` (never the editable slug: a
renamed job centre keeps reading its files; job centres older than the field have their
slug of that day as ``storage_id``, so their files kept their key). The storage key is
bound in as associated data, so a blob copied to another key (or another job centre)
does not decrypt.

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
def _derive(master: bytes, info: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"openjobcenter-documents",
        info=info.encode(),
    )
    return hkdf.derive(master)


def jobcenter_key(storage_id: str, key_id: str) -> bytes:
    """The key of one job centre (``Jobcenter.storage_id``) under master key ``key_id``."""
    return scoped_key("jobcenter:" + storage_id, key_id)


def scoped_key(info: str, key_id: str) -> bytes:
    """A key for one purpose (HKDF ``info``) under master key ``key_id``."""
    try:
        master = master_keys()[key_id]
    except KeyError:
        msg = f"document key {key_id!r} is not configured"
        raise DecryptionError(msg) from None
    return _derive(master, info)


def encrypt(data: bytes, *, storage_id: str, name: str, key_id: str | None = None) -> bytes:
    """Seal ``data`` for the job centre ``storage_id``; ``name`` (the
    storage key) is bound in as associated data."""
    return seal(data, info="jobcenter:" + storage_id, aad=name.encode(), key_id=key_id)


def seal(data: bytes, *, info: str, aad: bytes, key_id: str | None = None) -> bytes:
    key_id = key_id or current_key_id()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(scoped_key(info, key_id)).encrypt(nonce, data, aad)
    kid = key_id.encode()
    return MAGIC + bytes([len(kid)]) + kid + nonce + sealed


def unseal(blob: bytes, *, info: str, aad: bytes) -> bytes:
    if not blob.startswith(MAGIC):
        msg = "not an encrypted document"
        raise DecryptionError(msg)
    pos = len(MAGIC)
    kid_len = blob[pos]
    key_id = blob[pos + 1 : pos + 1 + kid_len].decode()
    pos += 1 + kid_len
    nonce, sealed = blob[pos : pos + NONCE_BYTES], blob[pos + NONCE_BYTES :]
    try:
        return AESGCM(scoped_key(info, key_id)).decrypt(nonce, sealed, aad)
    except Exception as exc:  # InvalidTag: wrong key, wrong name or damaged
        msg = "document does not decrypt"
        raise DecryptionError(msg) from exc


def decrypt(blob: bytes, *, storage_id: str, name: str) -> bytes:
    return unseal(blob, info="jobcenter:" + storage_id, aad=name.encode())


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
        from botocore.config import Config  # type: ignore[import-untyped]
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
            client_config=Config(**settings.S3_CLIENT_OPTIONS),
        )
        return s3
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "documents")


def new_key(jobcenter: Jobcenter, area: str, suffix: str) -> str:
    """A fresh random storage key; names carry no personal data."""
    return f"{jobcenter.storage_id}/{area}/{secrets.token_hex(16)}{suffix}"


def put(jobcenter: Jobcenter, area: str, suffix: str, data: bytes) -> tuple[str, str]:
    """Encrypt and store; returns (storage key, key id)."""
    name = new_key(jobcenter, area, suffix)
    key_id = current_key_id()
    stored = documents_storage().save(
        name, ContentFile(encrypt(data, storage_id=jobcenter.storage_id, name=name, key_id=key_id))
    )
    if stored != name:  # a storage that renames would break the associated data
        documents_storage().delete(stored)
        msg = f"storage renamed {name!r} to {stored!r}"
        raise RuntimeError(msg)
    return name, key_id


def get(jobcenter: Jobcenter, name: str) -> bytes:
    with documents_storage().open(name, "rb") as fh:
        blob = fh.read()
    return decrypt(blob, storage_id=jobcenter.storage_id, name=name)


def delete(name: str) -> None:
    if name:
        documents_storage().delete(name)


def delete_many(names: list[str]) -> None:
    for name in names:
        delete(name)


def exists(name: str) -> bool:
    return bool(name) and documents_storage().exists(name)


def needs_rekey(name: str) -> bool:
    """Whether the blob under ``name`` is sealed under another key than the current one."""
    with documents_storage().open(name, "rb") as fh:
        head = fh.read(len(MAGIC) + 256)
    return blob_key_id(head) != current_key_id()


def rekey_copy(jobcenter: Jobcenter, name: str) -> str:
    """Key rotation, step one: write the blob again under the current key, as a new file.

    Returns the new storage key. The old file is left alone: the caller points its record
    at the new key and only then deletes the old file, so a crash at any moment leaves
    a record that points at a readable file (at worst an orphan copy).
    """
    area, suffix = _area_and_suffix(name)
    plain = get(jobcenter, name)
    new_name, _key_id = put(jobcenter, area, suffix, plain)
    return new_name


def _area_and_suffix(name: str) -> tuple[str, str]:
    parts = name.split("/")
    area = parts[1] if len(parts) >= 3 else "rekeyed"
    tail = parts[-1]
    suffix = tail[tail.index(".") :] if "." in tail else ""
    return area, suffix

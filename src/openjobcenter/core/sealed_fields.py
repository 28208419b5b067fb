"""A text column sealed at rest, and a blind word index to search it.

``SealedTextField`` stores ``OJCT1:`` + base64 of an AES-256-GCM blob (the documents'
format, ``documents/storage.py``) under a key derived from ``DOCUMENTS_MASTER_KEY`` for
that column (HKDF ``info`` = ``field:<app>.<model>.<field>``). Python code, templates and
``.update()`` see plain text; the database holds none. Values written before the column
was sealed are read as they are; ``manage.py documents_rekey`` seals them (and moves
sealed ones to the current key).

A sealed column cannot be searched with ``LIKE``. ``word_index`` turns a text into the
set of its words, each as a short keyed hash (HMAC-SHA256) under every configured master
key; a search for a word looks for its hash. It finds whole words (any case), not parts
of words, and it shows which rows share a word, never the word itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any

from django.db import models
from django.db.models import Q

PREFIX = "OJCT1:"
_WORD = re.compile(r"\w{2,}")
MAX_WORDS = 5000


class SealedTextField(models.TextField):  # type: ignore[type-arg]
    """A ``TextField`` whose content is sealed in the database."""

    def _info(self) -> str:
        return f"field:{self.model._meta.label}.{self.name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or str(value).startswith(PREFIX):
            return value
        from openjobcenter.documents.storage import seal

        blob = seal(str(value).encode(), info=self._info(), aad=self._info().encode())
        return PREFIX + base64.b64encode(blob).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return open_sealed(value, self._info())

    def to_python(self, value: Any) -> Any:
        return open_sealed(super().to_python(value), self._info())


def open_sealed(value: Any, info: str) -> Any:
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return value  # empty, or written before the column was sealed
    from openjobcenter.documents.storage import unseal

    blob = base64.b64decode(value[len(PREFIX) :])
    return unseal(blob, info=info, aad=info.encode()).decode()


def is_sealed(raw: str) -> bool:
    return raw.startswith(PREFIX)


def raw_key_id(raw: str) -> str:
    from openjobcenter.documents.storage import blob_key_id

    return blob_key_id(base64.b64decode(raw[len(PREFIX) :]))


def _token(key: bytes, word: str) -> str:
    return hmac.new(key, word.encode(), hashlib.sha256).hexdigest()[:16]


def _index_keys(scope: str) -> list[bytes]:
    from openjobcenter.documents.storage import current_key_id, master_keys, scoped_key

    ids = [current_key_id(), *(k for k in master_keys() if k != current_key_id())]
    return [scoped_key(f"index:{scope}", key_id) for key_id in ids]


def words(text: str) -> list[str]:
    return sorted({w.casefold() for w in _WORD.findall(text or "")})[:MAX_WORDS]


def word_index(text: str, scope: str) -> str:
    """The blind index of ``text`` under the current key: `` t1 t2 ... `` (or "")."""
    found = words(text)
    if not found:
        return ""
    key = _index_keys(scope)[0]
    return " " + " ".join(_token(key, w) for w in found) + " "


def word_match(field: str, word: str, scope: str) -> Q:
    """Rows whose index (``field``) holds the one ``word`` (from ``words``), under any
    configured key (rows not yet moved to the current key are found too)."""
    query = Q(pk__in=[])
    for key in _index_keys(scope):
        query |= Q(**{f"{field}__contains": f" {_token(key, word)} "})
    return query

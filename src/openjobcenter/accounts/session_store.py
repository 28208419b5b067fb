"""The database session store without the look-up before each new key.

Django's store asks the database whether a freshly drawn key exists before it inserts the
session (``exists()``), and then inserts with ``must_create``, which fails on a taken key
and draws again anyway. At every login (the key is cycled: a new session row) that first
query was CPU spent for a case that the insert already handles: keys are 32 random
characters of 36, a collision does not happen in practice, and if it did the insert's
unique key would refuse it and ``create()`` would draw again, as before.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DbSessionStore):
    def _get_new_session_key(self) -> str:
        # Only create() draws keys here (save() without a key calls create()), and its
        # must_create insert is the check of uniqueness.
        return get_random_string(32, VALID_KEY_CHARS)

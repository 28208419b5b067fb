"""The database session store, with fewer round trips to the database.

**No look-up before each new key.** Django's store asks the database whether a freshly
drawn key exists before it inserts the session (``exists()``), and then inserts with
``must_create``, which fails on a taken key and draws again anyway. At every login (the
key is cycled: a new session row) that first query was CPU spent for a case that the
insert already handles: keys are 32 random characters of 36, a collision does not happen
in practice, and if it did the insert's unique key would refuse it and ``create()`` would
draw again, as before.

**One statement per write.** Django wraps each write of a session (one ``INSERT`` or one
``UPDATE``) in ``transaction.atomic``: ``BEGIN``, the statement, ``COMMIT``, three round
trips where one does. The atomic block is there so that a refused insert (a taken key)
does not break a transaction around it; outside any transaction (the session middleware
saves after the view, in autocommit) a single statement is atomic by itself, and a
refused one leaves nothing behind. A login writes its session twice (the new key, then
the signed-in data), so it makes four round trips fewer; under load each costs
milliseconds of waiting (``bench/scale.py``'s slow-request split). Inside a transaction
the store does what Django's does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils.crypto import get_random_string


class SessionStore(DbSessionStore):
    def _get_new_session_key(self) -> str:
        # Only create() draws keys here (save() without a key calls create()), and its
        # must_create insert is the check of uniqueness.
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        using = router.db_for_write(self.model)
        if self.session_key is None or transaction.get_connection(using).in_atomic_block:
            super().save(must_create=must_create)
            return
        base: Any = self  # SessionBase's own method, which the type stubs leave out
        obj = self.create_model_instance(base._get_session(no_load=must_create))
        try:
            # The model has no parents: its save is the one statement, in autocommit.
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError as exc:
            if must_create:
                raise CreateError from exc
            raise
        except DatabaseError as exc:
            if not must_create:
                raise UpdateError from exc
            raise

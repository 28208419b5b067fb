"""The password hasher: Argon2id with OWASP's first parameter set (docs/operations.md, "Passwords").

Django's own ``Argon2PasswordHasher`` already computes Argon2id; this subclass only fixes
the cost parameters (Django's defaults are 100 MiB with 8 lanes: 240 ms of CPU per login
here). Hashes store their parameters, so changing the numbers below upgrades each account
on its next successful login (Django's ``must_update``), and older hashes keep verifying.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

from openjobcenter.core.dbpool import release_idle_connections


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP Password Storage Cheat Sheet; RFC 9106)."""

    # The algorithm name stays Django's ("argon2"): the stored hash is the standard PHC
    # string behind it ("argon2$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), which Django's
    # own hasher and any other Argon2 implementation can verify.
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    # Computing a hash takes tens of milliseconds of CPU (argon2-cffi lets go of the GIL
    # meanwhile, so other threads and the event loop go on) and no query: the pooled
    # database connection the request already took goes back to the pool first, so other
    # requests need not wait for it (core/dbpool.py). Inside a transaction it stays.
    def encode(self, password: str, salt: str) -> str:
        release_idle_connections()
        encoded: str = super().encode(password, salt)
        return encoded

    def verify(self, password: str, encoded: str) -> bool:
        release_idle_connections()
        ok: bool = super().verify(password, encoded)
        return ok

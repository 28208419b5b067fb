"""Random strings for CSRF tokens and session keys from one ``os.urandom`` call each.

Django's ``get_random_string`` draws every character with ``secrets.choice``: one
``os.urandom`` system call per character, 32 for a CSRF secret, 64 for the masked token
every page with a form renders (``{% csrf_token %}``), 32 for a session key. Each call
releases the GIL and must take it back; in a web process whose event loop carries
thousands of sockets and whose other request threads run Python, taking it back waits
up to the interpreter's switch interval (5 ms) each time. Sampled under the HTTP bench
(``bench/http_baseline.py``, py-spy, 2026-12-07), 86 % of the tenant start page's
samples were waiting in those calls: not CPU (31 µs per string), but the page's
latency under load.

``random_string`` gives the same strings (the same length, the same alphabet, every
character uniform and independent, from the operating system's CSPRNG) from one
``os.urandom`` call: bytes at or above the largest multiple of the alphabet's size are
dropped (rejection sampling), the rest taken modulo the size, so there is no bias.
``install`` puts it where Django looks the function up at call time: the CSRF
middleware and the session backends (``tests/test_randomstrings.py`` checks both)."""

from __future__ import annotations

import os

from django.utils.crypto import RANDOM_STRING_CHARS


def random_string(length: int, allowed_chars: str = RANDOM_STRING_CHARS) -> str:
    size = len(allowed_chars)
    if not 1 < size <= 256:
        msg = "allowed_chars must hold 2 to 256 characters"
        raise ValueError(msg)
    limit = 256 - 256 % size  # bytes below this map onto the alphabet evenly
    chars: list[str] = []
    while len(chars) < length:
        # A few bytes more than needed, so one call nearly always suffices (with 62
        # characters, 8 of 256 byte values are dropped).
        for byte in os.urandom(length - len(chars) + 8):
            if byte < limit:
                chars.append(allowed_chars[byte % size])
    return "".join(chars[:length])


def install() -> None:
    """Django's CSRF tokens and session keys from ``random_string`` (module docstring)."""
    from django.contrib.sessions.backends import base as sessions
    from django.middleware import csrf

    # Module globals the stubs do not declare: set by name.
    setattr(csrf, "get_random_string", random_string)  # noqa: B010
    setattr(sessions, "get_random_string", random_string)  # noqa: B010

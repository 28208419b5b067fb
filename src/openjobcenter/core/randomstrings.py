"""Random strings for CSRF tokens and session keys without an ``os.urandom`` call each.

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
middleware and the session backends (``tests/test_randomstrings.py`` checks both).

**Bytes drawn ahead, per thread.** Still, a page without the visitor's CSRF cookie made
two calls (the secret and its mask), and under the HTTP bench's load py-spy found the
tenant start page's request threads in them again: each call lets go of the GIL, and
taking it back among busy threads waits and costs the switches. So each thread draws
4 KiB from the operating system at a time and takes its strings' bytes from there: one
call per 50-odd pages. The bytes are the kernel's CSPRNG output as before, each used
once and by one thread only; after a ``fork`` the child drops what the parent had drawn
ahead (the two would hand out the same tokens otherwise). What sits in the buffer is no
more exposed than the secrets made from it, which live in the same process's memory."""

from __future__ import annotations

import os
import threading

from django.utils.crypto import RANDOM_STRING_CHARS

# Bytes drawn from the operating system at a time, per thread.
POOL_BYTES = 4096


class _Pool(threading.local):
    def __init__(self) -> None:
        self.data = b""
        self.used = 0
        self.generation = -1


_pool = _Pool()
# Counts forks: a pool filled before the last one belongs to the parent.
_generation = [0]


def _after_fork() -> None:
    _generation[0] += 1


os.register_at_fork(after_in_child=_after_fork)


def _urandom(n: int) -> bytes:
    """``n`` bytes of the OS CSPRNG's output, from this thread's pool (docstring above)."""
    pool = _pool
    if pool.generation != _generation[0] or pool.used + n > len(pool.data):
        pool.data = os.urandom(max(POOL_BYTES, n))
        pool.used = 0
        pool.generation = _generation[0]
    start = pool.used
    pool.used = start + n
    return pool.data[start : start + n]


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
        for byte in _urandom(length - len(chars) + 8):
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

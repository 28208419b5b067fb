"""CSRF tokens and session keys come from ``core.randomstrings.random_string``: bytes of
the OS CSPRNG drawn 4 KiB at a time per thread instead of one call per character, and the
same strings otherwise."""

from __future__ import annotations

import os
import threading
from collections import Counter
from typing import Any

import pytest
from django.contrib.sessions.backends import base as sessions
from django.middleware import csrf
from django.test import Client
from django.utils.crypto import RANDOM_STRING_CHARS

from openjobcenter.core import randomstrings
from openjobcenter.core.randomstrings import random_string


def test_django_draws_csrf_tokens_and_session_keys_from_it() -> None:
    assert getattr(csrf, "get_random_string") is random_string  # noqa: B009
    assert getattr(sessions, "get_random_string") is random_string  # noqa: B009


def test_one_system_call_per_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = os.urandom

    def counting(n: int) -> bytes:
        calls.append(n)
        return real(n)

    monkeypatch.setattr(os, "urandom", counting)
    tokens = set()
    for _ in range(200):
        token = csrf._get_new_csrf_string()
        assert len(token) == csrf.CSRF_SECRET_LENGTH
        assert set(token) <= set(csrf.CSRF_ALLOWED_CHARS)
        tokens.add(token)
    assert len(tokens) == 200
    # About 40 bytes per token, 4 KiB per call: 200 tokens take two or three calls.
    assert calls and all(n == randomstrings.POOL_BYTES for n in calls)
    assert 1 <= len(calls) <= 3


def test_each_thread_draws_its_own_bytes() -> None:
    """Threads never share a pool: no byte (and so no token) is handed out twice."""
    got: dict[int, list[bytes]] = {}

    def draw(k: int) -> None:
        got[k] = [randomstrings._urandom(64) for _ in range(100)]

    threads = [threading.Thread(target=draw, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    chunks = [c for k in got for c in got[k]]
    assert len(chunks) == 400 and len(set(chunks)) == 400


def test_a_forked_child_does_not_hand_out_its_parents_bytes() -> None:
    """After ``fork`` the child drops what the parent had drawn ahead: otherwise parent and
    child (two web workers) would make the same session keys and CSRF secrets."""
    random_string(32)  # the parent's pool holds bytes drawn ahead
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next string, then leave without running anything else
        try:
            os.write(write, random_string(64).encode())
        finally:
            os._exit(0)
    os.close(write)
    child = b""
    while chunk := os.read(read, 128):
        child += chunk
    os.close(read)
    os.waitpid(pid, 0)
    parent = random_string(64).encode()
    assert len(child) == 64 and child != parent


def test_every_character_is_equally_likely() -> None:
    """Rejection sampling leaves no bias towards the alphabet's first characters (a plain
    ``byte % 62`` would make the first 8 about 25 % more frequent)."""
    counts = Counter(random_string(250_000 // 50, RANDOM_STRING_CHARS) for _ in range(50))
    chars = Counter("".join(counts.elements()))
    expected = 250_000 / len(RANDOM_STRING_CHARS)
    assert set(chars) == set(RANDOM_STRING_CHARS)
    # 4,032 expected per character; a standard deviation of about 63.
    assert all(abs(n - expected) < 0.08 * expected for n in chars.values()), chars
    first = sum(chars[c] for c in RANDOM_STRING_CHARS[:8]) / 8
    last = sum(chars[c] for c in RANDOM_STRING_CHARS[8:]) / (len(RANDOM_STRING_CHARS) - 8)
    assert abs(first / last - 1) < 0.05


@pytest.mark.parametrize("alphabet", ["ab", "0123456789", "abcdefghijklmnopqrstuvwxyz" * 2])
def test_lengths_and_alphabets(alphabet: str) -> None:
    for length in (0, 1, 32, 200):
        value = random_string(length, alphabet)
        assert len(value) == length and set(value) <= set(alphabet)


def test_an_alphabet_it_cannot_serve_evenly_is_refused() -> None:
    with pytest.raises(ValueError, match="2 to 256"):
        random_string(5, "a")


@pytest.mark.django_db
def test_a_form_posts_with_the_token_it_was_given(jc_a: Any) -> None:
    """The CSRF round trip with these tokens: the login page's token is accepted, a
    made-up one refused (403), and every page gets a token of its own."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/konto/login/")
    token = page.context["csrf_token"] if page.context else None
    assert token and len(str(token)) == 2 * csrf.CSRF_SECRET_LENGTH
    refused = client.post("/konto/login/", {"csrfmiddlewaretoken": "x" * 64, "login": "a@b.de"})
    assert refused.status_code == 403
    accepted = client.post(
        "/konto/login/",
        {"csrfmiddlewaretoken": str(token), "login": "nobody@example.org", "password": "wrong"},
    )
    assert accepted.status_code == 200  # the form's own error, not the CSRF refusal
    assert Client().get("/konto/login/").context["csrf_token"] != token

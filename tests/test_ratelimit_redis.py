"""allauth's rate limits in one Redis round trip per action (``accounts/ratelimit_redis.py``):
the same answers as allauth's own code, a use's roll-back in one round trip, the window
honoured, and the limits of the real login pages still hold. With the run's Redis as the
cache (PostgreSQL pass) or a Redis server of the module's own (SQLite pass)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.test import Client, RequestFactory

from openjobcenter.accounts import ratelimit_redis
from openjobcenter.core.cache import redis_client, redis_round_trip
from tests.conftest import PASSWORD
from tests.messaging.faults import RedisServer
from tests.own_redis import use_as_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _redis_cache(own_redis: RedisServer | None, settings: Any) -> None:
    use_as_cache(own_redis, settings, "ratelimit")


def _request(ip: str) -> Any:
    return RequestFactory().post("/konto/login/", REMOTE_ADDR=ip)


def _consume(impl: Any, request: Any, action: str, rate: str, **kwargs: Any) -> Any:
    return impl(
        request,
        app="allauth.account",
        action=action,
        rate=allauth_ratelimit.parse_rate(rate),
        **kwargs,
    )


def _commands_sent(monkeypatch: pytest.MonkeyPatch, client: Any) -> list[Any]:
    """The names of the commands ``client`` sends from now on (one per round trip)."""
    sent: list[Any] = []
    real = type(client).execute_command

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(client), "execute_command", counting)
    return sent


def _redis_key(request: Any, action: str, rate: str) -> str:
    """The Redis key of one rate of an action for ``request``'s address."""
    return str(
        cache.make_key(
            allauth_ratelimit.get_cache_key(
                request,
                app="allauth.account",
                action=action,
                rate=allauth_ratelimit.parse_rate(rate),
            )
        )
    )


def _redis_scripts_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rate-limit script call fails as with Redis gone."""

    def broken(client: Any, source: str = "") -> Any:
        def call(**kwargs: Any) -> Any:
            raise ConnectionError("Redis gone")

        return call

    monkeypatch.setattr(ratelimit_redis, "_script", broken)


def test_installed_for_allauths_consume() -> None:
    assert allauth_ratelimit._consume_single_rate is ratelimit_redis.consume_single_rate
    assert allauth_ratelimit.consume is ratelimit_redis.consume


# An action with two rates, as allauth's failed-login check: per address and per key.
TWO_RATES = {"two": "6/m/ip,3/m/key"}


def _consume_all(impl: Any, request: Any, key: str, **kwargs: Any) -> Any:
    return impl(request, app="allauth.account", action="two", config=TWO_RATES, key=key, **kwargs)


def test_all_rates_of_an_action_in_one_round_trip_and_back_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = redis_client()
    request = _request("10.9.2.1")
    assert _consume_all(ratelimit_redis.consume, request, "a@example.org")  # loads the script
    sent = _commands_sent(monkeypatch, client)
    usage = _consume_all(ratelimit_redis.consume, request, "a@example.org")
    assert sent == ["EVALSHA"] and len(usage.usage) == 2
    trips: list[int] = []
    real_trip = redis_round_trip

    def counting_trip(c: Any, commands: list[Any]) -> Any:
        trips.append(len(commands))
        return real_trip(c, commands)

    monkeypatch.setattr(ratelimit_redis, "redis_round_trip", counting_trip)
    keys = [u.redis_key for u in usage.usage]
    before = [client.zcard(k) for k in keys]
    usage.rollback()
    assert trips == [2]
    assert [client.zcard(k) for k in keys] == [n - 1 for n in before]


def test_several_rates_give_allauths_own_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A two-rate action from two addresses and two keys, against allauth's own
    ``consume`` and ``_consume_single_rate`` on keys of their own: every answer the same,
    including which rates keep a use after a refusal."""

    def allauths(pick: int, dry: bool) -> Any:
        with monkeypatch.context() as m:
            m.setattr(
                allauth_ratelimit,
                "_consume_single_rate",
                ratelimit_redis._original_consume_single_rate,
            )
            return _consume_all(
                ratelimit_redis._original_consume,
                _request(f"10.9.4.{pick % 2}"),
                f"{pick // 2}@theirs.org",
                dry_run=dry,
            )

    _same_answers(
        20,
        150,
        lambda pick, dry: _consume_all(
            ratelimit_redis.consume,
            _request(f"10.9.3.{pick % 2}"),
            f"{pick // 2}@ours.org",
            dry_run=dry,
        ),
        allauths,
    )


def test_a_refused_rate_raises_when_asked_and_the_earlier_keep_their_use() -> None:
    request = _request("10.9.5.1")
    for _ in range(3):
        assert _consume_all(ratelimit_redis.consume, request, "k@example.org")
    # The key's rate (3) refuses; the address's rate, asked first, has counted the use.
    assert _consume_all(ratelimit_redis.consume, request, "k@example.org") is None
    with pytest.raises(allauth_ratelimit.RateLimited):
        _consume_all(ratelimit_redis.consume, request, "k@example.org", raise_exception=True)
    ip_key = _redis_key(request, "two", "6/m/ip")
    assert redis_client().zcard(ip_key) == 5
    # A GET is not limited unless asked (allauth's rule).
    get = RequestFactory().get("/", REMOTE_ADDR="10.9.5.1")
    assert _consume_all(ratelimit_redis.consume, get, "k@example.org").usage == []


def test_redis_down_falls_back_for_several_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    _redis_scripts_fail(monkeypatch)
    monkeypatch.setattr(
        allauth_ratelimit, "_consume_single_rate", ratelimit_redis._original_consume_single_rate
    )
    request = _request("10.9.6.1")
    for _ in range(3):
        usage = _consume_all(ratelimit_redis.consume, request, "d@example.org")
        assert usage and not isinstance(usage, ratelimit_redis.RedisRateLimitUsage)
    assert _consume_all(ratelimit_redis.consume, request, "d@example.org") is None


def test_one_round_trip_per_use(monkeypatch: pytest.MonkeyPatch) -> None:
    client = redis_client()
    request = _request("10.9.0.1")
    # The first use on a Redis server loads the script (EVALSHA, SCRIPT LOAD, EVALSHA).
    assert _consume(ratelimit_redis.consume_single_rate, request, "rt", "10/m/ip")
    sent = _commands_sent(monkeypatch, client)
    for _ in range(5):
        assert _consume(ratelimit_redis.consume_single_rate, request, "rt", "10/m/ip")
    assert sent == ["EVALSHA"] * 5


def _same_answers(
    seed: int, steps: int, ours: Callable[[int, bool], Any], theirs: Callable[[int, bool], Any]
) -> None:
    """A random mix of uses, dry runs and roll-backs: ``ours(pick, dry_run)`` and
    ``theirs(pick, dry_run)`` (the same ``pick`` of who asks) answer alike every time."""
    rng = random.Random(seed)
    kept: list[tuple[Any, Any]] = []
    for step in range(steps):
        what = rng.choice(["use", "use", "use", "dry", "rollback"])
        if what == "rollback":
            if kept:
                mine, other = kept.pop(rng.randrange(len(kept)))
                mine.rollback()
                other.rollback()
            continue
        pick, dry = rng.randrange(4), what == "dry"
        mine, other = ours(pick, dry), theirs(pick, dry)
        assert bool(mine) == bool(other), f"step {step}: {what} {pick}"
        if mine and not dry:
            kept.append((mine, other))


def test_the_same_answers_as_allauths_own_code() -> None:
    """Against allauth's own code (its lock, its pickled list) on a key of its own."""
    ours_request, theirs_request = _request("10.9.0.2"), _request("10.9.0.3")
    _same_answers(
        19,
        120,
        lambda _pick, dry: _consume(
            ratelimit_redis.consume_single_rate, ours_request, "same", "4/m/ip", dry_run=dry
        ),
        lambda _pick, dry: _consume(
            ratelimit_redis._original_consume_single_rate,
            theirs_request,
            "same",
            "4/m/ip",
            dry_run=dry,
        ),
    )


def test_a_use_counts_only_within_the_window() -> None:
    request = _request("10.9.0.4")
    for _ in range(2):
        assert _consume(ratelimit_redis.consume_single_rate, request, "window", "2/1s/ip")
    assert _consume(ratelimit_redis.consume_single_rate, request, "window", "2/1s/ip") is None
    time.sleep(1.1)
    assert _consume(ratelimit_redis.consume_single_rate, request, "window", "2/1s/ip")
    # The key expires with its window: nothing is left behind in Redis.
    key = _redis_key(request, "window", "2/1s/ip")
    assert 0 < cache.redis().pttl(key) <= 1000  # type: ignore[attr-defined]


def test_a_list_written_by_allauths_own_code_is_replaced() -> None:
    request = _request("10.9.0.5")
    for _ in range(3):
        assert _consume(ratelimit_redis._original_consume_single_rate, request, "old", "3/m/ip")
    assert _consume(ratelimit_redis._original_consume_single_rate, request, "old", "3/m/ip") is None
    # After the upgrade the pickled list is dropped once and counting starts anew.
    assert _consume(ratelimit_redis.consume_single_rate, request, "old", "3/m/ip")


def test_redis_down_falls_back_to_allauths_own_code(monkeypatch: pytest.MonkeyPatch) -> None:
    _redis_scripts_fail(monkeypatch)
    request = _request("10.9.0.6")
    usage = _consume(ratelimit_redis.consume_single_rate, request, "down", "1/m/ip")
    assert usage and not isinstance(usage, ratelimit_redis.RedisRateUsage)
    assert _consume(ratelimit_redis.consume_single_rate, request, "down", "1/m/ip") is None


def test_failed_logins_still_lock_the_account_and_a_good_one_rolls_back(customer: Any) -> None:
    """The login pages' limits through the real views: five failed logins for one
    address (``5/5m/key``) refuse even the right password; a successful login takes its
    own "failed login" use back, so four failures and a success leave four."""
    client = Client(REMOTE_ADDR="10.9.1.1")
    for _ in range(4):
        page = client.post("/konto/login/", {"login": "kunde@example.org", "password": "falsch"})
        assert "leider falsch" in page.content.decode()
    assert (
        client.post(
            "/konto/login/", {"login": "kunde@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )
    client.post("/konto/logout/")
    # The success took its own use back: one more failure is still a plain failure ...
    page = client.post("/konto/login/", {"login": "kunde@example.org", "password": "falsch"})
    assert "leider falsch" in page.content.decode()
    # ... and the sixth attempt, right or wrong, is refused.
    page = client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert page.status_code in (200, 429)
    assert "leider falsch" not in page.content.decode()
    assert client.get("/fulda/mein-bereich/").status_code == 302

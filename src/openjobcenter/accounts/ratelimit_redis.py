"""allauth's rate limits (login, failed logins, password resets, second factor) in one
Redis round trip per rate instead of five.

allauth keeps each rate's history as a pickled list in the cache and guards it with a
lock made of cache calls: ``add`` the lock, ``get`` the list, ``set`` it, ``delete`` the
lock, and the same again to roll a use back (a successful login rolls back its "failed
login" use). A password login made 21 Redis round trips this way. In a web process whose
event loop carries thousands of chat sockets, each round trip releases the GIL and waits
to take it back: sampled on a node of the scale bench (issue 20, py-spy with waiting
included, 700,000 accounts, 50 users), 42 % of the login view's wall time was in those
Redis calls, and the login's p95 was 0.7–1.7 s against a p50 of 58 ms.

Here a rate's history is a sorted set (a member per use, scored by its time), changed by
one Lua script that Redis runs atomically, so no lock is needed: drop the uses older than
the rate's window, refuse when as many as the rate allows remain, else record this use
and let the key expire with the window. That is allauth's rule (``apply_rate``: a use
counts while it is younger than the window; allowed while fewer than ``amount`` remain).
A roll-back removes its own member (``ZREM``). ``clear`` is allauth's own (it deletes the
key).

An action with several rates (a failed login counts per address and per e-mail address)
is one script over all of them, in allauth's order and with its rule for a refusal: the
rates before the refusing one keep their use, the rest are not asked. Its roll-back
removes all its members in one round trip. A password login makes three round trips
(failed-login check, login, roll-back) instead of five. A single rate is the same script
over one key. A key still holding allauth's pickled list (written before this was
installed) is replaced by the set: counting starts anew once, at the upgrade.

Only with Redis as the cache (``SharedRedisCache``); with the embedded default's
database cache, and whenever Redis cannot be reached, allauth's own code runs as before.
``tests/accounts/test_ratelimit_redis.py`` checks the rule against allauth's."""

from __future__ import annotations

import itertools
import logging
import os
import time
from dataclasses import dataclass
from typing import Any

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import caches
from django.http import HttpRequest

from openjobcenter.core.cache import SharedRedisCache, redis_client, redis_round_trip

logger = logging.getLogger(__name__)

# KEYS: one per rate, in allauth's order; ARGV: now (s), dry run ("1"/"0"), then per rate
# its window (s), amount and member. Returns 0 when every rate allows the use, else the
# (1-based) index of the rate that refused it: the ones before it keep their use.
_CONSUME = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local at = 3 + (i - 1) * 3
  local window = tonumber(ARGV[at])
  local kind = redis.call('TYPE', key)['ok']
  if kind ~= 'zset' and kind ~= 'none' then redis.call('DEL', key) end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[at + 1]) then return i end
  if ARGV[2] == '0' then
    redis.call('ZADD', key, now, ARGV[at + 2])
    redis.call('PEXPIRE', key, math.ceil(window * 1000))
  end
end
return 0
"""

_original_consume_single_rate = allauth_ratelimit._consume_single_rate
_original_consume = allauth_ratelimit.consume
_scripts: dict[int, Any] = {}
# A use's member: unique per process and use without ``uuid4`` (``os.urandom`` releases the
# GIL, which is what this module saves: py-spy found it in the login's samples).
_uses = itertools.count()


@dataclass
class RedisRateUsage(allauth_ratelimit.SingleRateLimitUsage):  # type: ignore[misc]
    """One recorded use; its roll-back removes exactly this use."""

    redis_key: str = ""
    member: str = ""

    def rollback(self) -> None:
        try:
            redis_client().zrem(self.redis_key, self.member)
        except Exception:  # as allauth: a use not rolled back only makes the limit stricter
            logger.warning("rate limit roll-back failed", exc_info=True)


def _script(client: Any) -> Any:
    found = _scripts.get(id(client))
    if found is None:
        found = _scripts[id(client)] = client.register_script(_CONSUME)
    return found


def _consume_in_redis(
    backend: SharedRedisCache,
    request: HttpRequest,
    *,
    app: str,
    action: str,
    rates: list[allauth_ratelimit.Rate],
    key: Any,
    user: Any,
    dry_run: bool,
) -> list[RedisRateUsage] | None:
    """One use of each of ``rates`` in one script run: their uses, or None when a rate
    refused (the ones before it keep theirs). Raises when Redis cannot be reached."""
    cache_keys = [
        allauth_ratelimit.get_cache_key(
            request, app=app, action=action, rate=rate, key=key, user=user
        )
        for rate in rates
    ]
    redis_keys = [backend.make_key(k) for k in cache_keys]
    now = time.time()
    members = [f"{now:.6f}:{os.getpid()}:{next(_uses)}" for _ in rates]
    args: list[Any] = [repr(now), int(dry_run)]
    for rate, member in zip(rates, members, strict=True):
        args += [repr(float(rate.duration)), rate.amount, member]
    if int(_script(backend.redis())(keys=redis_keys, args=args)):
        return None
    return [
        RedisRateUsage(
            cache_key=cache_key,
            cache_duration=rate.duration,
            timestamp=now,
            redis_key=redis_key,
            member="" if dry_run else member,
        )
        for rate, cache_key, redis_key, member in zip(
            rates, cache_keys, redis_keys, members, strict=True
        )
    ]


@dataclass
class RedisRateLimitUsage(allauth_ratelimit.RateLimitUsage):  # type: ignore[misc]
    """The uses of one action's rates; rolled back together in one round trip."""

    def rollback(self) -> None:
        commands = [
            ("ZREM", u.redis_key, u.member)
            for u in self.usage
            if isinstance(u, RedisRateUsage) and u.member
        ]
        if not commands:
            return
        try:
            redis_round_trip(redis_client(), commands)
        except Exception:  # as allauth: a use not rolled back only makes the limit stricter
            logger.warning("rate limit roll-back failed", exc_info=True)


def consume_single_rate(
    request: HttpRequest,
    *,
    app: str,
    action: str,
    rate: allauth_ratelimit.Rate,
    key: Any = None,
    user: Any = None,
    dry_run: bool = False,
    raise_exception: bool = False,
) -> allauth_ratelimit.SingleRateLimitUsage | None:
    """allauth's ``_consume_single_rate`` (same arguments, same answers) in one round trip."""

    def allauths_own() -> allauth_ratelimit.SingleRateLimitUsage | None:
        return _original_consume_single_rate(
            request,
            app=app,
            action=action,
            rate=rate,
            key=key,
            user=user,
            dry_run=dry_run,
            raise_exception=raise_exception,
        )

    backend = caches["default"]
    if not isinstance(backend, SharedRedisCache):
        return allauths_own()
    try:
        usages = _consume_in_redis(
            backend,
            request,
            app=app,
            action=action,
            rates=[rate],
            key=key,
            user=user,
            dry_run=dry_run,
        )
    except Exception:
        logger.warning("rate limit in Redis failed, allauth's own way", exc_info=True)
        return allauths_own()
    if usages is None:
        if raise_exception:
            raise RateLimited
        return None
    return usages[0]


def consume(
    request: HttpRequest,
    *,
    app: str,
    action: str,
    config: dict[str, str] | None = None,
    key: Any = None,
    user: Any = None,
    dry_run: bool = False,
    limit_get: bool = False,
    raise_exception: bool = False,
) -> allauth_ratelimit.RateLimitUsage | None:
    """allauth's ``consume`` (same arguments, same answers): all of an action's rates in
    one round trip (module docstring)."""
    arguments: dict[str, Any] = {
        "app": app,
        "action": action,
        "config": config,
        "key": key,
        "user": user,
        "dry_run": dry_run,
        "limit_get": limit_get,
        "raise_exception": raise_exception,
    }
    backend = caches["default"]
    if not isinstance(backend, SharedRedisCache):
        return _original_consume(request, **arguments)
    if (not limit_get) and request.method == "GET":
        return RedisRateLimitUsage(usage=[])
    rates = allauth_ratelimit.get_rates(app=app, action=action, config=config)
    if not rates:
        return RedisRateLimitUsage(usage=[])
    try:
        usages = _consume_in_redis(
            backend,
            request,
            app=app,
            action=action,
            rates=rates,
            key=key,
            user=user,
            dry_run=dry_run,
        )
    except Exception:
        logger.warning("rate limit in Redis failed, allauth's own way", exc_info=True)
        return _original_consume(request, **arguments)
    if usages is None:
        if raise_exception:
            raise RateLimited
        return None
    return RedisRateLimitUsage(usage=list(usages))


def install() -> None:
    """allauth's callers reach ``consume`` (and ``consume_or_429`` reaches it, and it
    ``_consume_single_rate``) by their module's names."""
    allauth_ratelimit._consume_single_rate = consume_single_rate
    allauth_ratelimit.consume = consume

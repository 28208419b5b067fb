"""The job centres' shared version, heard instead of asked on every request (issue 19).

``jccache`` keys each process's copies of job centre rows on a version in the shared cache
that every change of a job centre replaces. Asking Redis for it cost one ``GET`` per
tenant request. With Redis as the cache, each process instead keeps one thread
subscribed to a channel on which every change is announced (``announce``: after the new
version is stored, ``PUBLISH`` of it); the thread keeps the version it heard, and requests
read it from memory.

Nothing stale is served for longer than before:

- The thread subscribes *before* it reads the version, so a change made after that read
  is heard; until it has done both, and whenever its connection is lost, requests ask
  Redis as before (``heard_version`` returns None).
- It reads the version again every ``RECHECK_S`` seconds, in case a message was lost.
- A version a request read itself (``offer``) is kept only if nothing was heard while it
  asked: an older read never replaces a newer message.
- The channel name carries the cache's ``KEY_PREFIX``: installations sharing one Redis do
  not hear each other (pub/sub ignores the database number).

A fork (a server's worker processes) starts over in the child: threads do not survive it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.core.cache import caches

from openjobcenter.core.cache import SharedRedisCache

__all__ = [
    "CHANNEL",
    "RECHECK_S",
    "announce",
    "forget",
    "heard_version",
    "offer",
    "stop",
    "watching",
]

logger = logging.getLogger(__name__)

CHANNEL = "tenants:jobcenters:changed"
# Seconds between two reads of the version by the listening thread (a lost message).
RECHECK_S = 5.0
# Longest wait for one message; also how soon the thread notices it is to stop.
_POLL_S = 1.0
_RETRY_MAX_S = 10.0


class _Watcher:
    """One listening thread per process and Redis client."""

    def __init__(self, client: Any, channel: str, read: Any) -> None:
        self.client = client
        self.channel = channel
        self.read = read  # () -> the version in the shared cache (creating one if none)
        self.lock = threading.Lock()
        self.version: str | None = None  # None: not known, ask Redis
        self.seq = 0  # changes with every version taken or forgotten
        self.live = threading.Event()  # subscribed, and the version was read after that
        self.stop = threading.Event()
        self.recheck = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ojc-jobcenter-watch", daemon=True)

    def _take(self, version: str | None) -> None:
        with self.lock:
            self.version = version
            self.seq += 1

    def _still_wanted(self) -> bool:
        backend = _redis_cache()
        return backend is not None and backend.redis() is self.client

    def _run(self) -> None:
        pause = 0.5
        while not self.stop.is_set():
            pubsub = self.client.pubsub()
            try:
                pubsub.subscribe(self.channel)
                confirmed = False
                while not confirmed and not self.stop.is_set():
                    message = pubsub.get_message(timeout=_POLL_S)
                    confirmed = message is not None and message["type"] == "subscribe"
                self._take(self.read())
                self.live.set()
                logger.info("listening for job centre changes")
                pause = 0.5
                checked = time.monotonic()
                while not self.stop.is_set():
                    message = pubsub.get_message(timeout=_POLL_S)
                    if message is not None and message["type"] == "message":
                        data = message["data"]
                        self._take(data.decode() if isinstance(data, bytes) else str(data))
                    if self.recheck.is_set() or time.monotonic() - checked >= RECHECK_S:
                        self.recheck.clear()
                        pubsub.ping()  # a subscription cut without a word fails here
                        self._take(self.read())
                        checked = time.monotonic()
            except Exception:
                if not self._still_wanted():
                    self.stop.set()  # the cache is another one now (a test's settings)
                elif not self.stop.is_set():
                    logger.warning(
                        "job centre changes not heard, asking the cache on every request",
                        exc_info=True,
                    )
            finally:
                self.live.clear()
                self._take(None)
                try:
                    pubsub.close()
                except Exception:  # the connection is gone already
                    logger.debug("closing the job centre subscription failed", exc_info=True)
            if self.stop.wait(pause):
                return
            pause = min(pause * 2, _RETRY_MAX_S)


class _Current:
    """This process's watcher (None until first asked for) and the lock that starts it."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.lock = threading.Lock()
        self.watcher: _Watcher | None = None


_current = _Current()


def _forget_after_fork() -> None:
    _current.reset()  # the child's own, without the parent's thread


os.register_at_fork(after_in_child=_forget_after_fork)


def _redis_cache() -> SharedRedisCache | None:
    backend = caches["default"]
    return backend if isinstance(backend, SharedRedisCache) else None


def _watcher_for(backend: SharedRedisCache, read: Any) -> _Watcher:
    """This process's watcher of ``backend``'s Redis, started on first use (and anew when
    the cache's settings changed, as in tests)."""
    client = backend.redis()
    found = _current.watcher
    if found is not None and found.client is client:
        return found
    with _current.lock:
        found = _current.watcher
        if found is None or found.client is not client:
            if found is not None:
                found.stop.set()
            found = _Watcher(client, backend.make_key(CHANNEL), read)
            _current.watcher = found
            found.thread.start()
    return found


def heard_version(read: Any) -> tuple[str | None, int]:
    """(the version heard, or None: ask the cache; the sequence number to ``offer`` a
    version read from the cache with). ``read`` is how the thread reads the version."""
    backend = _redis_cache()
    if backend is None:
        if _current.watcher is not None:  # the cache was Redis before (a test's settings)
            _current.watcher.stop.set()
            _current.watcher = None
        return None, -1
    watcher = _watcher_for(backend, read)
    if not watcher.live.is_set():
        return None, -1
    with watcher.lock:
        return watcher.version, watcher.seq


def offer(version: str, seq: int) -> None:
    """Keep ``version``, read from the cache by a request, unless the thread took another
    one since ``heard_version`` gave ``seq`` (or is not listening)."""
    watcher = _current.watcher
    if watcher is None or seq < 0 or not watcher.live.is_set():
        return
    with watcher.lock:
        if watcher.seq == seq and watcher.version is None:
            watcher.version = version
            watcher.seq += 1


def announce(version: str) -> None:
    """Tell every process (this one at once) that ``version`` is the new shared version;
    call after storing it. Without Redis nothing to do: every request asks the cache."""
    backend = _redis_cache()
    if backend is None:
        return
    watcher = _current.watcher
    if watcher is not None and watcher.client is backend.redis():
        watcher._take(version if watcher.live.is_set() else None)
    try:
        backend.redis().publish(backend.make_key(CHANNEL), version)
    except Exception:  # nobody hears it; the threads read the version again within RECHECK_S
        logger.warning("job centre change not announced", exc_info=True)


def forget() -> None:
    """Forget the version heard (the next request asks the cache, and the thread reads it
    again at once): for when the shared cache was emptied behind the platform's back."""
    watcher = _current.watcher
    if watcher is not None:
        watcher._take(None)
        watcher.recheck.set()


def watching() -> bool:
    """Whether this process hears the changes now (for tests and ``/metrics``)."""
    watcher = _current.watcher
    return watcher is not None and watcher.live.is_set()


def stop() -> None:
    """Stop this process's listening thread (tests)."""
    with _current.lock:
        found, _current.watcher = _current.watcher, None
    if found is not None:
        found.stop.set()
        found.thread.join(timeout=2 * _POLL_S + 1)

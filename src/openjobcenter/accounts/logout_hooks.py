"""What other modules do when a session ends by logout (DESIGN §4.4: an explicit
registry, not a signal). The chat and the video call close the sockets that this
session opened."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

LogoutHook = Callable[[int, str], None]  # (user id, session tag)
_hooks: list[LogoutHook] = []


def session_tag(session_key: str | None) -> str:
    """A stand-in for the session key that may travel (e.g. through Redis): the key
    itself is a credential."""
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:32]


def register(hook: LogoutHook) -> LogoutHook:
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def run(*, user_id: int, session_key: str | None) -> None:
    """Called by the account adapter after the logout; a failing hook is logged and
    does not stop the others or the logout."""
    if not session_key:
        return
    tag = session_tag(session_key)
    for hook in list(_hooks):
        try:
            hook(user_id, tag)
        except Exception:
            logger.exception("logout hook %r failed", hook)

"""Session lifetimes per role, and the user's remembered language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import StaffMembership
from openjobcenter.core import clock
from openjobcenter.core.languages import usable_language

_STARTED = "ojc_started"
_SEEN = "ojc_seen"
_ROLE = "ojc_role"
# Refresh the last-seen mark at most this often, so pages do not write the session each time.
_TOUCH_EVERY = 30


def _ends_at(role: str, started: float, seen: float) -> float:
    """The end of a session (Unix time): idle time after it was last seen, or absolute
    time after it started, whichever comes first, by role."""
    if role not in settings.SESSION_IDLE_SECONDS:
        role = "customer"
    return min(
        seen + settings.SESSION_IDLE_SECONDS[role],
        started + settings.SESSION_ABSOLUTE_SECONDS[role],
    )


class SessionLifetimeMiddleware:
    """Ends a session after idle time and after an absolute time, both per role."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            session = request.session
            now = int(clock.now())
            role = session.get(_ROLE)
            if role is None:
                is_staff = StaffMembership.objects.filter(user_id=request.user.pk).exists()
                role = "staff" if is_staff else "customer"
                session[_ROLE] = role
            started = int(session.setdefault(_STARTED, now))
            seen = int(session.setdefault(_SEEN, now))
            if now > _ends_at(role, started, seen):
                # Idle by its pages, but maybe not on its chat or video sockets.
                seen = max(seen, int(socket_activity(session.session_key)))
                if now <= _ends_at(role, started, seen):
                    session[_SEEN] = seen
            if now > _ends_at(role, started, seen):
                logout(request)
                messages.info(
                    request, _("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.")
                )
            elif now - seen >= _TOUCH_EVERY:
                session[_SEEN] = now
        return self.get_response(request)


# A session's WebSockets note their activity here (in the cache, not in the session:
# writing the session from a socket could overwrite what a page request is storing in
# it at the same moment). Pages read it only when the session looks idle.
SOCKET_ACTIVITY_EVERY = 60  # seconds between two notes of one socket


def _activity_key(session_key: str) -> str:
    from openjobcenter.accounts.logout_hooks import session_tag

    return f"ojc:socket_seen:{session_tag(session_key)}"


def note_socket_activity(session_key: str | None, at: float) -> None:
    """A chat or video socket of this session was in use at ``at`` (Unix time): that
    counts as activity for the session's idle time, as a page request does."""
    from django.core.cache import cache

    if not session_key:
        return
    keep = max(settings.SESSION_IDLE_SECONDS.values())
    cache.set(_activity_key(session_key), int(at), timeout=keep)


def socket_activity(session_key: str | None) -> float:
    """When a socket of this session was last in use (0: never, or long ago)."""
    from django.core.cache import cache

    if not session_key:
        return 0.0
    return float(cache.get(_activity_key(session_key)) or 0)


# Further deadlines of a session that sockets must honour, registered by the modules
# that set them (identity/: the roles of an SSO login, confirmed again with the provider
# after their lifetime). Each is asked with the session's key and its stored data and
# answers when to ask again (a Unix time; ``math.inf``: never), or None when the
# session is over (it has ended it).
SessionCheck = Callable[[str, dict[str, Any]], float | None]
_session_checks: list[SessionCheck] = []


def register_session_check(check: SessionCheck) -> SessionCheck:
    if check not in _session_checks:
        _session_checks.append(check)
    return check


def session_deadline(
    session_key: str | None, *, since: float, active_at: float = 0.0
) -> float | None:
    """When the session with this key ends by the rules above (a Unix time), read
    afresh from the session store; None when it is gone or over already. ``active_at``
    is activity the store has not seen (a WebSocket's own frames); ``since`` stands in
    for the marks of a session that no page request has marked yet."""
    from importlib import import_module

    if not session_key:
        return None
    # One read: a session that is gone loads as empty, without a user.
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    if not data.get("_auth_user_id"):
        return None
    started = float(data.get(_STARTED, since))
    seen = max(float(data.get(_SEEN, since)), active_at, socket_activity(session_key))
    deadline = _ends_at(str(data.get(_ROLE, "customer")), started, seen)
    if deadline <= clock.now():
        return None
    for check in list(_session_checks):
        found = check(session_key, data)
        if found is None:
            return None
        deadline = min(deadline, found)
    return deadline


class UserLanguageMiddleware:
    """A logged-in person sees the language saved in their account, on every device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = None
        if request.user.is_authenticated:
            stored = getattr(request.user, "preferred_language", None)
            # A stored code that is not offered (any more) is German, never an error.
            language = usable_language(stored) if stored else None
            if language and language != getattr(request, "LANGUAGE_CODE", None):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )

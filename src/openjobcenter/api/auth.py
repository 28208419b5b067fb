"""API authentication: a personal bearer token, or the browser session (with CSRF).

The order matters. A bearer token travels in a header that a foreign site cannot make a
browser send, so a request carrying a valid token needs no CSRF check; it is tried first.
The session cookie is sent by the browser on its own, so a request that the *session*
authenticates must carry the CSRF token. The check runs only once the session is known to
belong to someone: ninja's ``SessionAuth(csrf=True)`` checks before looking at the session
and answers 403 "CSRF check Failed" for a request with no session at all, which used to end
the chain before the token was ever looked at (token clients could only read).

Every operation of the API is authenticated by default (``NinjaAPI(auth=session_or_token)``
in ``api.urls``); the operations anyone may call are listed in ``api.public``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from openjobcenter.accounts.models import ApiToken, User
from openjobcenter.accounts.services import api_token_touch
from openjobcenter.core.access import mfa_verified_in_session

TOUCH_EVERY = timedelta(minutes=1)
CSRF_FAILED = "CSRF check Failed"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith("ojc_") or len(token) > 100:
            return None
        try:
            found = ApiToken.objects.select_related("user").get(
                key_hash=ApiToken.hash_key(token), revoked_at__isnull=True
            )
        except ApiToken.DoesNotExist:
            return None
        if not found.user.is_active:
            return None
        # "Last used" to the minute is enough; skipping the write saves a commit per call.
        if found.last_used_at is None or timezone.now() - found.last_used_at > TOUCH_EVERY:
            api_token_touch(token=found)
        request.user = found.user
        return found.user


class CsrfSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is checked once the session is someone's."""

    def __init__(self) -> None:
        # csrf=False turns off ninja's check-before-anything in _get_key; ours is below.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not self.accepts(request):
            return None
        # Every method, reads included, as before: Django's check_csrf passes safe methods.
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return user

    def accepts(self, request: HttpRequest) -> bool:
        """Further conditions on the session (none for customers' operations)."""
        return True


class StaffSessionAuth(CsrfSessionAuth):
    """A session of a logged-in person who used the second factor in it.

    Someone logged in who is staff nowhere (a customer) gets 404, as for any staff page:
    that a staff operation exists is not theirs to learn from a 401.
    """

    def accepts(self, request: HttpRequest) -> bool:
        if not _is_staff_anywhere(request.user):
            raise Http404
        return mfa_verified_in_session(request)


class NoStaffToken(TokenAuth):
    """Staff operations take no bearer tokens (a token skips the second factor). A
    customer's valid token is answered like a customer's session, 404; staff's token and
    an invalid one stay a 401 (staff are to use the session with the second factor)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user is not None and not _is_staff_anywhere(user):
            raise Http404
        return None


def _is_staff_anywhere(user: Any) -> bool:
    from openjobcenter.accounts.models import StaffMembership

    return bool(StaffMembership.objects.filter(user=user).exists())


session_or_token = [TokenAuth(), CsrfSessionAuth()]
staff_session = [StaffSessionAuth(), NoStaffToken()]


def auth_user(request: HttpRequest) -> User:
    """The user an API authenticator put on the request (call only behind ``auth=``)."""
    return request.auth  # type: ignore[attr-defined,no-any-return]

"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from openjobcenter.accounts.models import ApiToken, User
from openjobcenter.accounts.services import api_token_touch

TOUCH_EVERY = timedelta(minutes=1)


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


session_or_token = [SessionAuth(csrf=True), TokenAuth()]


def auth_user(request: HttpRequest) -> User:
    """The user an API authenticator put on the request (call only behind ``auth=``)."""
    return request.auth  # type: ignore[attr-defined,no-any-return]

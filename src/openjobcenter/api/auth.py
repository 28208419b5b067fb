"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from openjobcenter.accounts.models import ApiToken
from openjobcenter.accounts.services import api_token_touch


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith("ojc_") or len(token) > 100:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        api_token_touch(token=found)
        request.user = found.user
        return found.user


session_or_token = [SessionAuth(csrf=True), TokenAuth()]

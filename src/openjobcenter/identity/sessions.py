"""Keeping an SSO session honest after the login: the roles are confirmed again with
the provider once their lifetime has passed (a new access token from the refresh token
of the login, then its userinfo answer), and the provider can end sessions itself (OpenID Connect Back-Channel
Logout 1.0)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from openjobcenter.accounts import logout_hooks
from openjobcenter.accounts.models import User
from openjobcenter.core.access import SSO_SESSION_KEY, request_user
from openjobcenter.identity import selectors, services
from openjobcenter.identity.models import IdentityProvider, SsoSession

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# A logout token older than this is refused (its iat), whatever its exp says.
LOGOUT_TOKEN_MAX_AGE = 300
# How long a logout token's jti is remembered, whether or not it has an ``exp``
# (allauth's own jti check skips tokens without one): a token is accepted only while its
# iat is within LOGOUT_TOKEN_MAX_AGE of now, so once this has passed it is refused
# by its iat anyway (a jti noted at iat - MAX_AGE is kept past iat + MAX_AGE).
LOGOUT_JTI_SECONDS = 2 * LOGOUT_TOKEN_MAX_AGE + 60
SOCKET_CHECK_LOCK_SECONDS = 30
SOCKET_CHECK_RETRY_SECONDS = 5.0


def _discovery(provider: IdentityProvider) -> dict[str, Any]:
    from allauth.socialaccount.adapter import get_adapter

    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    with get_adapter().get_requests_session() as http:
        response = http.get(url)
        response.raise_for_status()
        config: dict[str, Any] = response.json()
    if config.get("issuer") != provider.issuer:
        msg = "issuer mismatch"
        raise OAuth2Error(msg)
    return config


def fresh_claims(provider: IdentityProvider, access_token: str) -> dict[str, Any] | None:
    """The provider's current claims for the person (userinfo), or None when it no
    longer accepts the access token."""
    from allauth.socialaccount.adapter import get_adapter
    from requests import RequestException

    try:
        config = _discovery(provider)
        with get_adapter().get_requests_session() as http:
            response = http.get(
                config["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
            )
        if response.status_code in (401, 403):
            return None
        response.raise_for_status()
        data: dict[str, Any] = response.json()
    except (RequestException, ValueError, KeyError, OAuth2Error):
        return None
    return data


def refreshed_tokens(provider: IdentityProvider, refresh_token: str) -> tuple[str, str] | None:
    """A new access token (and the refresh token to keep: the provider may rotate it)
    from the provider's token endpoint, or None when it refuses the refresh token
    (revoked, expired, the person's provider session ended) or does not answer."""
    from allauth.socialaccount.adapter import get_adapter
    from requests import RequestException

    try:
        config = _discovery(provider)
        with get_adapter().get_requests_session() as http:
            response = http.post(
                config["token_endpoint"],
                data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                auth=(provider.client_id, services.provider_secret(provider)),
                headers={"Accept": "application/json"},
            )
        if response.status_code != 200:
            return None
        data = response.json()
        access = str(data.get("access_token") or "")
    except (RequestException, ValueError, KeyError, AttributeError, OAuth2Error):
        return None
    if not access:
        return None
    return access, str(data.get("refresh_token") or refresh_token)


def current_claims(provider: IdentityProvider, sso: dict[str, Any]) -> dict[str, Any] | None:
    """The person's claims now: with a refresh token, a new access token first (the
    login's may have expired long ago; the new tokens go back into ``sso``, sealed),
    then userinfo. None when the provider refuses or does not answer."""
    refresh = services.unseal_token(provider, str(sso.get("refresh_token") or ""))
    if refresh:
        tokens = refreshed_tokens(provider, refresh)
        if tokens is None:
            return None
        access, refresh = tokens
        sso["access_token"] = services.seal_token(provider, access)
        sso["refresh_token"] = services.seal_token(provider, refresh)
    else:
        access = services.unseal_token(provider, str(sso.get("access_token") or ""))
    if not access:
        return None
    return fresh_claims(provider, access)


class RoleLifetimeMiddleware:
    """A person logged in through their administration keeps their roles only as long
    as the provider confirms them: after the job centre's role lifetime, the groups are
    read again; removed from every group (or the provider not answering), the session
    ends at this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        sso = request.session.get(SSO_SESSION_KEY) if request.user.is_authenticated else None
        if sso:
            self._check(request, sso)
        return self.get_response(request)

    def _check(self, request: HttpRequest, sso: dict[str, Any]) -> None:
        provider = selectors.session_provider(str(sso.get("provider", "")))
        lifetime = provider.role_lifetime_seconds if provider is not None else 0
        if provider is not None and time.time() - float(sso.get("checked", 0)) < lifetime:
            return
        if reconfirm_roles(request=request, provider=provider, sso=sso, user=request_user(request)):
            request.session[SSO_SESSION_KEY] = sso
            return
        session_key = request.session.session_key
        SsoSession.objects.filter(session_key=session_key or "").delete()
        logout(request)
        messages.info(
            request,
            _(
                "Ihre Verwaltung hat Ihre Berechtigung nicht erneut bestätigt. Bitte melden "
                "Sie sich erneut an."
            ),
        )


def reconfirm_roles(
    *,
    request: HttpRequest | None,
    provider: IdentityProvider | None,
    sso: dict[str, Any],
    user: User | None,
) -> bool:
    """Ask the provider for the person's groups now and set the roles from them; True
    (``sso`` marked as checked, with renewed tokens) when a role is left, False when none
    is, the provider no longer knows the login or does not answer."""
    if provider is None or user is None:
        return False
    data = current_claims(provider, sso)
    if data is None:
        return False
    subject = (
        provider.identities.filter(pk=int(sso.get("identity") or 0), user_id=user.pk)
        .values_list("subject", flat=True)
        .first()
    )
    if subject is None or str(data.get("sub")) != subject:
        return False
    roles = services.sso_roles_confirm(
        request=request, provider=provider, user=user, groups=services.groups_of(provider, data)
    )
    if not roles:
        return False
    sso["checked"] = time.time()
    return True


def socket_role_deadline(session_key: str, data: dict[str, Any]) -> float | None:
    """The role lifetime for open sockets (``accounts.middleware.session_deadline``):
    when the roles of this session's SSO login are due to be confirmed (``math.inf`` for
    a session without one). Once due, they are confirmed with the provider here, as the
    middleware does for a page, and the session goes on; not confirmed (removed from
    every group, SAML without tokens, the provider not answering), the session ends in
    the store with its sockets (the logout hooks) and None is returned."""
    sso = data.get(SSO_SESSION_KEY)
    if not isinstance(sso, dict) or not sso.get("provider"):
        return math.inf
    provider = selectors.session_provider(str(sso.get("provider", "")))
    if provider is not None:
        due = float(sso.get("checked", 0)) + provider.role_lifetime_seconds
        if time.time() < due:
            return due
    # Several sockets of one session come due together: one asks the provider (a
    # rotated refresh token may be used only once), the others look again shortly.
    lock = f"ojc:role-check:{session_key}"
    if not cache.add(lock, 1, SOCKET_CHECK_LOCK_SECONDS):
        return time.time() + SOCKET_CHECK_RETRY_SECONDS
    try:
        user = User.objects.filter(pk=data.get("_auth_user_id") or 0).first()
        if reconfirm_roles(request=None, provider=provider, sso=sso, user=user):
            assert provider is not None  # noqa: S101 - reconfirm_roles needs one
            # Written back at once (renewed tokens and the new mark): the next page of
            # the session must not confirm again with a refresh token used up here.
            store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
            if store.get("_auth_user_id") == data.get("_auth_user_id"):
                store[SSO_SESSION_KEY] = sso
                store.save()
            return float(sso["checked"]) + provider.role_lifetime_seconds
        rows = list(
            SsoSession.objects.filter(session_key=session_key).select_related(
                "identity__user", "identity__provider__jobcenter"
            )
        )
        if rows:
            services.end_sessions(rows, request=None, reason="role_lifetime")
        else:
            import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete(session_key)
            if user is not None:
                logout_hooks.run(user_id=user.pk, session_key=session_key)
        return None
    finally:
        cache.delete(lock)


def backchannel_logout(provider: IdentityProvider, token: str, *, request: HttpRequest) -> int:
    """End the sessions a valid logout token names (its ``sid``, else every session of
    its ``sub``); the number ended. OAuth2Error for a token that does not verify."""
    config = _discovery(provider)
    data = jwtkit.verify_and_decode(
        credential=token,
        keys_url=config["jwks_uri"],
        issuer=provider.issuer,
        audience=provider.client_id,
        lookup_kid=jwtkit.lookup_kid_jwk,
        verify_signature=True,
    )
    events = data.get("events")
    iat = data.get("iat")
    if (
        not isinstance(events, dict)
        or BACKCHANNEL_EVENT not in events
        or "nonce" in data
        or not isinstance(iat, int | float)
        or abs(time.time() - iat) > LOGOUT_TOKEN_MAX_AGE
        or not (data.get("sid") or data.get("sub"))
        or not data.get("jti")
    ):
        msg = "not a logout token"
        raise OAuth2Error(msg)
    jti_key = f"ojc:logout-jti:{provider.key}:{str(data['jti'])[:200]}"
    if not cache.add(jti_key, 1, LOGOUT_JTI_SECONDS):
        msg = "token already used"
        raise OAuth2Error(msg)
    sessions = SsoSession.objects.filter(identity__provider=provider).select_related(
        "identity__user", "identity__provider__jobcenter"
    )
    if data.get("sub"):
        sessions = sessions.filter(identity__subject=str(data["sub"]))
    if data.get("sid"):
        sessions = sessions.filter(sid=str(data["sid"]))
    return services.end_sessions(list(sessions), request=request, reason="backchannel")

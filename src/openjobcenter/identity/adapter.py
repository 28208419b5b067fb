"""allauth's social-account adapter: the job centres' providers as allauth apps (no
SocialApp rows: ``IdentityProvider`` is the one place they are configured), and the
platform's rules on each login (DESIGN §7 identity)."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from openjobcenter.core import metrics
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.identity import selectors, services
from openjobcenter.identity.models import IdentityProvider

OIDC = "openid_connect"


def social_app(provider: IdentityProvider) -> SocialApp:
    """An unsaved allauth app for one provider."""
    return SocialApp(
        provider=OIDC,
        provider_id=provider.key,
        name=provider.name,
        client_id=provider.client_id,
        secret=services.provider_secret(provider),
        settings={
            "server_url": provider.issuer,
            "issuer": provider.issuer,
            "scope": provider.scope_list,
            # Claims from the signed ID token only; userinfo serves the role re-check.
            "fetch_userinfo": False,
            "oauth_pkce_enabled": True,
        },
    )


def refusal(
    request: HttpRequest, message: str, *, jobcenter: Any, status: int, heading: Any = None
) -> HttpResponse:
    local = jobcenter is not None and not any(
        not p.allow_local_passwords for p in selectors.login_options(jobcenter)
    )
    return render(
        request,
        "identity/login_refused.html",
        {"message": message, "jobcenter": jobcenter, "local_login": local, "heading": heading},
        status=status,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        if provider and provider != OIDC:
            # One provider (a login or its callback): read once per request, and its
            # app (with the unsealed secret) built once.
            row = selectors.provider_by_key(provider, request)
            if row is None or (client_id and row.client_id != client_id):
                return []
            if request is None:
                return [social_app(row)]
            apps: dict[str, SocialApp] = request.__dict__.setdefault("_ojc_social_apps", {})
            if row.key not in apps:
                apps[row.key] = social_app(row)
            return [apps[row.key]]
        rows = selectors.enabled_providers()
        if client_id:
            rows = rows.filter(client_id=client_id)
        return [social_app(row) for row in rows]

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # accounts come from pre_social_login, or not at all

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        key = sociallogin.account.provider
        provider = selectors.provider_by_key(key, request)
        if provider is None:
            raise ImmediateHttpResponse(
                self._refuse(
                    request, None, "unknown_provider", _("Diese Anmeldung ist nicht eingerichtet.")
                )
            )
        data = dict(sociallogin.account.extra_data.get("id_token") or {})
        nonce = (sociallogin.state or {}).get("nonce")
        if not nonce or data.get("nonce") != nonce:
            raise ImmediateHttpResponse(
                self._refuse(
                    request,
                    provider,
                    "nonce",
                    _(
                        "Die Antwort Ihrer Verwaltung passt nicht zu dieser Anmeldung. Bitte versuchen Sie es erneut."
                    ),
                )
            )
        try:
            claims = services.read_claims(provider, data)
            existing = bool(sociallogin.is_existing)  # a query each time it is asked
            linked = sociallogin.user if existing else None
            user, identity = services.sso_login_accept(
                request=request, provider=provider, claims=claims, linked_user=linked
            )
        except services.SsoRefused as refused:
            raise ImmediateHttpResponse(
                self._refuse(request, provider, refused.reason, refused.message)
            ) from None
        request.__dict__[services.IDENTITY_OF_REQUEST] = identity
        if not existing:
            sociallogin.user = user
            sociallogin.save(request, connect=True)
        token = sociallogin.token
        request.session[services.PENDING_KEY] = {
            "user": user.pk,
            "identity": identity.pk,
            "provider": provider.key,
            "sid": claims.sid,
            "second_factor": claims.second_factor,
            # Sealed (documents.storage): the role re-check renews the access token
            # with the refresh token once the role lifetime has passed.
            "access_token": services.seal_token(provider, token.token if token else ""),
            "refresh_token": services.seal_token(provider, token.token_secret if token else ""),
        }

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: BaseException | None = None,
        extra_context: Any = None,
    ) -> None:
        from requests import RequestException

        row = selectors.provider_by_key(
            getattr(getattr(provider, "app", None), "provider_id", ""), request
        )
        if isinstance(exception, RequestException | ValueError):
            reason = f"unreachable:{type(exception).__name__}"
            message = _(
                "Die Anmeldung über Ihre Verwaltung ist gerade nicht erreichbar. Bitte "
                "versuchen Sie es später erneut."
            )
            status = 503
        else:
            reason = f"invalid:{error}:{exception}"[:180]
            message = _(
                "Die Anmeldung über Ihre Verwaltung ist fehlgeschlagen: Die Antwort konnte "
                "nicht bestätigt werden. Bitte versuchen Sie es erneut."
            )
            status = 400
        raise ImmediateHttpResponse(self._refuse(request, row, reason, message, status=status))

    def _refuse(
        self,
        request: HttpRequest,
        provider: IdentityProvider | None,
        reason: str,
        message: str,
        *,
        status: int = 403,
    ) -> HttpResponse:
        return refuse(request, provider, reason, message, status=status)


def refuse(
    request: HttpRequest,
    provider: IdentityProvider | None,
    reason: str,
    message: str,
    *,
    status: int = 403,
    heading: Any = None,
) -> HttpResponse:
    """A login through a provider refused: audited with the reason, nothing pending, the
    German page with the password login where the job centre allows it."""
    metrics.LOGIN_FAILURES.inc()
    request.session.pop(services.PENDING_KEY, None)
    audit(
        request=request,
        action=AuditAction.LOGIN_FAILED,
        object_type="session",
        jobcenter=provider.jobcenter if provider is not None else None,
        detail=f"sso:{provider.key if provider else '-'}:{reason}"[:250],
    )
    jobcenter = provider.jobcenter if provider is not None else None
    return refusal(request, message, jobcenter=jobcenter, status=status, heading=heading)

"""Glue to allauth's OpenID Connect provider (``SOCIALACCOUNT_PROVIDERS
["openid_connect"]["provider_class"]`` points here). No protocol code of our own: two
stricter choices on top of allauth's.

* The ID token's signature is always verified against the provider's published keys
  (allauth skips it for tokens fetched from the token endpoint, which the standard
  allows) and its issuer must be the one the job centre configured, not merely the one
  the discovery document names.
* Each login sends a fresh ``nonce`` and keeps it in allauth's single-use state; the
  ID token must carry it back (``identity.adapter`` checks it).

A provider that cannot be reached gives the German error page, never a 500.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import HttpRequest, HttpResponse
from requests import RequestException


class JobcenterOIDCAdapter(OpenIDConnectOAuth2Adapter):  # type: ignore[misc]
    def _decode_id_token(self, app: Any, id_token: str) -> dict[str, Any]:
        configured = str(app.settings["issuer"])
        if self.openid_config.get("issuer") != configured:
            msg = "the provider names another issuer than the one configured"
            raise OAuth2Error(msg)
        data: dict[str, Any] = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=configured,
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        return data


class JobcenterOIDCProvider(OpenIDConnectProvider):  # type: ignore[misc]
    oauth2_adapter_class = JobcenterOIDCAdapter
    # allauth takes the provider's URLs from ``<package>.urls``: ours route the login and
    # the callback through JobcenterOIDCAdapter (allauth's own views name its adapter).
    package = "openjobcenter.identity.oidc"

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        try:
            response: HttpResponse = super().redirect(
                request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
            )
        except (RequestException, ValueError) as exc:
            # Discovery failed: the provider is down or answers nonsense.
            return render_authentication_error(request, self, exception=exc)  # type: ignore[no-any-return]
        return response

"""allauth's login stage for the platform's own second factor, aware of the provider's:
a person whose administration's login already counted as second factor (acr/amr against
the job centre's list, ``services.read_claims``) is not asked for the platform's TOTP or
passkey as well. Everyone else goes through allauth's stage unchanged."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage
from django.http import HttpRequest

from openjobcenter.identity.services import PENDING_KEY


class ProviderAwareAuthenticateStage(AuthenticateStage):  # type: ignore[misc]
    def _should_handle(self, request: HttpRequest) -> bool:
        user = self.login.user
        pending = request.session.get(PENDING_KEY)
        if (
            user is not None
            and pending
            and pending.get("second_factor") is True
            and pending.get("user") == user.pk
            # Only the provider's login (allauth's social login, or the SAML one) that set ``pending`` (never a password login after
            # an abandoned SSO attempt).
            and {"sociallogin", "ojc_sso"} & set(self.login.signal_kwargs or {})
        ):
            return False
        return bool(super()._should_handle(request))

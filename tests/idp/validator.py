from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth2_provider.oauth2_validators import OAuth2Validator  # type: ignore[import-untyped]

from tests.idp.control import state, state_dir


class Validator(OAuth2Validator):  # type: ignore[misc]
    oidc_claim_scope = None  # every claim below, whatever the scopes

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = state()["users"].get(request.user.username, {})
        claims = {
            "sub": person.get("sub", request.user.username),
            "email": person.get("email"),
            "given_name": person.get("given_name"),
            "family_name": person.get("family_name"),
            "groups": person.get("groups", []),
            "acr": person.get("acr"),
            "amr": person.get("amr"),
            "sid": f"sid-{request.user.username}",
        }
        return {k: v for k, v in claims.items() if v is not None}

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if state()["faults"].get("refresh") == "refuse":
            return False  # revoked at the provider: DOT answers invalid_grant
        return bool(super().validate_refresh_token(refresh_token, client, request, *args, **kwargs))

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        signed: str = super().finalize_id_token(id_token, token, token_handler, request)
        faults = state()["faults"]
        if not faults.get("id_token"):
            return signed
        # Re-sign the token changed as the test asks (a provider gone wrong or an attacker).
        header = jwt.get_unverified_header(signed)
        claims = json.loads(base64.urlsafe_b64decode(signed.split(".")[1] + "=="))
        fault = faults["id_token"]
        key: Any = (state_dir() / "key.pem").read_text()
        if fault == "signature":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif fault == "expired":
            claims["exp"] = int(time.time()) - 600
            claims["iat"] = int(time.time()) - 1200
        elif fault == "issuer":
            claims["iss"] = "https://idp.invalid/realms/fremd"
        elif fault == "audience":
            claims["aud"] = "another-client"
        elif fault == "nonce":
            claims["nonce"] = "not-the-one-sent"
        elif fault == "no_email":
            claims.pop("email", None)
        result: str = jwt.encode(claims, key, algorithm="RS256", headers={"kid": header["kid"]})
        return result

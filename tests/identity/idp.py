"""Start and steer the real test identity provider (tests/idp/) in a second process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "openjobcenter-test"
CLIENT_SECRET = "geheim-" + uuid.uuid4().hex
KEYS = ("sso-test", "sso-test-b")


def callback_uris(host: str) -> list[str]:
    return [f"{host}/konto/oidc/{key}/login/callback/" for key in KEYS]


class TestProvider:
    __test__ = False  # a helper, not a test class

    """A running provider: its issuer, its signing key, its users and faults."""

    def __init__(self, state: Path, extra_redirects: list[str]) -> None:
        self.state = state
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # new each run
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        (state / "key.pem").write_text(self.private_pem)
        self._control: dict[str, Any] = {"users": {}, "faults": {}}
        self._write()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.idp.server",
                str(state),
                CLIENT_ID,
                CLIENT_SECRET,
                *callback_uris("http://testserver"),
                *extra_redirects,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            msg = f"test identity provider did not start: {line!r}"
            raise RuntimeError(msg)
        self.port = int(line.split()[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/o"
        # The key id the provider publishes (django-oauth-toolkit: the JWK thumbprint).
        keys = requests.get(f"{self.issuer}/.well-known/jwks.json", timeout=10).json()
        self.kid = str(keys["keys"][0]["kid"])

    def _write(self) -> None:
        tmp = self.state / "control.json.tmp"
        tmp.write_text(json.dumps(self._control))
        tmp.replace(self.state / "control.json")

    def set_user(self, username: str, **claims: Any) -> None:
        person = {
            "password": "idp-passwort",
            "email": f"{username}@kreis.example",
            "given_name": username.title(),
            "family_name": "Verwaltung",
            "groups": [],
        }
        person.update(claims)
        self._control["users"][username] = {k: v for k, v in person.items() if v is not None}
        self._write()

    def fault(self, id_token: str | None) -> None:
        self._control["faults"] = {"id_token": id_token} if id_token else {}
        self._write()

    def refuse_refresh(self) -> None:
        """The provider refuses every refresh token from now on (revoked, session over)."""
        self._control["faults"] = {**self._control["faults"], "refresh": "refuse"}
        self._write()

    def reset(self) -> None:
        self._control = {"users": {}, "faults": {}}
        self._write()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def logout_token(self, *, audience: str = CLIENT_ID, key: Any = None, **claims: Any) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "iat": now,
            "exp": now + 120,
            "jti": uuid.uuid4().hex,
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
        }
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(
            payload, key or self.private_pem, algorithm="RS256", headers={"kid": self.kid}
        )


def provider_login(idp: TestProvider, authorize_url: str, username: str) -> str:
    """The person's part at the provider (its own login form, over HTTP); returns the
    address the provider sends the browser back to (the platform's callback)."""
    http = requests.Session()
    response = http.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    login_url = urljoin(authorize_url, response.headers["Location"])
    response = http.post(
        login_url,
        data={
            "username": username,
            "password": "idp-passwort",
            "next": urlsplit(login_url).query.removeprefix("next=") and _next(login_url),
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = http.get(
        urljoin(login_url, response.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text[:500]
    return str(response.headers["Location"])


def _next(url: str) -> str:
    from urllib.parse import parse_qs

    return parse_qs(urlsplit(url).query)["next"][0]


def start_login(client: Client, key: str, next_url: str = "") -> str:
    """The platform's part: the button on the login page. Returns the provider's
    authorize address."""
    data = {"next": next_url} if next_url else {}
    response = client.post(f"/konto/oidc/{key}/login/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def finish_login(
    client: Client, callback: str, *, host: str = "testserver", follow: bool = True
) -> Any:
    parts = urlsplit(callback)
    assert parts.netloc == host, callback
    return client.get(f"{parts.path}?{parts.query}", follow=follow)


def sso_login(
    client: Client, idp: TestProvider, key: str, username: str, next_url: str = ""
) -> Any:
    authorize = start_login(client, key, next_url)
    return finish_login(client, provider_login(idp, authorize, username))

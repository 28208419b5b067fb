"""The test SAML IdP (``tests/samlidp/server.py``) as a process, and helpers to drive a
login through it: our AuthnRequest over HTTP-Redirect to the IdP by real HTTP, its
Response over HTTP-POST back to our ACS through Django's test client. One IdP for both
SAML service providers of the platform, started with the entity id and name each needs
(``tests/bundid/conftest.py``: the BundID; ``tests/identity/test_sso_saml.py``: a
municipality's IdP)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

from openjobcenter.core.saml import new_key_pair
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Idp:
    state: Path
    port: int
    process: subprocess.Popen[str]
    entity_id: str
    defaults: dict[str, Any]

    @property
    def metadata_xml(self) -> str:
        return (self.state / "idp-metadata.xml").read_text()

    def scenario(self, **kw: Any) -> None:
        """Who logs in next and how (the IdP's defaults, with ``kw`` over them)."""
        (self.state / "scenario.json").write_text(json.dumps({**self.defaults, **kw}))

    def trust_sp(self, name: str, metadata: str) -> None:
        (self.state / f"sp-{name}.xml").write_text(metadata)

    def logout_request(self, sp: str, name_id: str, variant: str = "ok") -> str:
        """The address of a LogoutRequest of this IdP to the service provider ``sp``
        (its entity id) for ``name_id``: ``ok`` (signed), ``unsigned``, ``rogue`` (signed
        with a key the SP does not know), ``other_issuer``."""
        answer = httpx.get(
            f"http://127.0.0.1:{self.port}/test/logout-request",
            params={"sp": sp, "name_id": name_id, "variant": variant},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.text

    def last_logout(self) -> dict[str, Any]:
        """The LogoutRequest our service provider sent last (name id and issuer)."""
        data: dict[str, Any] = json.loads((self.state / "last-logout.json").read_text())
        return data


def _write_pair(state: Path, name: str) -> None:
    key, cert = new_key_pair(f"test {name}")
    (state / f"{name}.key").write_text(key)
    (state / f"{name}.crt").write_text(cert)


@contextmanager
def running_idp(
    tmp_path_factory: pytest.TempPathFactory,
    *,
    entity_id: str,
    name: str,
    defaults: dict[str, Any] | None = None,
) -> Iterator[Idp]:
    """The test IdP in its own process on a free loopback port, with new keys."""
    if shutil.which("xmlsec1") is None:
        if IN_CI:
            pytest.fail("xmlsec1 is missing (apt-get install xmlsec1)", pytrace=False)
        pytest.skip("xmlsec1 is missing")
    state = tmp_path_factory.mktemp("saml-idp")
    _write_pair(state, "idp")
    _write_pair(state, "rogue")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.samlidp.server", str(state), entity_id, name],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.match(r"PORT (\d+)", line)
    if match is None:
        process.kill()
        pytest.fail(f"the test IdP did not start: {line!r}")
    idp = Idp(
        state=state,
        port=int(match.group(1)),
        process=process,
        entity_id=entity_id,
        defaults=dict(defaults or {}),
    )
    idp.scenario()
    try:
        yield idp
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Posted:
    url: str
    data: dict[str, str]


def idp_answer(client: Client, start_url: str) -> Posted:
    """Start a login at ``start_url`` and let the IdP answer: the form it would make the
    browser post."""
    start = client.get(start_url)
    assert start.status_code == 302, start.content[:500]
    location = start["Location"]
    assert location.startswith("http://127.0.0.1:")
    answer = httpx.get(location, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    action = unescape(re.search(r'action="([^"]+)"', answer.text).group(1))  # type: ignore[union-attr]
    fields = {
        unescape(n): unescape(v)
        for n, v in re.findall(r'name="([^"]+)"\s+value="([^"]*)"', answer.text)
    }
    return Posted(url=action, data=fields)


def post_answer(client: Client, posted: Posted) -> Any:
    path = httpx.URL(posted.url).raw_path.decode()
    return client.post(path, posted.data)

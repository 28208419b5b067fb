"""A real SAML identity provider for the BundID tests (pysaml2's IdP server code in its
own process on loopback, ``tests/bundid/idp_server.py``) and helpers that drive a login
through it: our AuthnRequest over HTTP-Redirect to the IdP by real HTTP, its Response
over HTTP-POST back to our ACS through Django's test client."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

from openjobcenter.accounts.models import User
from openjobcenter.bundid import saml, services
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
ATTRS = {
    "urn:oid:2.5.4.42": "Erika",
    "urn:oid:2.5.4.4": "Mustermann",
    "urn:oid:1.2.40.0.10.2.1.1.55": "1984-08-12",
    "urn:oid:2.5.4.16": "Heinrichstraße 8",
    "urn:oid:2.5.4.17": "36037",
    "urn:oid:2.5.4.7": "Fulda",
    "urn:oid:0.9.2342.19200300.100.1.3": "erika@example.org",
}


@dataclass
class Idp:
    state: Path
    port: int
    process: subprocess.Popen[str]

    @property
    def metadata_xml(self) -> str:
        return (self.state / "idp-metadata.xml").read_text()

    def scenario(self, **kw: Any) -> None:
        data = {"subject": "pseudonym-erika", "attributes": ATTRS, "level": "STORK-QAA-Level-3"}
        data.update(kw)
        (self.state / "scenario.json").write_text(json.dumps(data))

    def trust_sp(self, name: str, metadata: str) -> None:
        (self.state / f"sp-{name}.xml").write_text(metadata)


def _write_pair(state: Path, name: str) -> None:
    key, cert = saml.new_key_pair(f"test {name}")
    (state / f"{name}.key").write_text(key)
    (state / f"{name}.crt").write_text(cert)


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Idp]:
    if shutil.which("xmlsec1") is None:
        if IN_CI:
            pytest.fail("xmlsec1 is missing (apt-get install xmlsec1)", pytrace=False)
        pytest.skip("xmlsec1 is missing")
    state = tmp_path_factory.mktemp("idp")
    _write_pair(state, "idp")
    _write_pair(state, "rogue")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bundid.idp_server", str(state)],
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
    idp = Idp(state=state, port=int(match.group(1)), process=process)
    idp.scenario()
    yield idp
    process.terminate()
    process.wait(timeout=10)


def enable_bundid(
    client: Client, jobcenter: Jobcenter, idp: Idp, *, levels: dict[str, int] | None = None
) -> None:
    """Switch the BundID on for ``jobcenter`` with the test IdP's metadata, and give the
    IdP our service provider's metadata as served by our own metadata page."""
    admin = User.objects.create_user(email=f"bundid-admin-{jobcenter.slug}@example.org")
    services.settings_save(
        request=None,
        actor=admin,
        jobcenter=jobcenter,
        enabled=True,
        idp_metadata_xml=idp.metadata_xml,
        sp_entity_id="",
        min_levels=levels or {},
    )
    response = Client().get(f"/{jobcenter.slug}/bundid/metadata/")
    assert response.status_code == 200
    idp.trust_sp(jobcenter.slug, response.content.decode())


@dataclass
class Posted:
    url: str
    data: dict[str, str]


def idp_answer(client: Client, jobcenter: Jobcenter, query: str = "") -> Posted:
    """Start a login and let the IdP answer: the form it would make the browser post."""
    start = client.get(f"/{jobcenter.slug}/bundid/anmelden/{query}")
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


def login(client: Client, jobcenter: Jobcenter, query: str = "") -> Any:
    return post_answer(client, idp_answer(client, jobcenter, query))

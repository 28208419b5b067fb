"""The FIT-Connect stand-in and its keys, shared by the FIT-Connect tests: a destination
key of 4096 bits with its certificate under a test CA (made once per session), the
service's event signing key, the stand-in server in its own process (``standin``), the
job centre's configuration (``configure``), and reading back and decrypting what arrived
(``StandIn.raw`` gives the requests as sent, still encrypted; ``decrypt`` opens a JWE
with the destination's private key, as the receiving authority would)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from joserfc import jwe
from joserfc.jwk import RSAKey

from openjobcenter.applications.models import HandoffConfig
from openjobcenter.handoff.fitconnect import crypto

ROOT = Path(__file__).resolve().parents[2]
LEIKA = "urn:de:fim:leika:leistung:99050012104000"
DESTINATION = str(uuid.UUID("3b7c4e6a-1f2d-4c3b-9a8e-5d6f7a8b9c0d"))


def _cert(
    subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool, days: int = 365
) -> x509.Certificate:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _b64der(cert: x509.Certificate) -> str:
    import base64

    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="session")
def keys() -> dict[str, Any]:
    """The destination's 4096-bit key with a certificate under a test CA (made once: a
    4096-bit key takes seconds), another CA, and the service's event signing key."""
    destination = RSAKey.generate_key(4096, private=True, parameters={"kid": "enc-key-1"})
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test-Wurzel-CA", ca_key, "Test-Wurzel-CA", ca_key, ca=True)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _cert("Fremde CA", other_key, "Fremde CA", other_key, ca=True)
    rsa_public = destination.public_key
    assert isinstance(rsa_public, rsa.RSAPublicKey)

    class _Pub:
        def public_key(self) -> Any:
            return rsa_public

    leaf = _cert("Zustellpunkt Jobcenter", _Pub(), "Test-Wurzel-CA", ca_key, ca=False)
    public = {
        **destination.as_dict(private=False),
        "kid": "enc-key-1",
        "alg": "RSA-OAEP-256",
        "key_ops": ["wrapKey"],
        "x5c": [_b64der(leaf)],
    }
    event_key = RSAKey.generate_key(2048, private=True, parameters={"kid": "sig-1"})
    return {
        "destination_private": destination.as_dict(private=True),
        "destination_public": public,
        "ca_pem": _pem(ca),
        "other_ca_pem": _pem(other_ca),
        "event_key": {**event_key.as_dict(private=True), "kid": "sig-1"},
    }


class StandIn:
    def __init__(self, state: Path, keys: dict[str, Any], **behaviour: Any) -> None:
        self.state = state
        config = {
            "client_id": "ojc-test",
            "client_secret": "geheim-genug",
            "destination_id": DESTINATION,
            "leika": LEIKA,
            **{k: keys[k] for k in ("destination_private", "destination_public", "event_key")},
            **behaviour,
        }
        (state / "config.json").write_text(json.dumps(config))
        env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.handoff.fitconnect_standin", str(state)],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while not (state / "port").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                msg = "stand-in FIT-Connect did not start"
                raise RuntimeError(msg)
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{(state / 'port').read_text()}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def created(self) -> list[str]:
        path = self.state / "created"
        return path.read_text().split() if path.exists() else []

    def problems(self) -> str:
        path = self.state / "problems.log"
        return path.read_text() if path.exists() else ""

    def submission(self, sid: str) -> dict[str, Any]:
        folder = self.state / "submissions" / sid
        return {
            "metadata": json.loads((folder / "metadata.json").read_text()),
            "data": json.loads((folder / "data.json").read_text()),
            "create": json.loads((folder / "create.json").read_text()),
            "attachments": {p.name: p.read_bytes() for p in (folder / "attachments").iterdir()},
        }

    def raw(self, sid: str) -> dict[str, Any]:
        """The requests of one submission as they came in (JWE still closed)."""
        folder = self.state / "submissions" / sid / "raw"
        return {
            "create": json.loads((folder / "create.json").read_text()),
            "submit": json.loads((folder / "submit.json").read_text()),
            "attachments": {p.stem: p.read_text() for p in folder.glob("*.jose")},
        }


def decrypt(value: str, keys: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Open a JWE with the destination's private key: (protected header, plaintext)."""
    key = RSAKey.import_key(keys["destination_private"])
    obj = jwe.decrypt_compact(value, key, registry=crypto.JWE_REGISTRY)
    return dict(obj.protected), bytes(obj.plaintext or b"")


@pytest.fixture
def standin(tmp_path: Path, keys: dict[str, Any]) -> Iterator[Callable[..., StandIn]]:
    started: list[StandIn] = []

    def start(**behaviour: Any) -> StandIn:
        folder = tmp_path / f"fc{len(started)}"
        folder.mkdir()
        s = StandIn(folder, keys, **behaviour)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def fast_polls(settings: Any) -> None:
    settings.APPLICATIONS_HANDOFF = {
        **settings.APPLICATIONS_HANDOFF,
        "fitconnect_poll_tries": 3,
        "fitconnect_poll_interval_s": 0.05,
    }


def configure(jc: Any, url: str, **extra: str) -> None:
    HandoffConfig.objects.create(
        jobcenter=jc,
        backend="fitconnect",
        config={
            "token_url": f"{url}/token",
            "api_url": url,
            "client_id": "ojc-test",
            "client_secret": "geheim-genug",
            "destination_id": DESTINATION,
            "leika": LEIKA,
            **extra,
        },
    )

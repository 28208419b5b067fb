"""A real SAML identity provider for the staff SSO tests (a municipality's IdP that
speaks only SAML): pysaml2's own ``saml2.server.Server`` behind a small HTTP server on
loopback, in its own process. The same server as ``tests/bundid/idp_server.py`` with
another entity id and attributes with several values (the groups).

Usage: ``python -m tests.identity.saml_idp STATE_DIR`` prints ``PORT <n>`` once it listens.
STATE_DIR holds ``idp.key``/``idp.crt``, ``rogue.key``/``rogue.crt``, ``sp-*.xml`` (the
service providers' metadata) and ``scenario.json`` (``subject``, ``attributes`` (name ->
value or list), ``level`` (AuthnContextClassRef), ``variant``: ``ok``, ``wrong_issuer``,
``bad_signature``), all re-read on every request; it writes ``idp-metadata.xml``.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import saml2
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

ENTITY_ID = "https://idp.kreis.test/saml"
ROGUE_ENTITY_ID = "https://rogue.kreis.test/saml"


def _config(state: Path, port: int, *, entity_id: str, key: str) -> IdPConfig:
    base = f"http://127.0.0.1:{port}"
    data: dict[str, Any] = {
        "entityid": entity_id,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "allow_unknown_attributes": True,
        "key_file": str(state / f"{key}.key"),
        "cert_file": str(state / f"{key}.crt"),
        "service": {
            "idp": {
                "name": "Kreisverwaltung (Test)",
                "endpoints": {
                    "single_sign_on_service": [
                        (f"{base}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)
                    ],
                },
                "want_authn_requests_signed": True,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {
                    "default": {
                        "lifetime": {"minutes": 5},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
            }
        },
        "metadata": {"local": sorted(str(p) for p in state.glob("sp-*.xml"))},
    }
    conf = IdPConfig()
    conf.load(data)
    return conf


def make_handler(state: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _send(self, status: int, body: str, content_type: str = "text/html") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/sso/redirect":
                self._send(404, "not found", "text/plain")
                return
            query = {k: v[0] for k, v in parse_qs(str(parts.query)).items()}
            port = cast("ThreadingHTTPServer", self.server).server_port
            scenario = json.loads((state / "scenario.json").read_text())
            idp = Server(config=_config(state, port, entity_id=ENTITY_ID, key="idp"))
            try:
                req = idp.parse_authn_request(
                    query["SAMLRequest"],
                    saml2.BINDING_HTTP_REDIRECT,
                    relay_state=query.get("RelayState"),
                    sigalg=query.get("SigAlg"),
                    signature=query.get("Signature"),
                )
            except Exception as exc:  # refused request: a plain 400 as a real IdP would
                self._send(400, f"bad request: {type(exc).__name__}", "text/plain")
                return
            message = req.message
            sp_entity_id = message.issuer.text
            acs = message.assertion_consumer_service_url
            variant = scenario.get("variant", "ok")
            signer = idp
            if variant == "wrong_issuer":
                signer = Server(config=_config(state, port, entity_id=ROGUE_ENTITY_ID, key="idp"))
            elif variant == "bad_signature":
                signer = Server(config=_config(state, port, entity_id=ENTITY_ID, key="rogue"))
            identity = {
                k: v if isinstance(v, list) else [v]
                for k, v in (scenario.get("attributes") or {}).items()
            }
            name_id = NameID(
                format=NAMEID_FORMAT_PERSISTENT,
                sp_name_qualifier=sp_entity_id,
                text=scenario.get("subject", "pseudonym-1"),
            )
            response = signer.create_authn_response(
                identity,
                in_response_to=message.id,
                destination=acs,
                sp_entity_id=sp_entity_id,
                name_id=name_id,
                authn={
                    "class_ref": scenario.get("level", "STORK-QAA-Level-1"),
                    "authn_auth": ENTITY_ID,
                },
                sign_assertion=True,
                sign_response=False,
                encrypt_assertion=bool(scenario.get("encrypt")),
                encrypt_assertion_self_contained=True,
                encrypt_cert_assertion=None,
            )
            http_args = signer.apply_binding(
                saml2.BINDING_HTTP_POST,
                str(response),
                destination=acs,
                relay_state=query.get("RelayState", ""),
                response=True,
            )
            self._send(200, http_args["data"])

    return Handler


def main() -> None:
    state = Path(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    port = server.server_port
    conf = _config(state, port, entity_id=ENTITY_ID, key="idp")
    (state / "idp-metadata.xml").write_bytes(create_metadata_string(None, config=conf, valid=24))
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()

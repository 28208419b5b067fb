"""A real SAML identity provider for the tests of both SAML service providers of the
platform (the customers' BundID, ``tests/bundid/``, and the staff login through a
municipality's IdP, ``tests/identity/``): pysaml2's own ``saml2.server.Server`` behind a
small HTTP server on loopback, in its own process (started by ``tests/samlidp/harness.py``).
No Django here.

Usage: ``python -m tests.samlidp.server STATE_DIR ENTITY_ID NAME`` prints ``PORT <n>``
once it listens; ENTITY_ID and NAME make it the BundID or a municipality's IdP.

STATE_DIR holds ``idp.key``/``idp.crt`` (its signing key), ``rogue.key``/``rogue.crt`` (a
key the service provider does not know), ``sp-*.xml`` (the service providers' metadata,
re-read on every request) and ``scenario.json`` (who logs in and how; re-read on every
request). The IdP writes ``idp-metadata.xml`` for the service provider.

A GET of ``/sso/redirect`` (HTTP-Redirect binding, signature of the AuthnRequest checked)
answers at once, without a login form, with the HTML form of the HTTP-POST binding that
carries the signed Response to the requester's ACS. Scenario keys: ``subject``,
``attributes`` (name -> value or list of values), ``level`` (AuthnContextClassRef),
``variant`` (``ok``, ``wrong_issuer``: another entity id signs; ``bad_signature``: an
unknown key signs), ``encrypt`` (the assertion encrypted for the SP).

Single logout: ``/slo/redirect`` takes the SP's LogoutRequest (its signature checked),
notes it in ``last-logout.json`` and redirects with a signed LogoutResponse to the SP's
Single Logout Service; ``/test/logout-request?sp=…&name_id=…&variant=ok|unsigned|rogue|other_issuer``
answers with the address of an IdP-initiated LogoutRequest for the tests.
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
from saml2.xmldsig import SIG_RSA_SHA256

ROGUE_ENTITY_ID = "https://rogue.test/idp"


def _config(state: Path, port: int, *, entity_id: str, key: str, name: str = "") -> IdPConfig:
    base = f"http://127.0.0.1:{port}"
    data: dict[str, Any] = {
        "entityid": entity_id,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "allow_unknown_attributes": True,
        "key_file": str(state / f"{key}.key"),
        "cert_file": str(state / f"{key}.crt"),
        "service": {
            "idp": {
                "name": name or "Test-IdP",
                "endpoints": {
                    "single_sign_on_service": [
                        (f"{base}/sso/redirect", saml2.BINDING_HTTP_REDIRECT)
                    ],
                    "single_logout_service": [
                        (f"{base}/slo/redirect", saml2.BINDING_HTTP_REDIRECT)
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


def make_handler(state: Path, entity_id: str, name: str) -> type[BaseHTTPRequestHandler]:
    def config(port: int, *, issuer: str = entity_id, key: str = "idp") -> IdPConfig:
        return _config(state, port, entity_id=issuer, key=key, name=name)

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

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _slo(self, query: dict[str, str], port: int) -> None:
            """Our LogoutRequest from the SP (signature checked): a signed LogoutResponse
            back to the SP's single logout service (HTTP-Redirect)."""
            idp = Server(config=config(port))
            idp.config.setattr("idp", "want_authn_requests_signed", True)
            try:
                req = idp.parse_logout_request(
                    query["SAMLRequest"],
                    saml2.BINDING_HTTP_REDIRECT,
                    relay_state=query.get("RelayState"),
                    sigalg=query.get("SigAlg"),
                    signature=query.get("Signature"),
                )
            except Exception as exc:
                self._send(400, f"bad request: {type(exc).__name__}", "text/plain")
                return
            (state / "last-logout.json").write_text(
                json.dumps({"name_id": req.message.name_id.text, "issuer": req.message.issuer.text})
            )
            response = idp.create_logout_response(
                req.message, [saml2.BINDING_HTTP_REDIRECT], sign=False
            )
            rinfo = idp.response_args(req.message, [saml2.BINDING_HTTP_REDIRECT])
            http_args = idp.apply_binding(
                rinfo["binding"],
                str(response),
                rinfo["destination"],
                query.get("RelayState", ""),
                response=True,
                sign=True,
                sigalg=SIG_RSA_SHA256,
            )
            self._redirect(dict(http_args["headers"])["Location"])

        def _mint_logout(self, query: dict[str, str], port: int) -> None:
            """For the tests: the address of an IdP-initiated LogoutRequest to the SP
            ``sp`` for the NameID ``name_id``; ``variant``: ``ok`` (signed), ``unsigned``,
            ``rogue`` (signed with a key the SP does not know), ``other_issuer`` (signed
            with the IdP's key, but naming another entity id as issuer)."""
            variant = query.get("variant", "ok")
            key = "rogue" if variant == "rogue" else "idp"
            issuer = ROGUE_ENTITY_ID if variant == "other_issuer" else entity_id
            idp = Server(config=config(port, issuer=issuer, key=key))
            sp = query["sp"]
            destination = idp.metadata.single_logout_service(
                sp, saml2.BINDING_HTTP_REDIRECT, "spsso"
            )[0]["location"]
            name_id = NameID(
                format=NAMEID_FORMAT_PERSISTENT, sp_name_qualifier=sp, text=query["name_id"]
            )
            _id, request = idp.create_logout_request(
                destination, issuer, name_id=name_id, sign=False
            )
            http_args = idp.apply_binding(
                saml2.BINDING_HTTP_REDIRECT,
                str(request),
                destination,
                "",
                sign=variant != "unsigned",
                sigalg=SIG_RSA_SHA256,
            )
            self._send(200, dict(http_args["headers"])["Location"], "text/plain")

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(str(parts.query)).items()}
            port = cast("ThreadingHTTPServer", self.server).server_port
            if parts.path == "/slo/redirect":
                self._slo(query, port)
                return
            if parts.path == "/test/logout-request":
                self._mint_logout(query, port)
                return
            if parts.path != "/sso/redirect":
                self._send(404, "not found", "text/plain")
                return
            scenario = json.loads((state / "scenario.json").read_text())
            idp = Server(config=config(port))
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
                signer = Server(config=config(port, issuer=ROGUE_ENTITY_ID))
            elif variant == "bad_signature":
                signer = Server(config=config(port, key="rogue"))
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
                    "authn_auth": entity_id,
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
    state, entity_id, name = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, entity_id, name))
    port = server.server_port
    conf = _config(state, port, entity_id=entity_id, key="idp", name=name)
    (state / "idp-metadata.xml").write_bytes(create_metadata_string(None, config=conf, valid=24))
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()

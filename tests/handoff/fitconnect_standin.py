"""A stand-in FIT-Connect submission service for the tests, run in its own process on
loopback: ``python -m tests.handoff.fitconnect_standin <state dir>``.

It implements the sender's side of the Submission API as FITKO's official OpenAPI file
in ``handoff/fitconnect/spec`` describes it (destination, key, create, attachment, submit,
the case's event log, JWKS; and the token endpoint),
checks every request against that specification, decrypts what it receives with the
destination's private key, checks the metadata against the FIT-Connect metadata schema
and the hashes against the decrypted data and attachments, and then writes an accept or
reject event (a PS512-signed Security Event Token) to the submission's log.

``<state dir>/config.json`` says who it is (client, destination, keys) and how to behave
(``refuse_token``, ``reject``, ``decide_after_polls``); it writes its port to
``<state dir>/port``, each submission's decrypted parts to ``<state dir>/submissions/<id>/``
(with the requests as received, still encrypted, under ``raw/``, for the tests to decrypt
themselves) and every problem it found to ``<state dir>/problems.log``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from joserfc import jwe, jws
from joserfc.jwk import RSAKey

from openjobcenter.handoff.fitconnect import crypto, spec

STATE = Path(sys.argv[1]) if __name__ == "__main__" else Path()
CONFIG: dict[str, Any] = {}
SUBMISSIONS: dict[str, dict[str, Any]] = {}
TOKEN = "standin-" + uuid.uuid4().hex


def _problem(text: str) -> None:
    with (STATE / "problems.log").open("a") as fh:
        fh.write(text + "\n")


def _answer(start: Any, status: str, body: Any = None) -> list[bytes]:
    data = b"" if body is None else json.dumps(body).encode()
    start(status, [("Content-Type", "application/json")])
    return [data]


def _event(submission_id: str, event: str, payload: dict[str, Any]) -> str:
    claims = {
        "iss": "standin",
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
        "sub": f"submission:{submission_id}",
        "txn": f"case:{SUBMISSIONS[submission_id]['caseId']}",
        "events": {event: payload},
    }
    key = RSAKey.import_key(CONFIG["event_key"])
    return jws.serialize_compact(
        {"alg": "PS512", "typ": "secevent+jwt", "kid": CONFIG["event_key"]["kid"]},
        json.dumps(claims).encode(),
        key,
        registry=crypto.JWS_REGISTRY,
    )


def _decrypt(value: str) -> bytes:
    key = RSAKey.import_key(CONFIG["destination_private"])
    obj = jwe.decrypt_compact(value, key, registry=crypto.JWE_REGISTRY)
    header = obj.protected
    if header.get("alg") != crypto.ALG or header.get("enc") != crypto.ENC:
        msg = f"wrong JWE algorithms {header}"
        raise ValueError(msg)
    return bytes(obj.plaintext or b"")


def _decide(submission_id: str) -> None:
    """Check the submitted parts; write accept or reject to the event log."""
    sub = SUBMISSIONS[submission_id]
    problems: list[str] = []
    metadata = sub["metadata"]
    try:
        spec.check_metadata(metadata)
    except spec.SpecError as exc:
        problems.append(f"metadata: {exc}")
    content = metadata.get("contentStructure", {})
    data_hash = content.get("data", {}).get("hash", {}).get("content")
    if data_hash != hashlib.sha512(sub["data"]).hexdigest():
        problems.append("data hash")
    described = {a["attachmentId"]: a for a in content.get("attachments", [])}
    if set(described) != set(sub["announced"]) or set(sub["attachments"]) != set(sub["announced"]):
        problems.append("attachments announced, described and uploaded differ")
    for aid, blob in sub["attachments"].items():
        if (
            described.get(aid, {}).get("hash", {}).get("content")
            != hashlib.sha512(blob).hexdigest()
        ):
            problems.append(f"attachment hash {aid}")
    if metadata.get("publicServiceType", {}).get("identifier") != sub["serviceType"]["identifier"]:
        problems.append("service type")
    for p in problems:
        _problem(f"{submission_id}: {p}")
    if problems or CONFIG.get("reject"):
        payload = {
            "problems": [
                {
                    "type": "https://schema.fitko.de/fit-connect/events/problems/"
                    + ("missing-authentication" if CONFIG.get("reject") else "incorrect-content"),
                    "title": "Zurückgewiesen",
                }
            ]
        }
        sub["events"].append(
            _event(
                submission_id,
                "https://schema.fitko.de/fit-connect/events/reject-submission",
                payload,
            )
        )
    else:
        sub["events"].append(
            _event(
                submission_id, "https://schema.fitko.de/fit-connect/events/accept-submission", {}
            )
        )


def _store(submission_id: str) -> None:
    sub = SUBMISSIONS[submission_id]
    folder = STATE / "submissions" / submission_id
    (folder / "attachments").mkdir(parents=True, exist_ok=True)
    (folder / "metadata.json").write_text(json.dumps(sub["metadata"]))
    (folder / "data.json").write_bytes(sub["data"])
    (folder / "create.json").write_text(
        json.dumps({"serviceType": sub["serviceType"], "destinationId": sub["destinationId"]})
    )
    for aid, blob in sub["attachments"].items():
        (folder / "attachments" / aid).write_bytes(blob)
    (folder / "raw").mkdir(exist_ok=True)
    (folder / "raw" / "create.json").write_text(json.dumps(sub["create_request"]))
    (folder / "raw" / "submit.json").write_text(json.dumps(sub["submit_request"]))
    for aid, jose in sub["raw_attachments"].items():
        (folder / "raw" / f"{aid}.jose").write_text(jose)


def app(environ: dict[str, Any], start: Any) -> list[bytes]:
    method = environ["REQUEST_METHOD"]
    path = environ["PATH_INFO"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    operation = spec.operation(method, path)
    if operation is None:
        _problem(f"not in the specification: {method} {path}")
        return _answer(
            start, "404 Not Found", {"type": "about:blank", "title": "unknown", "status": 404}
        )
    ctype = environ.get("CONTENT_TYPE", "")
    if path == "/token":
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        try:
            spec.check_component("TokenRequest", form)
        except spec.SpecError as exc:
            _problem(str(exc))
            return _answer(start, "400 Bad Request", {"error": "invalid_request"})
        if (
            CONFIG.get("refuse_token")
            or form["client_secret"] != CONFIG["client_secret"]
            or form["client_id"] != CONFIG["client_id"]
        ):
            return _answer(start, "401 Unauthorized", {"error": "invalid_client"})
        return _answer(
            start, "200 OK", {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 1800}
        )
    if path == "/.well-known/jwks.json":
        public = {k: v for k, v in CONFIG["event_key"].items() if k in ("kty", "n", "e", "kid")}
        return _answer(
            start, "200 OK", {"keys": [{**public, "alg": "PS512", "key_ops": ["verify"]}]}
        )
    if environ.get("HTTP_AUTHORIZATION") != f"Bearer {TOKEN}":
        return _answer(
            start, "401 Unauthorized", {"type": "about:blank", "title": "token", "status": 401}
        )
    parts = path.strip("/").split("/")
    destination = CONFIG["destination_id"]
    if parts[:2] == ["v1", "destinations"]:
        if parts[2] != destination:
            return _answer(
                start,
                "404 Not Found",
                {"type": "about:blank", "title": "destination", "status": 404},
            )
        if len(parts) == 3:
            return _answer(
                start,
                "200 OK",
                {
                    "destinationId": destination,
                    "status": "active",
                    "services": [
                        {
                            "identifier": CONFIG["leika"],
                            "regions": ["DE06631"],
                            "submissionSchemas": [
                                {
                                    "schemaUri": "urn:openjobcenter:handoff:envelope:1",
                                    "mimeType": "application/json",
                                }
                            ],
                        }
                    ],
                    "encryptionKid": CONFIG["destination_public"]["kid"],
                    "metadataVersions": ["1.0.0"],
                },
            )
        if parts[4] == CONFIG["destination_public"]["kid"]:
            return _answer(start, "200 OK", CONFIG["destination_public"])
        return _answer(
            start, "404 Not Found", {"type": "about:blank", "title": "key", "status": 404}
        )
    if path == "/v1/submissions" and method == "POST":
        try:
            data = json.loads(body)
            spec.check_component("CreateSubmission", data)
        except (ValueError, spec.SpecError) as exc:
            _problem(f"create: {exc}")
            return _answer(
                start, "400 Bad Request", {"type": "about:blank", "title": "invalid", "status": 400}
            )
        if data["destinationId"] != destination:
            return _answer(
                start,
                "404 Not Found",
                {"type": "about:blank", "title": "destination", "status": 404},
            )
        sid = str(uuid.uuid4())
        SUBMISSIONS[sid] = {
            "caseId": str(uuid.uuid4()),
            "destinationId": destination,
            "announced": data["announcedAttachments"],
            "serviceType": data["serviceType"],
            "attachments": {},
            "create_request": data,
            "raw_attachments": {},
            "events": [],
            "polls": 0,
            "submitted": False,
        }
        (STATE / "created").open("a").write(sid + "\n")
        return _answer(
            start,
            "201 Created",
            {
                "destinationId": destination,
                "submissionId": sid,
                "caseId": SUBMISSIONS[sid]["caseId"],
            },
        )
    if parts[:2] == ["v1", "cases"] and len(parts) == 4 and parts[3] == "events":
        # The official API keeps the event log per case (``get-case-events``).
        found = [s for s, v in SUBMISSIONS.items() if v["caseId"] == parts[2]]
        if not found:
            return _answer(
                start, "404 Not Found", {"type": "about:blank", "title": "case", "status": 404}
            )
        case = SUBMISSIONS[found[0]]
        case["polls"] += 1
        if (
            case["submitted"]
            and not case["events"]
            and case["polls"] > int(CONFIG.get("decide_after_polls", 0))
        ):
            _decide(found[0])
        events = case["events"]
        return _answer(
            start,
            "200 OK",
            {"count": len(events), "offset": 0, "totalCount": len(events), "eventLog": events},
        )
    sid = parts[2] if len(parts) > 2 else ""
    sub = SUBMISSIONS.get(sid)
    if sub is None:
        return _answer(
            start, "404 Not Found", {"type": "about:blank", "title": "submission", "status": 404}
        )
    if len(parts) == 5 and parts[3] == "attachments" and method == "PUT":
        if ctype != "application/jose" or parts[4] not in sub["announced"] or sub["submitted"]:
            _problem(f"attachment refused: {ctype} {parts[4]}")
            return _answer(
                start,
                "400 Bad Request",
                {"type": "about:blank", "title": "attachment", "status": 400},
            )
        try:
            sub["attachments"][parts[4]] = _decrypt(body.decode())
            sub["raw_attachments"][parts[4]] = body.decode()
        except Exception as exc:
            _problem(f"attachment does not decrypt: {exc}")
            return _answer(
                start, "400 Bad Request", {"type": "about:blank", "title": "jwe", "status": 400}
            )
        start("204 No Content", [])
        return [b""]
    if len(parts) == 3 and method == "PUT":
        try:
            data = json.loads(body)
            spec.check_component("SubmitSubmission", data)
            sub["metadata"] = json.loads(_decrypt(data["encryptedMetadata"]))
            sub["data"] = _decrypt(data["encryptedData"])
            sub["submit_request"] = data
        except Exception as exc:
            _problem(f"submit: {exc}")
            return _answer(
                start, "400 Bad Request", {"type": "about:blank", "title": "submit", "status": 400}
            )
        if sub["submitted"]:
            return _answer(
                start, "409 Conflict", {"type": "about:blank", "title": "submitted", "status": 409}
            )
        sub["submitted"] = True
        _store(sid)
        return _answer(
            start,
            "202 Accepted",
            {"destinationId": destination, "submissionId": sid, "caseId": sub["caseId"]},
        )
    return _answer(
        start, "405 Method Not Allowed", {"type": "about:blank", "title": "method", "status": 405}
    )


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    CONFIG.update(json.loads((STATE / "config.json").read_text()))
    # The spec's validators import jsonschema on first use: load it before the port is
    # announced, so the first request does not wait for it (seconds on a loaded machine).
    spec.preload()
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    (STATE / "port.tmp").write_text(str(server.server_port))
    (STATE / "port.tmp").rename(STATE / "port")
    server.serve_forever()


if __name__ == "__main__":
    main()

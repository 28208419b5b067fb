"""FIT-Connect as a hand-off backend (issue 24 part 3): applications, change notices,
documents and objections go to the job centre's FIT-Connect destination.

One try: an OAuth 2.0 token (client credentials), the destination and its public
encryption key (checked: ``crypto.destination_key``, its certificate chain up to the
configured trust anchor), a new submission announcing the attachments, each attachment
and then metadata and data as JWE (RSA-OAEP-256 + A256GCM), submit, and the event log
polled a few times. Accepted: delivered. Rejected: failed at once (the destination's
problem types as reason). Neither yet: the try ends "waiting" with the submission id kept
and its case id kept on the delivery (``HandoffResult.external_ref``), and the next try
(with backoff) only reads the case's event log again, so a submitted submission is never sent twice. Every request
body and the metadata are checked against the shipped specification (``spec/``) before
they leave. The metadata's ``additionalReferenceInfo.senderReference`` is the item's
idempotency key: a receiver drops a duplicate of a try that was submitted but whose answer
was lost.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from joserfc.jwk import RSAKey

from openjobcenter.handoff import backends as _builtin
from openjobcenter.handoff.base import (
    APPLICATION,
    CHANGE_NOTICE,
    ConfigField,
    HandoffBackend,
    HandoffInput,
    HandoffResult,
)
from openjobcenter.handoff.fitconnect import crypto, spec
from openjobcenter.handoff.registry import register

EVENTS = "https://schema.fitko.de/fit-connect/events/"
ACCEPT = EVENTS + "accept-submission"
REJECT = EVENTS + "reject-submission"
DATA_SCHEMA = "urn:openjobcenter:handoff:envelope:1"
_UUID_CHARS = frozenset("0123456789abcdef-")


class _Failed(Exception):  # noqa: N818 - carries the try's result
    def __init__(self, error: str, *, retry: bool = True) -> None:
        super().__init__(error)
        self.result = HandoffResult(ok=False, error=error[:300], retry=retry)


def _conf(key: str, default: Any) -> Any:
    return _builtin._handoff_settings().get(key, default)


def _url_error(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    local_ok = bool(_conf("allow_http_localhost", False)) and (
        parts.hostname in _builtin.LOCAL_HOSTS
    )
    if not parts.hostname or parts.scheme not in ("https", "http"):
        return str(_("Bitte geben Sie eine vollständige https-Adresse an."))
    if parts.scheme != "https" and not local_ok:
        return str(_("Die Adresse muss mit https:// beginnen."))
    if parts.username or parts.password:
        return str(_("Die Adresse darf keine Zugangsdaten enthalten."))
    return None


@register
class FitConnectBackend(HandoffBackend):
    key = "fitconnect"
    label = _("FIT-Connect")
    description = _(
        "Übermittelt Anträge, Veränderungsmitteilungen, Unterlagen und Widersprüche "
        "Ende-zu-Ende-verschlüsselt über FIT-Connect an den Zustellpunkt des Jobcenters."
    )
    config_fields = (
        ConfigField("token_url", _("Adresse des Token-Dienstes (https://…)")),
        ConfigField("api_url", _("Adresse der Submission API (https://…)")),
        ConfigField("client_id", _("Client-ID des Onlinedienstes")),
        ConfigField(
            "client_secret",
            _("Client-Secret des Onlinedienstes"),
            secret=True,
        ),
        ConfigField("destination_id", _("Zustellpunkt-ID (Destination-ID)")),
        ConfigField(
            "leika",
            _("Leistungsschlüssel (LeiKa)"),
            _("Zum Beispiel „urn:de:fim:leika:leistung:99018115001001“."),
        ),
        ConfigField(
            "trust_anchor",
            _("Vertrauensanker (Zertifikat im PEM-Format)"),
            _(
                "Optional. Ist er gesetzt, wird der Schlüssel des Zustellpunkts nur "
                "verwendet, wenn seine Zertifikatskette bis zu diesem Zertifikat reicht."
            ),
            multiline=True,
            max_length=20000,
        ),
    )

    def validate_config(self, config: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        for field in ("token_url", "api_url"):
            problem = _url_error(str(config.get(field) or ""))
            if problem:
                errors[field] = problem
        if not str(config.get("client_id") or "").strip():
            errors["client_id"] = str(_("Bitte geben Sie die Client-ID an."))
        if not str(config.get("client_secret") or ""):
            errors["client_secret"] = str(_("Bitte geben Sie das Client-Secret an."))
        destination = str(config.get("destination_id") or "")
        try:
            uuid.UUID(destination)
        except ValueError:
            errors["destination_id"] = str(_("Die Zustellpunkt-ID ist eine UUID."))
        try:
            spec.check_component(
                "CreateSubmission",
                {
                    "destinationId": "00000000-0000-4000-8000-000000000000",
                    "announcedAttachments": [],
                    "serviceType": {"name": "-", "identifier": str(config.get("leika") or "")},
                },
            )
        except spec.SpecError:
            errors["leika"] = str(
                _("Bitte geben Sie den Leistungsschlüssel als URN an (urn:de:fim:leika:…).")
            )
        anchor = str(config.get("trust_anchor") or "")
        if anchor.strip():
            try:
                anchors = crypto.parse_anchors(anchor)
            except ValueError:
                anchors = []
            if not anchors:
                errors["trust_anchor"] = str(_("Bitte fügen Sie ein Zertifikat im PEM-Format ein."))
        return errors

    def deliver(self, item: HandoffInput) -> HandoffResult:
        errors = self.validate_config(item.config)
        if errors:
            return HandoffResult(
                ok=False, error="config: " + ", ".join(sorted(errors)), retry=False
            )
        session = _Session(item.config)
        try:
            if item.external_ref:
                return session.follow(item.external_ref)
            return session.send(item)
        except _Failed as failed:
            return failed.result


class _Session:
    """One try: the token is fetched once and used for every request of the try."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.api = str(config["api_url"]).rstrip("/")
        self.destination_id = str(config["destination_id"])
        self.timeout = float(_conf("timeout_s", 10))
        self._token: str | None = None

    # --- HTTP --------------------------------------------------------------------------

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with _builtin._opener.open(request, timeout=self.timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _Failed(f"{type(exc).__name__}: {reason}") from exc

    def token(self) -> str:
        if self._token is None:
            form = {
                "grant_type": "client_credentials",
                "client_id": str(self.config["client_id"]),
                "client_secret": str(self.config["client_secret"]),
            }
            spec.check_component("TokenRequest", form)
            request = urllib.request.Request(  # noqa: S310 - scheme checked in validate_config
                str(self.config["token_url"]),
                data=urllib.parse.urlencode(form).encode(),
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            status, body = self._open(request)
            if status in (400, 401, 403):
                # Wrong credentials: another try with the same ones will not help.
                raise _Failed(f"token refused: HTTP {status}", retry=False)
            if status != 200:
                raise _Failed(f"token: HTTP {status}")
            answer = self._json(body, "TokenResponse")
            self._token = str(answer["access_token"])
        return self._token

    def call(
        self, method: str, path: str, *, json_body: Any = None, jose: str | None = None
    ) -> tuple[int, Any]:
        if spec.operation(method, path) is None:  # pragma: no cover - a programming error
            raise _Failed(f"not in the specification: {method} {path}", retry=False)
        headers = {"Authorization": f"Bearer {self.token()}", "User-Agent": "OpenJobcenter/1"}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif jose is not None:
            data = jose.encode()
            headers["Content-Type"] = "application/jose"
        request = urllib.request.Request(  # noqa: S310 - scheme checked in validate_config
            self.api + path, data=data, method=method, headers=headers
        )
        status, body = self._open(request)
        if status == 401:
            raise _Failed(f"{method} {path.split('/')[2]}: HTTP 401", retry=False)
        if status >= 500 or status in (408, 429):
            raise _Failed(f"{method} {path.split('/')[2]}: HTTP {status}")
        if status >= 400:
            raise _Failed(f"{method} {path.split('/')[2]}: HTTP {status}", retry=False)
        return status, (json.loads(body) if body.strip() else None)

    @staticmethod
    def _json(body: bytes, component: str) -> dict[str, Any]:
        try:
            data = json.loads(body)
            spec.check_component(component, data)
        except (ValueError, spec.SpecError) as exc:
            raise _Failed(f"answer does not match the specification ({component})") from exc
        return dict(data)

    # --- The steps -----------------------------------------------------------------------

    def key(self) -> tuple[RSAKey, str]:
        _, destination = self.call("GET", f"/v1/destinations/{self.destination_id}")
        try:
            spec.check_component("PublicDestination", destination)
        except spec.SpecError as exc:
            raise _Failed("destination does not match the specification") from exc
        if destination["status"] != "active":
            raise _Failed(f"destination {destination['status']}", retry=False)
        services = {s["identifier"] for s in destination["services"]}
        if str(self.config["leika"]) not in services:
            raise _Failed("destination does not offer the service (LeiKa)", retry=False)
        kid = str(destination["encryptionKid"])
        _, jwk = self.call("GET", f"/v1/destinations/{self.destination_id}/keys/{kid}")
        try:
            # The official JWK: RSA, at least 4096 bits, with its certificate chain (x5c).
            spec.check_component("JWK", jwk)
        except spec.SpecError as exc:
            raise _Failed("destination key does not match the specification", retry=False) from exc
        anchors = crypto.parse_anchors(str(self.config.get("trust_anchor") or ""))
        try:
            key = crypto.destination_key(
                jwk, anchors=anchors, min_bits=int(_conf("fitconnect_min_key_bits", 4096))
            )
        except crypto.KeyRefused as exc:
            # A key that does not verify stays so until the destination publishes another:
            # staff see it as a dead letter at once.
            raise _Failed(str(exc), retry=False) from exc
        return key, kid

    def send(self, item: HandoffInput) -> HandoffResult:
        key, kid = self.key()
        prepared = prepare(
            item, key, kid, destination_id=self.destination_id, leika=str(self.config["leika"])
        )
        _, created = self.call("POST", "/v1/submissions", json_body=prepared.create)
        try:
            spec.check_component("SubmissionCreated", created)
        except spec.SpecError as exc:
            raise _Failed("create submission: answer does not match the specification") from exc
        submission_id, case_id = str(created["submissionId"]), str(created["caseId"])
        if not set(submission_id + case_id) <= _UUID_CHARS:
            raise _Failed("create submission: no submission id")
        for attachment_id, jose in prepared.attachments:
            self.call(
                "PUT", f"/v1/submissions/{submission_id}/attachments/{attachment_id}", jose=jose
            )
        self.call("PUT", f"/v1/submissions/{submission_id}", json_body=prepared.submit)
        return self.follow(f"{submission_id} {case_id}")

    def follow(self, external_ref: str) -> HandoffResult:
        """Read the case's event log a few times: accepted, rejected, or still waiting.

        ``external_ref`` is "<submission id> <case id>": the sender reads the events of the
        case (``GET /v1/cases/{caseId}/events``) and picks those about its submission."""
        submission_id, _, case_id = external_ref.partition(" ")
        if not case_id or not set(submission_id + case_id) <= _UUID_CHARS:
            # Written before the case id was kept: its log cannot be read, and sending it
            # again on its own could duplicate it. Staff decide (dead letter, "retry").
            return HandoffResult(
                ok=False, error="submitted, case unknown", retry=False, external_ref=external_ref
            )
        tries = int(_conf("fitconnect_poll_tries", 3))
        interval = float(_conf("fitconnect_poll_interval_s", 2.0))
        keys: dict[str, Any] | None = None
        for n in range(tries):
            if n:
                time.sleep(interval)
            _, log = self.call("GET", f"/v1/cases/{case_id}/events")
            try:
                spec.check_component("EventLog", log)
            except spec.SpecError as exc:
                raise _Failed("event log does not match the specification") from exc
            if log["eventLog"] and keys is None:
                _, keys = self.call("GET", "/.well-known/jwks.json")
            for token in log["eventLog"]:
                try:
                    claims = crypto.verify_event(token, keys or {"keys": []})
                except crypto.KeyRefused as exc:
                    raise _Failed(str(exc)) from exc
                if claims.get("sub") != f"submission:{submission_id}":
                    continue
                events = claims.get("events") or {}
                if ACCEPT in events:
                    return HandoffResult(
                        ok=True, detail=f"accepted {submission_id}", external_ref=external_ref
                    )
                if REJECT in events:
                    problems = events[REJECT].get("problems") or []
                    types = ",".join(str(p.get("type", "")).rsplit("/", 1)[-1] for p in problems)
                    return HandoffResult(
                        ok=False,
                        error=f"rejected: {types or 'no reason given'}"[:300],
                        retry=False,
                        external_ref=external_ref,
                    )
        return HandoffResult(
            ok=False, error="submitted, awaiting acceptance", external_ref=external_ref
        )


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A submission ready to send: the create request, each attachment's id and JWE, and
    the submit request (metadata and data as JWE), all checked against the spec."""

    create: dict[str, Any]
    attachments: list[tuple[str, str]]
    submit: dict[str, str]


def prepare(
    item: HandoffInput, key: RSAKey, kid: str, *, destination_id: str, leika: str
) -> Prepared:
    """Build, check and encrypt one submission (no network; ``bench/handoff.py`` times it)."""
    files: list[tuple[str, str, bytes]] = []  # (purpose, file name, content)
    if item.subject in (APPLICATION, CHANGE_NOTICE) and item.phase != "filing":
        pdf = item.load_pdf()
        if pdf is None:
            raise _Failed("PDF not ready yet")
        files.append(("form", f"{item.reference}.pdf", pdf))
    purpose = "report" if item.subject == "objection" else "attachment"
    files += [(purpose, name, load()) for name, load in item.attachments]
    attachment_ids = [str(uuid.uuid4()) for _ in files]
    create = {
        "destinationId": destination_id,
        "announcedAttachments": attachment_ids,
        "serviceType": {"name": _service_name(item), "identifier": leika},
    }
    data = json.dumps(item.envelope(), sort_keys=True, ensure_ascii=False).encode()
    reference_info: dict[str, str] = {"senderReference": item.idempotency_key}
    date = str(item.metadata.get("date") or "")
    if date:
        reference_info["applicationDate"] = date
    metadata: dict[str, Any] = {
        "$schema": spec.METADATA_SCHEMA_URI,
        "publicServiceType": {"name": _service_name(item), "identifier": leika},
        "contentStructure": {
            "data": {
                "hash": {"type": "sha512", "content": hashlib.sha512(data).hexdigest()},
                "submissionSchema": {"schemaUri": DATA_SCHEMA, "mimeType": "application/json"},
            },
            "attachments": [
                {
                    "attachmentId": attachment_id,
                    "hash": {"type": "sha512", "content": hashlib.sha512(content).hexdigest()},
                    "purpose": purpose_,
                    "filename": name,
                    "mimeType": "application/pdf",
                }
                for attachment_id, (purpose_, name, content) in zip(
                    attachment_ids, files, strict=True
                )
            ],
        },
        "additionalReferenceInfo": reference_info,
    }
    try:
        spec.check_component("CreateSubmission", create)
        spec.check_metadata(metadata)
    except spec.SpecError as exc:
        raise _Failed(str(exc), retry=False) from exc
    attachments = [
        (attachment_id, crypto.encrypt(key, kid, content, "application/pdf"))
        for attachment_id, (_p, _n, content) in zip(attachment_ids, files, strict=True)
    ]
    submit = {
        "encryptedMetadata": crypto.encrypt(
            key, kid, json.dumps(metadata).encode(), "application/json"
        ),
        "encryptedData": crypto.encrypt(key, kid, data, "application/json"),
    }
    spec.check_component("SubmitSubmission", submit)
    return Prepared(create=create, attachments=attachments, submit=submit)


def _service_name(item: HandoffInput) -> str:
    return {
        APPLICATION: "Bürgergeld: Antrag",
        CHANGE_NOTICE: "Bürgergeld: Veränderungsmitteilung",
        "document": "Bürgergeld: Unterlage",
        "objection": "Bürgergeld: Widerspruch",
        "chat_transcript": "Bürgergeld: Chatverlauf",
        "notice_retrieval": "Bürgergeld: Abruf eines Bescheids",
    }.get(item.subject, "Bürgergeld")

"""The built-in hand-off backends.

- ``inbox``: the platform's own back-office inbox. Always on; the application is
  already there, so delivering only records that it is.
- ``json_push``: an HTTPS POST of the submitted data to an adapter of a specialist
  procedure (Fachverfahren), signed with HMAC-SHA256 over the body
  (``X-OpenJobcenter-Signature: sha256=<hex>``) and carrying ``Idempotency-Key``.
- ``file_drop``: the summary PDF, the JSON and any attachments into a folder or an
  object-storage prefix through Django's storage API (for import into an e-file).
- ``mailbox``: an e-mail to the job centre's functional mailbox that an application
  arrived: reference, kind and a link to the back office, never personal data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from openjobcenter.handoff.base import (
    APPLICATION,
    CHANGE_NOTICE,
    ConfigField,
    HandoffBackend,
    HandoffInput,
    HandoffResult,
)
from openjobcenter.handoff.registry import register

SIGNATURE_HEADER = "X-OpenJobcenter-Signature"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")


def canonical_json(data: Any) -> bytes:
    """The exact bytes that are signed and sent (sorted keys, UTF-8, no spaces)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _inline(name: str, content: bytes) -> dict[str, str]:
    return {
        "name": name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "content_base64": base64.b64encode(content).decode(),
    }


def sign(secret: str, body: bytes) -> str:
    """Value of the signature header: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """For receivers (and tests): does ``header`` sign ``body`` with ``secret``?"""
    return hmac.compare_digest(sign(secret, body), header)


def _handoff_settings() -> Mapping[str, Any]:
    return getattr(settings, "APPLICATIONS_HANDOFF", {})


def _private_allowed(host: str) -> bool:
    """Internal addresses are for the operator to open (APPLICATIONS_HANDOFF_PRIVATE_HOSTS),
    not for a job centre's admin: the push must not become a way into the operator's net."""
    return host.lower() in {h.lower() for h in _handoff_settings().get("private_hosts", [])}


def _is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


def _is_ip_not_public(host: str) -> bool:
    try:
        return not _is_public(host)
    except ValueError:  # a name, not an address literal: checked when sending
        return False


def _resolves_public(host: str, port: int) -> bool:
    """Every address the host resolves to is public (checked when sending, so a name
    that later points inside is refused too). Unresolvable: OSError, tried again later."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return all(_is_public(str(info[4][0])) for info in infos)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead from the configured public address to an internal one.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@register
class InboxBackend(HandoffBackend):
    key = "inbox"
    label = _("Posteingang im Fachbereich")
    description = _("Der Antrag erscheint im Posteingang der Anträge. Immer eingeschaltet.")
    always_on = True
    # Documents and objections are in the platform's back office already, on their own.
    subjects = frozenset({APPLICATION, CHANGE_NOTICE})

    def deliver(self, item: HandoffInput) -> HandoffResult:
        return HandoffResult(ok=True, detail="inbox")


@register
class JsonPushBackend(HandoffBackend):
    key = "json_push"
    label = _("Signierter JSON-Versand")
    description = _(
        "Schickt die Antragsdaten per HTTPS an eine Schnittstelle (z. B. zum Fachverfahren), "
        "signiert mit HMAC-SHA256."
    )
    config_fields = (
        ConfigField("url", _("Adresse (https://…)")),
        ConfigField(
            "secret",
            _("Gemeinsames Geheimnis"),
            _("Mindestens 16 Zeichen. Damit prüft der Empfänger die Signatur."),
            secret=True,
        ),
    )

    def validate_config(self, config: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        url = str(config.get("url") or "")
        parts = urlsplit(url)
        local_ok = bool(_handoff_settings().get("allow_http_localhost")) and (
            parts.hostname in LOCAL_HOSTS
        )
        if not parts.hostname or parts.scheme not in ("https", "http"):
            errors["url"] = str(_("Bitte geben Sie eine vollständige https-Adresse an."))
        elif parts.scheme != "https" and not local_ok:
            errors["url"] = str(_("Die Adresse muss mit https:// beginnen."))
        elif parts.username or parts.password:
            errors["url"] = str(_("Die Adresse darf keine Zugangsdaten enthalten."))
        elif (
            not local_ok
            and not _private_allowed(parts.hostname)
            and _is_ip_not_public(parts.hostname)
        ):
            errors["url"] = str(
                _("Interne Adressen sind nur möglich, wenn der Betrieb sie freigegeben hat.")
            )
        if len(str(config.get("secret") or "")) < 16:
            errors["secret"] = str(_("Das Geheimnis muss mindestens 16 Zeichen lang sein."))
        return errors

    def deliver(self, item: HandoffInput) -> HandoffResult:
        errors = self.validate_config(item.config)
        if errors:
            return HandoffResult(
                ok=False, error="config: " + ", ".join(sorted(errors)), retry=False
            )
        parts = urlsplit(str(item.config["url"]))
        host = str(parts.hostname)
        local_ok = bool(_handoff_settings().get("allow_http_localhost")) and host in LOCAL_HOSTS
        if not local_ok and not _private_allowed(host):
            try:
                public = _resolves_public(host, parts.port or 443)
            except OSError as exc:
                return HandoffResult(ok=False, error=f"DNS: {exc}"[:300])
            if not public:
                return HandoffResult(ok=False, error="address not public", retry=False)
        envelope = item.envelope()
        if item.subject not in (APPLICATION, CHANGE_NOTICE):
            # A document or an objection is its file: it travels with the metadata.
            envelope["attachments"] = [_inline(name, load()) for name, load in item.attachments]
        body = canonical_json(envelope)
        request = urllib.request.Request(  # noqa: S310 - scheme checked in validate_config
            str(item.config["url"]),
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": item.idempotency_key,
                SIGNATURE_HEADER: sign(str(item.config["secret"]), body),
                "User-Agent": "OpenJobcenter-Handoff/1",
            },
        )
        timeout = float(_handoff_settings().get("timeout_s", 10))
        try:
            with _opener.open(request, timeout=timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            # 4xx other than 408/409/429 will not get better by trying again.
            retry = exc.code >= 500 or exc.code in (408, 429)
            if exc.code == 409:  # the receiver already has it (idempotency key seen)
                return HandoffResult(ok=True, detail="HTTP 409 (already received)")
            return HandoffResult(ok=False, error=f"HTTP {exc.code}", retry=retry)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            return HandoffResult(ok=False, error=f"{type(exc).__name__}: {reason}"[:300])
        return HandoffResult(ok=True, detail=f"HTTP {status}")


@register
class FileDropBackend(HandoffBackend):
    key = "file_drop"
    label = _("Ablage als Dateien")
    description = _(
        "Legt PDF, JSON und Anlagen in einem Ordner oder Objektspeicher-Präfix ab, "
        "z. B. für den Import in die E-Akte."
    )
    config_fields = (
        ConfigField(
            "prefix",
            _("Ordner oder Präfix"),
            _("Zum Beispiel „uebergabe/eakte“. Je Antrag entsteht ein Unterordner."),
        ),
    )

    def validate_config(self, config: Mapping[str, Any]) -> dict[str, str]:
        prefix = str(config.get("prefix") or "").rstrip("/")
        if not _PREFIX_RE.match(prefix) or ".." in prefix.split("/"):
            return {
                "prefix": str(
                    _("Bitte nur Buchstaben, Ziffern, Punkt, Binde- und Schrägstrich verwenden.")
                )
            }
        return {}

    def deliver(self, item: HandoffInput) -> HandoffResult:
        errors = self.validate_config(item.config)
        if errors:
            return HandoffResult(ok=False, error="config: prefix", retry=False)
        if item.subject not in (APPLICATION, CHANGE_NOTICE):
            folder = f"{str(item.config['prefix']).strip('/')}/{item.subject}/{item.reference}"
            written = [(f"{item.subject}.json", canonical_json(item.envelope()))]
            written += [(f"anlagen/{name}", load()) for name, load in item.attachments]
            for name, content in written:
                _replace(f"{folder}/{name}", content)
            return HandoffResult(ok=True, detail=f"{folder}/ ({len(written)})")
        if item.phase == "filing":
            # A filing has no summary yet: its data secures the date in the e-file.
            folder = f"{str(item.config['prefix']).strip('/')}/{item.reference}"
            path = f"{folder}/antragstellung.json"
            _replace(path, canonical_json(item.envelope()))
            return HandoffResult(ok=True, detail=f"{folder}/ (1)")
        pdf = item.load_pdf()
        if pdf is None:
            # The summary PDF is made by its own task; try again once it is there.
            return HandoffResult(ok=False, error="PDF not ready yet")
        folder = f"{str(item.config['prefix']).strip('/')}/{item.reference}"
        files: list[tuple[str, bytes]] = [
            ("antrag.json", canonical_json(item.envelope())),
            ("antrag.pdf", pdf),
        ]
        files += [(f"anlagen/{name}", load()) for name, load in item.attachments]
        for name, content in files:
            path = f"{folder}/{name}"
            # Same names on every try: replace what an earlier, broken try left.
            _replace(path, content)
        return HandoffResult(ok=True, detail=f"{folder}/ ({len(files)})")


def _replace(path: str, content: bytes) -> None:
    """Write ``path`` in the default storage (a folder or a bucket), replacing what an
    earlier, broken try left. A storage that picks another name (an object appeared in
    between) fails the try: the back office reads fixed names."""
    if default_storage.exists(path):
        default_storage.delete(path)
    stored = default_storage.save(path, ContentFile(content))
    if stored != path:
        default_storage.delete(stored)
        msg = f"storage wrote {stored!r} instead of {path!r}"
        raise RuntimeError(msg)


@register
class MailboxBackend(HandoffBackend):
    key = "mailbox"
    subjects = frozenset({APPLICATION, CHANGE_NOTICE})
    label = _("Hinweis an ein Funktionspostfach")
    description = _(
        "Schickt eine E-Mail, dass ein Antrag eingegangen ist: nur Aktenzeichen und Link, "
        "keine persönlichen Daten."
    )
    config_fields = (
        ConfigField(
            "address",
            _("E-Mail-Adresse"),
            _("Leer lassen, um das Funktionspostfach aus den Einstellungen zu nutzen."),
        ),
    )

    def validate_config(self, config: Mapping[str, Any]) -> dict[str, str]:
        address = str(config.get("address") or "")
        if address:
            try:
                validate_email(address)
            except ValidationError:
                return {"address": str(_("Bitte geben Sie eine gültige E-Mail-Adresse an."))}
        return {}

    def deliver(self, item: HandoffInput) -> HandoffResult:
        address = str(item.config.get("address") or item.config.get("notify_mailbox") or "")
        if not address or self.validate_config({"address": address}):
            return HandoffResult(ok=False, error="no mailbox address configured", retry=False)
        # German: the mailbox belongs to the job centre's staff. No name, no answers.
        from openjobcenter.applications.models import ApplicationKind

        with translation.override("de"):
            kind = str(dict(ApplicationKind.choices).get(item.kind, item.kind))
        if item.phase == "filing":
            subject = f"Antrag gestellt (noch unvollständig): {item.reference}"
            intro = "Im Fachbereich wurde ein Antrag gestellt; er ist noch nicht vollständig."
        else:
            subject = f"Neuer Antrag eingegangen: {item.reference}"
            intro = "Im Fachbereich ist ein neuer Antrag eingegangen."
        body = (
            f"{intro}\n\n"
            f"Aktenzeichen: {item.reference}\n"
            f"Art: {kind}\n\n"
            f"Zum Antrag (Anmeldung erforderlich):\n{item.staff_url}\n"
        )
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
        return HandoffResult(ok=True, detail="mail sent")

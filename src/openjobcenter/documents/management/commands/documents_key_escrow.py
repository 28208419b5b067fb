"""``manage.py documents_key_escrow``: what to escrow and the fingerprint to check it against.

Never prints the key itself: the operator takes it from where it is configured (the secret
store) and seals it as docs/backup.md describes; the fingerprint printed here lets anyone
later check a copy of the key without revealing it (``--check-key``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openjobcenter.core import backup
from openjobcenter.documents import storage

INSTRUCTIONS = """\
Documents key escrow
====================
Every stored document is encrypted under keys derived from DOCUMENTS_MASTER_KEY.
Without that key no backup can bring the documents back: losing it loses every document.

1. Take DOCUMENTS_MASTER_KEY (and every DOCUMENTS_OLD_KEYS entry still listed) from the
   secret store this installation reads it from. Do not copy it through chat or e-mail.
2. Keep two independent copies outside this installation, e.g. two sealed envelopes in
   two safes (different buildings) or a second vault/HSM entry under another team's custody.
   Each copy is labelled with the key id and the fingerprint below, never with the key.
3. Record in the operations log who holds each copy and when they were checked.
4. Check a copy at least yearly and after every key change:
   manage.py documents_key_escrow --check-key <base64 key> --key-id <id>
5. After a rotation (documents_rekey) escrow the new key; destroy an old copy only
   when no backup that still needs it is kept.

Fingerprints (HMAC-SHA256 of a fixed label under each key; safe to write down):
"""


class Command(BaseCommand):
    help = "Print the key escrow instructions and the documents key fingerprints (never the key)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="fingerprints as JSON")
        parser.add_argument("--check-key", help="a base64 key to compare with the configured one")
        parser.add_argument("--key-id", help="the key id --check-key is for (default: the current)")

    def handle(self, *args: Any, **options: Any) -> None:
        prints = backup.key_fingerprints()
        current = storage.current_key_id()
        if options["check_key"]:
            key_id = options["key_id"] or current
            try:
                raw = base64.b64decode(options["check_key"], validate=True)
            except ValueError as exc:
                raise CommandError("--check-key is not base64") from exc
            mine = hmac.new(raw, backup.FINGERPRINT_LABEL, hashlib.sha256).hexdigest()
            if key_id not in prints or not hmac.compare_digest(mine, prints[key_id]):
                raise CommandError(f"this key does NOT match the configured key {key_id!r}")
            self.stdout.write(f"the key matches the configured key {key_id!r}")
            return
        if options["json"]:
            self.stdout.write(json.dumps({"current_key_id": current, "fingerprints": prints}))
            return
        self.stdout.write(INSTRUCTIONS)
        for key_id, fingerprint in prints.items():
            mark = " (current)" if key_id == current else ""
            self.stdout.write(f"  {key_id}{mark}: {fingerprint}")

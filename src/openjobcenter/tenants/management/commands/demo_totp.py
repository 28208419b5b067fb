"""Print the current TOTP code of the demo staff, for testers without an authenticator app."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from openjobcenter.tenants.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current one-time code for the demo staff's second factor."

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            msg = "demo_totp is for the demo installation only"
            raise CommandError(msg)
        counter = int(time.time()) // 30
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (valid for {30 - int(time.time()) % 30} more seconds)")

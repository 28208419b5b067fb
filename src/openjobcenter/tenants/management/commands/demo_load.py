"""Load the demo data and print the demo logins. Safe to run any number of times.

Refused when ``OJC_ENV=production``: the demo logins share one published password and
one published TOTP secret (README), so loading them there would open the platform.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openjobcenter.tenants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_jobcenters


class Command(BaseCommand):
    help = "Load the 26 Hessian job centres, Fulda's service area and demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ENVIRONMENT == "production":
            # Checked before anything is imported or written: nothing of the demo lands.
            msg = (
                "demo_load refuses to run with OJC_ENV=production: the demo logins use a "
                "published password and TOTP secret. Start production without demo data "
                "(make serve, or python -m openjobcenter.serve --migrate --collectstatic)."
            )
            raise CommandError(msg)
        from openjobcenter.accounts.demo import load_people
        from openjobcenter.applications.demo import load_applications
        from openjobcenter.appointments.demo import load_appointments
        from openjobcenter.messaging.demo import load_conversations

        with transaction.atomic():
            count = load_jobcenters()
            people = load_people()
            load_appointments()
            load_applications()
            load_conversations()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {count} job centres."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for login in people:
            self.stdout.write(f"  {login.email:<38} {login.what}")
        self.stdout.write("")
        self.stdout.write(
            "Staff need a second factor: add this TOTP secret to an authenticator app\n"
            f"  {DEMO_TOTP_SECRET}\n"
            "or print the current code with:  .venv/bin/python -m openjobcenter.manage demo_totp"
        )

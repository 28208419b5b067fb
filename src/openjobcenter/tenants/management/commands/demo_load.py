"""Load the demo data and print the demo logins. Safe to run any number of times.

Refused when ``OJC_ENV=production``: the demo logins share one published password and
one published TOTP secret (README), so loading them there would open the platform.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openjobcenter.tenants.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    MAIN_KINZIG,
    load_jobcenters,
    load_main_kinzig,
)


class Command(BaseCommand):
    help = "Load the 27 Hessian job centres with every municipality, two adapted ones, demo logins."

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
        from openjobcenter.applications.demo import (
            load_applications,
            load_main_kinzig_applications,
        )
        from openjobcenter.appointments.demo import (
            load_appointments,
            load_main_kinzig_appointments,
        )
        from openjobcenter.messaging.demo import (
            load_conversations,
            load_main_kinzig_conversations,
        )
        from openjobcenter.news.demo import load_posts

        with transaction.atomic():
            count = load_jobcenters()
            load_main_kinzig()
            people = load_people()
            load_appointments()
            load_main_kinzig_appointments()
            load_applications()
            load_main_kinzig_applications()
            load_conversations()
            load_main_kinzig_conversations()
            load_posts()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {count} job centres."))
        self.stdout.write(
            f"Fully adapted demo job centres: /fulda/ and /{MAIN_KINZIG}/ "
            "(own offices, appointment types, chat topics, texts and colours)."
        )
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

"""Two browsers meet in the built-in video call, on this machine only.

It needs WebSockets, so it runs the real ASGI server (``tests/browser/asgi.py``) against a
SQLite file that ``prepare`` below fills in a setup subprocess.

Chromium gets a fake camera and microphone and grants them without asking; no STUN or
TURN server is configured, so the two peers connect over host candidates.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.asgi import PEOPLE, AsgiServer, open_as, serve, sessions
from tests.browser.conftest import CHROMIUM_ARGS, check_a11y, chromium_path
from tests.conftest import IN_CI

pytestmark = pytest.mark.browser

FAKE_MEDIA = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]
REMOTE_WIDTH = "() => document.querySelector('[data-remote-video]').videoWidth"


def prepare() -> dict[str, Any]:
    """Run in the setup subprocess: migrate, then a customer, an advisor, a video appointment."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from openjobcenter.accounts.models import Role
    from openjobcenter.appointments.models import Appointment, AppointmentType
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter
    from tests.conftest import make_customer, make_staff

    call_command("migrate", verbosity=0)
    load_jobcenters()
    fulda = Jobcenter.objects.get(slug="fulda")
    fulda.enabled_modules = [*fulda.enabled_modules, "appointments"]
    fulda.save()
    customer = make_customer(fulda, "kunde@example.org", "A-1001")
    advisor = make_staff(fulda, Role.JOB_ADVISOR, "beratung@a.example.org")
    appt_type = AppointmentType.objects.create(
        jobcenter=fulda, name="Videoberatung", duration_min=30, channels=["video"]
    )
    starts_at = timezone.now() + timedelta(minutes=2)
    appointment = Appointment.objects.create(
        jobcenter=fulda,
        type=appt_type,
        customer=customer,
        staff=advisor,
        channel="video",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
    )
    return {
        **sessions(customer, advisor),
        "customer_path": f"/fulda/mein-bereich/termine/{appointment.pk}/video/",
        "staff_path": f"/fulda/staff/termine/{appointment.pk}/video/",
    }


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"Video browser test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def asgi_server(tmp_path: Path) -> Iterator[tuple[AsgiServer, dict[str, Any]]]:
    """uvicorn serving the platform (HTTP and WebSocket) on a free port of 127.0.0.1."""
    with serve(
        tmp_path, prepare="tests.browser.test_video_call:prepare", database="video.sqlite3"
    ) as running:
        yield running


def test_customer_and_advisor_meet_in_the_builtin_call(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]]
) -> None:
    from playwright.sync_api import Error, expect

    server, data = asgi_server
    executable = chromium_path()
    if executable is None:  # pragma: no cover - the browser fixture has checked it
        _unavailable("chromium is not installed")
    try:
        media_browser = browser.browser_type.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, *FAKE_MEDIA], headless=True
        )
    except Error as exc:
        _unavailable(f"chromium with fake media does not start: {exc.message.splitlines()[0]}")
    try:
        pages = {}
        for who in PEOPLE:
            page = open_as(media_browser, server.base, data, who)
            page.goto(data[f"{who}_path"])
            expect(page.locator("h1")).to_have_text("Videotermin")
            pages[who] = page

        # The customer enters first and waits; then the advisor joins.
        customer, staff = pages["customer"], pages["staff"]
        customer.get_by_role("button", name="Jetzt beitreten").click()
        expect(customer.get_by_role("status")).to_contain_text("Bitte warten Sie")
        expect(customer.get_by_role("button", name="Jetzt beitreten")).to_be_hidden()
        staff.get_by_role("button", name="Jetzt beitreten").click()

        for page in (customer, staff):
            expect(page.locator("[data-video-call]")).to_have_attribute(
                "data-connection-state", "connected", timeout=25_000
            )
            expect(page.get_by_role("status")).to_have_text("Verbunden.")
            # Pictures arrive from the other side (the fake camera's test pattern).
            # (Polled with evaluate: wait_for_function would need 'unsafe-eval' in the CSP.)
            deadline = time.monotonic() + 15
            while page.evaluate(REMOTE_WIDTH) == 0:
                assert time.monotonic() < deadline, "no picture from the other side"
                page.wait_for_timeout(100)

        check_a11y(customer, "/<jc>/mein-bereich/termine/<pk>/video/ (in a call)")
        mute = staff.get_by_role("button", name="Mikrofon aus")
        mute.click()
        expect(mute).to_have_attribute("aria-pressed", "true")

        staff.get_by_role("button", name="Termin verlassen").click()
        expect(staff.get_by_role("status")).to_have_text("Sie haben den Termin verlassen.")
        expect(customer.get_by_role("status")).to_contain_text("hat den Termin verlassen")
        expect(customer.locator("[data-video-call]")).to_have_attribute(
            "data-connection-state", "new"
        )

        # Logging out in another tab ends the session of the call page too: its socket
        # closes with 4401 and the page reloads, which brings the login.
        other_tab = customer.context.new_page()
        other_tab.goto("/konto/logout/")
        other_tab.locator("form[action='/konto/logout/'] [type=submit]").click()
        expect(customer).to_have_url(re.compile(r"/konto/login/"))
    finally:
        media_browser.close()

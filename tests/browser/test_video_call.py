"""Two browsers meet in the built-in video call, on this machine only.

pytest-django's ``live_server`` speaks WSGI and cannot serve WebSockets (and channels'
``ChannelsLiveServerTestCase`` needs daphne), so this test runs the real ASGI server:
uvicorn in a subprocess, against a SQLite file in a temporary folder that a setup
subprocess migrates and fills (``prepare`` below). The people are logged in by session
cookies made there; the log-in pages are tested elsewhere.

Chromium gets a fake camera and microphone and grants them without asking; no STUN or
TURN server is configured, so the two peers connect over host candidates.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, check_a11y, chromium_path
from tests.conftest import IN_CI

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FAKE_MEDIA = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]
REMOTE_WIDTH = "() => document.querySelector('[data-remote-video]').videoWidth"
SETUP = (
    "import django, json; django.setup(); "
    "from tests.browser.test_video_call import prepare; print(json.dumps(prepare()))"
)


def prepare() -> dict[str, Any]:
    """Run in the setup subprocess: migrate, then a customer, an advisor, a video appointment."""
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from openjobcenter.accounts.models import Role
    from openjobcenter.appointments.models import Appointment, AppointmentType
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter
    from tests.conftest import login_with_mfa, make_customer, make_staff

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
    customer_client = Client()
    customer_client.force_login(customer.user)
    staff_client = login_with_mfa(Client(), advisor)
    cookie = settings.SESSION_COOKIE_NAME
    return {
        "cookie": cookie,
        "customer_session": customer_client.cookies[cookie].value,
        "staff_session": staff_client.cookies[cookie].value,
        "customer_path": f"/fulda/mein-bereich/termine/{appointment.pk}/video/",
        "staff_path": f"/fulda/staff/termine/{appointment.pk}/video/",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"Video browser test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def asgi_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """uvicorn serving the platform (HTTP and WebSocket) on a free port of 127.0.0.1."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'video.sqlite3'}",
        "OJC_BASE_DIR": str(tmp_path),
        "OJC_ENV": "test",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "LOG_LEVEL": "warning",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser suite's exception, not the server's
    setup = subprocess.run(
        [sys.executable, "-c", SETUP],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert setup.returncode == 0, setup.stderr[-4000:]
    data = json.loads(setup.stdout.strip().splitlines()[-1])

    port = _free_port()
    log_path = tmp_path / "uvicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "openjobcenter.config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.2)
        yield base, data
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        errors = [
            line
            for line in log_path.read_text().splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        assert not errors, log_path.read_text()[-4000:]


def test_customer_and_advisor_meet_in_the_builtin_call(
    browser: Any, asgi_server: tuple[str, dict[str, Any]]
) -> None:
    from playwright.sync_api import Error, expect

    base, data = asgi_server
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
        for who in ("customer", "staff"):
            context = media_browser.new_context(base_url=base, locale="de-DE")
            context.set_default_timeout(20_000)
            context.add_cookies(
                [{"name": data["cookie"], "value": data[f"{who}_session"], "url": base}]
            )
            page = context.new_page()
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
    finally:
        media_browser.close()

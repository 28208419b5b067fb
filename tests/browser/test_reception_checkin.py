"""Check-in at reception in real browsers (issue 21), four contexts at once: the customer
on "Mein Bereich", the waiting-room display (its link only, no login), reception, and an
advisor. Reception reads the customer card's QR code from a PNG drawn by segno: the image
goes through the page's own decode path (``scan.js``: the browser's BarcodeDetector where
there is one, Chromium on Linux has none, so the bundled jsQR), then a hand scanner types
the code and Enter. The customer's phone shows "Sie sind angemeldet …" live, the advisor
calls the next person, and the display and the phone show the call live. A second test
plays the code to Chromium's fake camera (a Y4M video of the PNG) and the page reads it
from the camera stream. axe checks every
page these contexts load (``tests/browser/conftest.AxeWatch``), the admin's setup page too.
Needs WebSockets: uvicorn in a subprocess, as in the chat test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.asgi import AsgiServer, serve
from tests.browser.conftest import check_a11y

pytestmark = pytest.mark.browser


def prepare() -> dict[str, Any]:
    """Run in the setup subprocess: a customer with a card and an appointment on site
    now, a waiting area B (numbers A-…) with Platz 3, a display, and four sessions."""
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from openjobcenter.accounts.models import Role
    from openjobcenter.appointments.models import AppointmentType
    from openjobcenter.cards.services import card_issue
    from openjobcenter.reception import services_config
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter
    from tests.appointments.test_staff_support import make_appointment
    from tests.conftest import login_with_mfa, make_customer, make_staff
    from tests.home import world

    call_command("migrate", verbosity=0)
    load_jobcenters()
    fulda = Jobcenter.objects.get(slug="fulda")
    world.enable_modules(fulda)
    fulda.enabled_modules = sorted({*fulda.enabled_modules, "appointments", "customer_card"})
    fulda.save()
    customer = make_customer(fulda, "kunde@example.org", "A-1001")
    reception = make_staff(fulda, Role.RECEPTION, "empfang@a.example.org")
    advisor = make_staff(fulda, Role.JOB_ADVISOR, "vermittlung@a.example.org")
    admin = make_staff(fulda, Role.ADMIN, "admin@a.example.org")
    kind = AppointmentType.objects.create(
        jobcenter=fulda, name="Beratung", duration_min=30, channels=["in_person"]
    )
    make_appointment(
        appt_type=kind,
        customer=customer,
        staff=advisor,
        starts_at=timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=5),
    )
    card = card_issue(customer=customer)
    area = services_config.area_save(
        request=None, actor=admin, jobcenter=fulda, area=None, name="B", prefix="A", active=True
    )
    services_config.desk_save(
        request=None,
        actor=admin,
        jobcenter=fulda,
        desk=None,
        area=area,
        name="Platz 3",
        active=True,
    )
    _display, token = services_config.display_create(
        request=None, actor=admin, jobcenter=fulda, area=area, name="Flur"
    )
    customer_client = Client()
    customer_client.force_login(customer.user)
    cookie = settings.SESSION_COOKIE_NAME
    return {
        "cookie": cookie,
        "customer_session": customer_client.cookies[cookie].value,
        **{
            f"{who}_session": login_with_mfa(Client(), user).cookies[cookie].value
            for who, user in (("reception", reception), ("advisor", advisor), ("admin", admin))
        },
        "payload": card.payload,
        "display": f"/fulda/wartebereich/{token}/",
    }


@pytest.fixture
def asgi_server(tmp_path: Path) -> Iterator[tuple[AsgiServer, dict[str, Any]]]:
    with serve(
        tmp_path,
        prepare="tests.browser.test_reception_checkin:prepare",
        database="reception.sqlite3",
        unset=("REDIS_URL",),  # one process: the in-memory layer
    ) as running:
        yield running


def _open(browser: Any, base: str, data: dict[str, Any], who: str | None) -> Any:
    context = browser.new_context(
        base_url=base, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(20_000)
    if who is not None:
        context.add_cookies(
            [{"name": data["cookie"], "value": data[f"{who}_session"], "url": base}]
        )
    return context.new_page()


def test_card_scan_checks_in_live_and_the_display_shows_the_call(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]], tmp_path: Path
) -> None:
    import segno
    from playwright.sync_api import expect

    server, data = asgi_server
    customer = _open(browser, server.base, data, "customer")
    customer.goto("/fulda/mein-bereich/")
    expect(customer.locator("[data-home-items]")).to_be_visible()
    display = _open(browser, server.base, data, None)
    display.goto(data["display"])
    expect(display.locator("h1")).to_have_text("Wartebereich B")
    expect(display.locator("[data-display]")).to_have_attribute("data-live", "1")
    customer.wait_for_timeout(500)  # the customer's socket is open

    # Reception: the card's QR code as a photo, decoded by the page itself.
    reception = _open(browser, server.base, data, "reception")
    reception.goto("/fulda/staff/empfang/scannen/")
    expect(reception.get_by_label("QR-Code der Kundenkarte oder Kundennummer")).to_be_focused()
    qr = tmp_path / "karte.png"
    segno.make_qr(data["payload"], error="m").save(str(qr), scale=8, border=4)
    reception.get_by_label("Oder ein Foto des QR-Codes wählen").set_input_files(str(qr))
    result = reception.locator("[data-scan-result]")
    expect(result).to_contain_text("Karl Kunde")
    expect(result).to_contain_text("A-1001")
    expect(result).to_contain_text("Beratung")
    reception.get_by_role("button", name="Zum Termin anmelden").click()
    expect(reception.locator(".messages")).to_contain_text(
        "Angemeldet. Aufrufnummer A-001, Wartebereich B."
    )

    # The customer's phone, without a reload.
    waiting = customer.locator('[data-home-items] li[data-kind="reception_waiting"]')
    expect(waiting).to_contain_text(
        "Sie sind angemeldet – bitte warten Sie im Wartebereich B, Aufruf-Nr. A-001"
    )
    check_a11y(customer, "reception: customer checked in")

    # A hand scanner: fast keystrokes into the focused field, then Enter.
    field = reception.get_by_label("QR-Code der Kundenkarte oder Kundennummer")
    expect(field).to_be_focused()
    reception.keyboard.type(data["payload"], delay=2)
    reception.keyboard.press("Enter")
    expect(reception.locator("[data-scan-result]")).to_contain_text(
        "Heute schon angemeldet: Aufrufnummer A-001, Wartebereich B."
    )
    # A code that is no card of ours: a clear message, nobody shown.
    reception.goto("/fulda/staff/empfang/scannen/")
    reception.keyboard.type("OJC1:" + "x" * 43, delay=2)
    reception.keyboard.press("Enter")
    expect(reception.locator("[data-reception-error]")).to_contain_text(
        "Zu dieser Karte oder Kundennummer haben wir nichts gefunden."
    )
    expect(reception.locator("[data-scan-result]")).to_have_count(0)

    # The advisor calls the next person to Platz 3.
    advisor = _open(browser, server.base, data, "advisor")
    advisor.goto("/fulda/staff/empfang/aufrufe/")
    advisor.get_by_label("Ihr Platz").select_option(label="Platz 3 (B)")
    advisor.get_by_role("button", name="Nächste Person aufrufen").click()
    expect(advisor.locator(".messages")).to_contain_text("A-001 ist zu Platz 3 aufgerufen.")

    # The display and the phone, live; the display names no one.
    expect(display.locator("[data-latest]")).to_contain_text("A-001")
    expect(display.locator("[data-latest]")).to_contain_text("Platz 3")
    expect(display.locator("[data-announce]")).to_have_text("Nummer A-001, bitte zu Platz 3.")
    assert "Kunde" not in display.content()
    check_a11y(display, "reception: display with a call")
    called = customer.locator('[data-home-items] li[data-kind="reception_called"]')
    expect(called).to_contain_text("Bitte kommen Sie jetzt zu Platz 3")

    # "Erneut aufrufen" reaches the display again (its count goes up).
    advisor.get_by_role("button", name="Erneut aufrufen A-001").click()
    expect(display.locator("[data-display]")).to_have_attribute("data-last-call", "A-001|Platz 3|2")

    admin = _open(browser, server.base, data, "admin")
    admin.goto("/fulda/staff/empfang/einrichten/")
    expect(admin.locator("h1")).to_have_text("Empfang einrichten")


def _y4m(png: Path, target: Path) -> None:
    """A still video (Y4M, 4:2:0) of the QR image for Chromium's fake camera."""
    from PIL import Image

    width, height = 640, 480
    frame = Image.new("L", (width, height), 255)
    code = Image.open(png).convert("L")
    side = min(height - 40, code.width)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)
    with target.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_the_device_camera_reads_the_card(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]], tmp_path: Path
) -> None:
    """The camera path of ``scan.js``: Chromium's fake camera plays a video of the card's
    QR code; the page reads it from the stream (jsQR: no BarcodeDetector on Linux)."""
    import segno
    from playwright.sync_api import expect

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    server, data = asgi_server
    png = tmp_path / "karte.png"
    segno.make_qr(data["payload"], error="m").save(str(png), scale=10, border=4)
    video = tmp_path / "karte.y4m"
    _y4m(png, video)
    camera = browser.browser_type.launch(
        executable_path=chromium_path(),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(base_url=server.base, locale="de-DE")
        context.grant_permissions(["camera"], origin=server.base)
        context.add_cookies(
            [{"name": data["cookie"], "value": data["reception_session"], "url": server.base}]
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/fulda/staff/empfang/scannen/")
        page.get_by_role("button", name="Kamera einschalten").click()
        result = page.locator("[data-scan-result]")
        expect(result).to_contain_text("Karl Kunde")
        expect(result).to_contain_text("A-1001")
    finally:
        camera.close()

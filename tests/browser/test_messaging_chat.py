"""The chat in two real browsers: accessible pages for customer and staff, and a message
appearing on the other side in real time, without reloading.

Like the video test, this needs WebSockets, which pytest-django's WSGI ``live_server``
cannot serve: uvicorn runs in a subprocess against a SQLite file prepared by a setup
subprocess (``prepare``); people are logged in with session cookies made there.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.asgi import PEOPLE, AsgiServer, open_as, serve, sessions
from tests.browser.conftest import check_a11y

pytestmark = pytest.mark.browser


def prepare() -> dict[str, Any]:
    """Run in the setup subprocess: migrate, a customer, a caseworker, a conversation."""
    from django.core.management import call_command

    from openjobcenter.accounts.models import Role
    from openjobcenter.messaging import services
    from openjobcenter.messaging.models import Topic
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter
    from tests.conftest import make_customer, make_staff

    call_command("migrate", verbosity=0)
    load_jobcenters()
    fulda = Jobcenter.objects.get(slug="fulda")
    # Documents too: a chat photo goes through its pipeline.
    fulda.enabled_modules = [*fulda.enabled_modules, "messaging", "documents"]
    fulda.save()
    customer = make_customer(fulda, "kunde@example.org", "A-1001")
    staff = make_staff(fulda, Role.TEAM_LEAD, "team@a.example.org")
    services.topics_ensure_defaults(jobcenter=fulda)
    topic = Topic.objects.filter(jobcenter=fulda).first()
    conversation = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Frage zum Bescheid", body="Hallo, ich habe eine Frage.", topic=topic
        ),
    )
    return {
        **sessions(customer, staff),
        "conversation": conversation.pk,
        "customer_path": f"/fulda/mein-bereich/nachrichten/{conversation.pk}/",
        "staff_path": f"/fulda/staff/nachrichten/{conversation.pk}/",
    }


@pytest.fixture
def asgi_server(tmp_path: Path) -> Iterator[tuple[AsgiServer, dict[str, Any]]]:
    with serve(
        tmp_path,
        prepare="tests.browser.test_messaging_chat:prepare",
        database="chat.sqlite3",
        unset=("REDIS_URL",),  # one process: the in-memory layer
    ) as running:
        yield running


def open_pages(
    browser: Any, base: str, data: dict[str, Any], init_script: str | None = None
) -> dict[str, Any]:
    from playwright.sync_api import expect

    pages = {}
    for who in PEOPLE:
        page = open_as(browser, base, data, who)
        if init_script:
            page.add_init_script(init_script)
        page.goto(data[f"{who}_path"])
        expect(page.locator("h1")).to_have_text("Frage zum Bescheid")
        expect(page.locator("[data-chat-status]")).to_have_text("Verbunden.")
        pages[who] = page
    return pages


def test_pages_are_accessible_and_messages_arrive_in_real_time(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]]
) -> None:
    from playwright.sync_api import expect

    server, data = asgi_server
    base = server.base
    pages = open_pages(browser, base, data)
    customer, staff = pages["customer"], pages["staff"]
    check_a11y(customer, "messaging: customer conversation")
    check_a11y(staff, "messaging: staff conversation")

    staff.get_by_label("Antwort").fill("Guten Tag! Siehe https://example.org/info <b>x</b>")
    staff.get_by_role("button", name="Senden").click()
    message = customer.locator(".chat-message.chat-staff").last
    expect(message).to_contain_text("Guten Tag! Siehe https://example.org/info <b>x</b>")
    link = message.get_by_role("link", name="https://example.org/info")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    # Its time in the job centre's zone and as the page prints it (Django's
    # SHORT_DATETIME_FORMAT), though this browser's device is in New York (``open_as``).
    stamp = message.locator("time")
    sent_at = datetime.fromisoformat(str(stamp.get_attribute("datetime")))
    berlin = sent_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")
    expect(stamp).to_have_text(berlin)
    expect(staff.locator("[data-chat-receipt]")).to_have_text("gelesen")
    # Screen readers hear what arrives from the other side, and not one's own.
    expect(customer.locator("[data-chat-announce]")).to_have_text(
        "Jobcenter: Guten Tag! Siehe https://example.org/info <b>x</b>"
    )
    expect(staff.locator("[data-chat-announce]")).to_be_empty()

    customer.get_by_label("Ihre Nachricht").fill("Danke schön")
    customer.get_by_role("button", name="Senden").click()
    expect(staff.locator(".chat-message.chat-customer").last).to_contain_text("Danke schön")
    # Staff hear who wrote by name (messaging.selectors.customer_label), never "Kundin oder Kunde".
    expect(staff.locator("[data-chat-announce]")).to_have_text(
        re.compile(r"^(?!Kundin oder Kunde)\S.*: Danke schön$")
    )
    expect(staff.locator("[data-chat-announce]")).to_have_attribute("role", "status")
    expect(customer.locator("[data-chat-receipt]")).to_have_text("gelesen")
    assert customer.url.endswith(data["customer_path"])  # no reload happened

    for path, label in (
        ("/fulda/mein-bereich/nachrichten/", "messaging: customer list"),
        ("/fulda/mein-bereich/nachrichten/neu/", "messaging: customer new"),
        ("/fulda/mein-bereich/benachrichtigungen/", "notifications: preferences"),
    ):
        customer.goto(path)
        check_a11y(customer, label)
    for path, label in (
        ("/fulda/staff/nachrichten/", "messaging: staff inbox"),
        ("/fulda/staff/nachrichten/neu/", "messaging: staff start"),
        ("/fulda/staff/nachrichten/einstellungen/", "messaging: staff configuration"),
    ):
        staff.goto(path)
        check_a11y(staff, label)

    # The team inbox updates itself when a customer writes.
    staff.goto("/fulda/staff/nachrichten/")
    unread = staff.locator("[data-inbox] tbody tr").first.locator("td").nth(5)
    expect(unread).to_have_text("0")
    staff.wait_for_timeout(500)  # the inbox socket is open
    customer.goto(data["customer_path"])
    expect(customer.locator("[data-chat-status]")).to_have_text("Verbunden.")
    customer.get_by_label("Ihre Nachricht").fill("Noch eine Frage")
    customer.get_by_role("button", name="Senden").click()
    expect(unread).to_have_text("1")


def test_messages_typed_offline_are_sent_once_when_the_connection_returns(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]]
) -> None:
    import threading

    from playwright.sync_api import expect

    server, data = asgi_server
    pages = open_pages(browser, server.base, data)
    customer, staff = pages["customer"], pages["staff"]
    restart = threading.Thread(target=server.restart_after, args=(2.0,))
    restart.start()  # the server goes away for a while
    expect(customer.locator("[data-chat-status]")).to_contain_text("Keine Verbindung")
    customer.get_by_label("Ihre Nachricht").fill("Geschrieben ohne Netz")
    customer.get_by_role("button", name="Senden").click()
    expect(customer.locator(".chat-pending")).to_contain_text("Geschrieben ohne Netz")
    restart.join()
    # Both pages reconnect with their cursor; the queued message goes out exactly once.
    expect(staff.locator(".chat-message.chat-customer").last).to_contain_text(
        "Geschrieben ohne Netz", timeout=40_000
    )
    expect(customer.locator(".chat-pending")).to_have_count(0)
    customer.reload()
    expect(customer.locator(".chat-message", has_text="Geschrieben ohne Netz")).to_have_count(1)


def test_without_websockets_the_page_falls_back_to_long_polling(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]]
) -> None:
    from playwright.sync_api import expect

    server, data = asgi_server
    base = server.base
    staff = open_pages(browser, base, data)["staff"]
    customer = open_as(browser, base, data, "customer")
    customer.add_init_script("delete window.WebSocket;")  # as behind a proxy that blocks them
    customer.goto(data["customer_path"])
    expect(customer.locator("[data-chat-status]")).to_have_text("Verbunden.")
    staff.get_by_label("Antwort").fill("Kommt auch ohne WebSocket an")
    staff.get_by_role("button", name="Senden").click()
    expect(customer.locator(".chat-message.chat-staff").last).to_contain_text(
        "Kommt auch ohne WebSocket an"
    )
    expect(customer.locator("[data-chat-announce]")).to_have_text(
        "Jobcenter: Kommt auch ohne WebSocket an"
    )
    customer.get_by_label("Ihre Nachricht").fill("Gesendet über die API")
    customer.get_by_role("button", name="Senden").click()
    expect(staff.locator(".chat-message.chat-customer").last).to_contain_text(
        "Gesendet über die API"
    )
    expect(customer.locator(".chat-message", has_text="Gesendet über die API")).to_have_count(1)
    assert customer.url.endswith(data["customer_path"])  # no form post, no reload


# Records every frame a page sends, with what its message box held at that moment.
RECORD_SENT_FRAMES = """
(() => {
  window.sentFrames = [];
  window.receivedTypes = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const box = document.querySelector("[data-chat-form] textarea");
    window.sentFrames.push({ frame: JSON.parse(data), box: box ? box.value : null });
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => window.receivedTypes.push(JSON.parse(event.data).type));
    }
  };
})();
"""


def typing_frames(page: Any) -> list[dict[str, Any]]:
    frames: list[dict[str, Any]] = page.evaluate("window.sentFrames")
    return [sent for sent in frames if sent["frame"]["type"] == "typing"]


def test_the_other_side_sees_who_is_typing(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]]
) -> None:
    from playwright.sync_api import expect

    server, data = asgi_server
    pages = open_pages(browser, server.base, data, init_script=RECORD_SENT_FRAMES)
    customer, staff = pages["customer"], pages["staff"]
    at_customer = customer.locator("[data-chat-typing]")
    at_staff = staff.locator("[data-chat-typing]")

    # The live region is in the page from the start, silent until someone types.
    for indicator in (at_customer, at_staff):
        expect(indicator).to_have_attribute("role", "status")
        expect(indicator).to_be_empty()

    # Spaces alone are not typing; a burst of keys sends one frame (at most one per 3 s),
    # not one per key.
    box = customer.get_by_label("Ihre Nachricht")
    started = time.monotonic()
    box.press_sequentially("   ")
    box.press_sequentially("Ich schreibe gleich weiter")
    typed_for = time.monotonic() - started
    expect(at_staff).to_have_text("Die Kundin oder der Kunde schreibt …")
    expect(at_customer).to_be_empty()
    sent = typing_frames(customer)
    assert 1 <= len(sent) <= 1 + typed_for // 3, sent
    assert all(item["box"].strip() for item in sent), sent
    assert sent[0]["frame"] == {"type": "typing", "conversation": data["conversation"]}
    check_a11y(staff, "messaging: staff conversation, customer typing")
    # Nothing more typed: the indicator goes away by itself (after 6 s), nothing was sent.
    expect(at_staff).to_be_empty(timeout=15_000)
    expect(staff.locator(".chat-message", has_text="Ich schreibe gleich weiter")).to_have_count(0)

    # A second tab of the same side hears the typing frame too, and shows nothing.
    other_tab = staff.context.new_page()
    other_tab.add_init_script(RECORD_SENT_FRAMES)
    other_tab.goto(data["staff_path"])
    expect(other_tab.locator("[data-chat-status]")).to_have_text("Verbunden.")

    staff.get_by_label("Antwort").press_sequentially("Einen Moment, bitte")
    expect(at_customer).to_have_text("Ihr Jobcenter schreibt …")
    other_tab.wait_for_function("window.receivedTypes.includes('typing')")
    expect(other_tab.locator("[data-chat-typing]")).to_be_empty()
    other_tab.close()
    check_a11y(customer, "messaging: customer conversation, staff typing")
    # Never on the sender's own page: the server relays to the others only, and a page
    # ignores its own side.
    expect(at_staff).to_be_empty()
    assert len(typing_frames(staff)) >= 1

    # Sending hides it on the customer's page in the same step that shows the message,
    # not later by the timer: both changes land in one batch of DOM mutations.
    customer.evaluate(
        """() => {
          window.typingBatches = [];
          const typing = document.querySelector("[data-chat-typing]");
          const observer = new MutationObserver((records) => window.typingBatches.push(
            records.map((r) => (r.target === typing ? "typing" : "log"))));
          observer.observe(typing, { childList: true });
          observer.observe(document.querySelector("[data-chat-log]"), { childList: true });
        }"""
    )
    staff.get_by_role("button", name="Senden").click()
    expect(customer.locator(".chat-message.chat-staff").last).to_contain_text("Einen Moment, bitte")
    expect(at_customer).to_be_empty()
    assert ["log", "typing"] in customer.evaluate("window.typingBatches")


def test_a_photo_refused_after_sending_is_explained_on_both_pages(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]], tmp_path: Path
) -> None:
    """The customer sends a blurred photo; the documents pipeline refuses it after the
    message was stored. The customer's page (after the upload) and the staff page (live,
    over the socket, without reloading) show a notice saying why."""
    from playwright.sync_api import expect

    from tests.documents.conftest import photo as page_photo

    server, data = asgi_server
    pages = open_pages(browser, server.base, data)
    customer, staff = pages["customer"], pages["staff"]
    photo = tmp_path / "mietvertrag.jpg"
    # 2 MP, made once per process (a 12 MP one took about 4 s of CPU); still refused as blurred.
    photo.write_bytes(page_photo(3, blur_sigma=7.0))

    customer.get_by_label("Foto oder Datei anhängen").set_input_files(str(photo))
    customer.get_by_role("button", name="Senden").click()
    reason = "Das Foto ist unscharf"
    for page in (customer, staff):
        notice = page.locator(".chat-message.chat-system").last
        expect(notice).to_contain_text("Hinweis")
        expect(notice).to_contain_text(f"„mietvertrag.jpg“ können wir nicht verwenden: {reason}")
        expect(notice).not_to_contain_text("nicht im Dienst")  # not the auto-reply
    check_a11y(customer, "messaging: customer conversation with a refused-photo notice")
    check_a11y(staff, "messaging: staff conversation with a refused-photo notice")
    # The staff page got it over the socket, and the message with the photo the same way,
    # with its attachment link; opening it says why the photo was not accepted.
    link = staff.locator(".chat-message.chat-customer").last.get_by_role("link")
    expect(link).to_have_text("Anhang: mietvertrag.jpg")
    link.click()
    expect(staff.get_by_text(f"Diese Datei wurde nicht angenommen: {reason}")).to_be_visible()

"""The chat page catches up after Redis was away, without a reload and without doubles.

A customer's page is served by one uvicorn process and a staff member's by another; the
processes share the chat through the test's own Redis (``tests/messaging/faults.py``),
which the test kills while both write. Both messages are stored and confirmed, neither
reaches the other page. When Redis is back the server says ``resync`` and each page
fetches what it missed (``chat.js``): the other side's message appears, one's own stays
once, in order, and nothing is left queued.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.asgi import open_as
from tests.messaging.faults import RedisServer, app_servers, redis_server

__all__ = ["redis_server"]

pytestmark = pytest.mark.browser

PREPARE = "tests.browser.test_messaging_chat:prepare"


def test_pages_show_what_they_missed_while_redis_was_down(
    browser: Any, tmp_path: Path, redis_server: RedisServer
) -> None:
    from playwright.sync_api import expect

    with app_servers(tmp_path, redis_server, prepare=PREPARE, count=2) as (bases, data):
        pages = {}
        for who, base in (("customer", bases[0]), ("staff", bases[1])):
            page = open_as(browser, base, data, who)
            page.goto(data[f"{who}_path"])
            expect(page.locator("[data-chat-status]")).to_have_text("Verbunden.")
            page.evaluate("window.notReloaded = true")
            pages[who] = page
        customer, staff = pages["customer"], pages["staff"]

        redis_server.stop()
        customer.get_by_label("Ihre Nachricht").fill("Geschrieben, als Redis weg war")
        customer.get_by_role("button", name="Senden").click()
        staff.get_by_label("Antwort").fill("Antwort, als Redis weg war")
        staff.get_by_role("button", name="Senden").click()
        # Stored and confirmed (the queue is empty), but neither reached the other page.
        for page in (customer, staff):
            page.wait_for_function(
                "() => Object.keys(localStorage).every("
                "(k) => !k.startsWith('ojc-chat-queue-') || localStorage[k] === '[]')"
            )
        staff.wait_for_timeout(1000)
        expect(staff.get_by_text("Geschrieben, als Redis weg war")).to_have_count(0)
        expect(customer.get_by_text("Antwort, als Redis weg war")).to_have_count(0)

        redis_server.start()
        expected = [
            "Hallo, ich habe eine Frage.",
            "Geschrieben, als Redis weg war",
            "Antwort, als Redis weg war",
        ]
        for page in (customer, staff):
            expect(page.locator(".chat-message[data-id] .chat-body")).to_have_text(
                expected, timeout=30_000
            )
            expect(page.locator(".chat-pending")).to_have_count(0)
            assert page.evaluate("window.notReloaded") is True
        # The other side's message is read out, as any arriving message.
        expect(customer.locator("[data-chat-announce]")).to_have_text(
            "Jobcenter: Antwort, als Redis weg war"
        )
        expect(staff.locator("[data-chat-announce]")).to_have_text(
            re.compile(r"^(?!Kundin oder Kunde)\S.*: Geschrieben, als Redis weg war$")
        )

        # Real time again across the processes.
        staff.get_by_label("Antwort").fill("Wieder da")
        staff.get_by_role("button", name="Senden").click()
        expect(customer.locator(".chat-message[data-id] .chat-body")).to_have_text(
            [*expected, "Wieder da"]
        )
        expect(staff.locator(".chat-message[data-id] .chat-body")).to_have_text(
            [*expected, "Wieder da"]
        )

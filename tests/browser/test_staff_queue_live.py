"""The staff work queue updates live (issue 18.1): a caseworker's start page is open, a
customer writes in a team conversation, and the queue's count moves within seconds,
without a reload and long before the 30-second poll (the chat socket's team group
carries ``queue``; the page's ``staff_queue.js`` fetches the queue part again). Needs
WebSockets: uvicorn in a subprocess, as in the chat test. axe on the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.asgi import AsgiServer, open_as, serve, sessions
from tests.browser.conftest import check_a11y

pytestmark = pytest.mark.browser

KIND = "messaging.team.general"


def prepare() -> dict[str, Any]:
    """Run in the setup subprocess: a customer with a general-topic conversation the team
    has read (nothing waits), and a caseworker."""
    from django.core.management import call_command

    from openjobcenter.accounts.models import Role
    from openjobcenter.messaging import services
    from openjobcenter.messaging.models import Topic
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter
    from tests.conftest import make_customer, make_staff
    from tests.home import world

    call_command("migrate", verbosity=0)
    load_jobcenters()
    fulda = Jobcenter.objects.get(slug="fulda")
    world.enable_modules(fulda)
    customer = make_customer(fulda, "kunde@example.org", "A-1001")
    staff = make_staff(fulda, Role.CASEWORKER, "sachbearbeitung@a.example.org")
    services.topics_ensure_defaults(jobcenter=fulda)
    topic = Topic.objects.get(jobcenter=fulda, category="general", name="Allgemeines")
    conversation = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(subject="Frage", body="Guten Tag.", topic=topic),
    )
    services.conversation_mark_read(conversation=conversation, user=staff)
    return {**sessions(customer, staff), "conversation": conversation.pk}


@pytest.fixture
def asgi_server(tmp_path: Path) -> Iterator[tuple[AsgiServer, dict[str, Any]]]:
    with serve(
        tmp_path,
        prepare="tests.browser.test_staff_queue_live:prepare",
        database="queue.sqlite3",
        unset=("REDIS_URL",),  # one process: the in-memory layer
    ) as running:
        yield running


def test_a_customers_message_shows_in_the_open_queue_without_reload(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]]
) -> None:
    from playwright.sync_api import expect

    server, data = asgi_server
    staff = open_as(browser, server.base, data, "staff")
    staff.goto("/fulda/staff/")
    count = staff.locator(f'[data-kind="{KIND}"] .work-count')
    expect(count).to_have_text("0")
    check_a11y(staff, "staff start page: the work queue")
    staff.wait_for_timeout(500)  # the socket is open
    loads: list[str] = []
    staff.on("framenavigated", lambda frame: loads.append(frame.url))

    customer = open_as(browser, server.base, data, "customer")
    customer.goto(f"/fulda/mein-bereich/nachrichten/{data['conversation']}/")
    customer.get_by_label("Ihre Nachricht").fill("Ich habe noch eine Frage.")
    customer.get_by_role("button", name="Senden").click()

    # Well within the 30-second poll: the live event did it.
    expect(count).to_have_text("1", timeout=5_000)
    assert loads == []  # no reload of the start page
    expect(staff.locator(f'[data-kind="{KIND}"] a')).to_be_visible()
    check_a11y(staff, "staff start page: the queue after the live update")

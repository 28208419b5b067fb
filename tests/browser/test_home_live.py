"""The customer's home in two real browsers, the whole loop of issue 17: staff ask for a
document, the customer's open home shows the request and its counts without a reload
(the chat socket's ``home`` event; the home is served from the cache, so this also
proves the request bumped it), the customer sends the document from there, staff see
the request answered, and the item has left the customer's home and its badge. Needs
WebSockets: uvicorn in a subprocess, as in the chat test. axe on every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.asgi import AsgiServer, open_as, serve, sessions
from tests.browser.conftest import check_a11y

# OCR on (tests/conftest.py): the pages show the kind suggestion read from the photo,
# and axe-core checks them as customers and staff see them.
pytestmark = [pytest.mark.browser, pytest.mark.ocr]


def prepare() -> dict[str, Any]:
    """Run in the setup subprocess: migrate, a customer with an unread message and a
    caseworker."""
    from django.core.management import call_command

    from openjobcenter.accounts.models import Role
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
    world.add_messages(customer, staff, 2, subject="Ihr Antrag")
    return {**sessions(customer, staff), "customer_pk": customer.pk}


@pytest.fixture
def asgi_server(tmp_path: Path) -> Iterator[tuple[AsgiServer, dict[str, Any]]]:
    with serve(
        tmp_path,
        prepare="tests.browser.test_home_live:prepare",
        database="home.sqlite3",
        unset=("REDIS_URL",),  # one process: the in-memory layer
    ) as running:
        yield running


def test_request_appears_live_on_the_home_and_is_answered_from_there(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]], tmp_path: Path
) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from tests.browser.conftest import submit
    from tests.documents.conftest import photo

    server, data = asgi_server
    customer = open_as(browser, server.base, data, "customer")
    customer.goto("/fulda/mein-bereich/")
    items = customer.locator("[data-home-items] li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("2 neue Nachrichten")
    nav = customer.locator("[data-home-count] [data-home-count-value]")
    expect(nav).to_have_text("2")
    check_a11y(customer, "home: customer with a message")
    customer.wait_for_timeout(500)  # the socket is open

    staff = open_as(browser, server.base, data, "staff")
    staff.goto(f"/fulda/staff/unterlagen/kunde/{data['customer_pk']}/anfordern/")
    staff.get_by_label("Lohn- oder Gehaltsabrechnung").check()
    deadline = timezone.localdate() + timedelta(days=10)
    staff.get_by_label("Frist").fill(deadline.isoformat())
    staff.get_by_role("button", name="Anfordern").click()
    expect(staff.locator(".messages")).to_be_visible()

    # Without a reload: the request is on top (its deadline is closer than nothing).
    request = customer.locator('[data-home-items] li[data-kind="document_request"]')
    expect(request).to_contain_text("Ihr Jobcenter bittet um eine Unterlage")
    expect(request).to_contain_text(deadline.strftime("%d.%m.%Y"))
    expect(nav).to_have_text("3")
    expect(
        customer.locator('[data-module-count="documents"] [data-home-count-value]')
    ).to_have_text("1")
    check_a11y(customer, "home: customer with a request")

    request.get_by_role("link", name="Jetzt senden").click()
    expect(customer).to_have_url(
        re.compile(r"/fulda/mein-bereich/unterlagen/senden/\?kind=payslip&item=\d+$")
    )
    expect(customer.locator("h1")).to_be_visible()
    check_a11y(customer, "home: upload opened from the home")
    shot = tmp_path / "lohnabrechnung.jpg"
    shot.write_bytes(photo(1))
    customer.get_by_label("Fotos oder PDF").set_input_files(str(shot))
    expect(customer.locator(".capture-frame img")).to_be_visible(timeout=30_000)
    submit(customer, customer.get_by_role("button", name="Senden"))
    expect(customer.get_by_text("Vielen Dank. Wir haben Ihre Unterlage erhalten.")).to_be_visible()

    # Staff: the request is answered (the document came through the pipeline).
    staff.goto(f"/fulda/staff/unterlagen/kunde/{data['customer_pk']}/")
    answered = staff.locator("li", has_text="Lohn- oder Gehaltsabrechnung").last
    expect(answered).to_contain_text("erhalten am")
    check_a11y(staff, "home: staff see the request answered")

    # The customer's home: the request is gone, the badge counts the messages only.
    customer.get_by_role("link", name=re.compile("^Mein Bereich")).click()
    expect(customer).to_have_url(re.compile(r"/fulda/mein-bereich/$"))
    expect(customer.locator("[data-home-items] li")).to_have_count(1)
    expect(customer.locator('[data-home-items] li[data-kind="document_request"]')).to_have_count(0)
    expect(nav).to_have_text("2")
    expect(customer.locator('[data-module-count="documents"]')).to_be_hidden()

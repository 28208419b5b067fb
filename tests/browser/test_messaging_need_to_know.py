"""A job advisor's chat page, live: the customer sends a photo in a general conversation;
it goes through the documents pipeline as an unlabelled document (financial, which job
advisors may not read, ``documents/kinds.py``). The advisor's page shows, without a
reload, that an attachment exists, "Anhang aus einem geschützten Bereich", without its
name or a link, and reads it out as such (``chat.js``); the customer's page links it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.asgi import AsgiServer, open_as, serve, sessions
from tests.browser.conftest import check_a11y

pytestmark = pytest.mark.browser


def prepare() -> dict[str, Any]:
    """Run in the setup subprocess: a customer, a job advisor, a general conversation."""
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
    fulda.enabled_modules = [*fulda.enabled_modules, "messaging", "documents"]
    fulda.save()
    customer = make_customer(fulda, "kunde@example.org", "A-1001")
    advisor = make_staff(fulda, Role.JOB_ADVISOR, "vermittlung@a.example.org")
    services.topics_ensure_defaults(jobcenter=fulda)
    conversation = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Frage zum Termin",
            body="Hallo.",
            topic=Topic.objects.get(jobcenter=fulda, name="Allgemeines"),
        ),
    )
    return {
        **sessions(customer, advisor),
        "customer_path": f"/fulda/mein-bereich/nachrichten/{conversation.pk}/",
        "staff_path": f"/fulda/staff/nachrichten/{conversation.pk}/",
    }


@pytest.fixture
def asgi_server(tmp_path: Path) -> Iterator[tuple[AsgiServer, dict[str, Any]]]:
    with serve(
        tmp_path,
        prepare="tests.browser.test_messaging_need_to_know:prepare",
        database="chat.sqlite3",
        unset=("REDIS_URL",),
    ) as running:
        yield running


def test_the_advisor_sees_a_protected_attachment_live_without_its_name(
    browser: Any, asgi_server: tuple[AsgiServer, dict[str, Any]], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from tests.documents.conftest import photo as page_photo

    server, data = asgi_server
    pages = {}
    for who in ("customer", "staff"):
        page = open_as(browser, server.base, data, who)
        page.goto(data[f"{who}_path"])
        expect(page.locator("[data-chat-status]")).to_have_text("Verbunden.")
        pages[who] = page
    customer, advisor = pages["customer"], pages["staff"]
    photo = tmp_path / "kontoauszug-geheim.jpg"
    # The documents tests' phone photo (2 MP, made once per process; 12 MP took about 4 s).
    photo.write_bytes(page_photo(1))

    customer.get_by_label("Foto oder Datei anhängen").set_input_files(str(photo))
    customer.get_by_role("button", name="Senden").click()
    sent = advisor.locator(".chat-message.chat-customer").last
    hidden = sent.locator("[data-attachment-hidden]")
    expect(hidden).to_have_text("Anhang aus einem geschützten Bereich")
    expect(sent.get_by_role("link")).to_have_count(0)
    expect(advisor.locator("[data-chat-log]")).not_to_contain_text("kontoauszug")
    expect(advisor.locator("[data-chat-announce]")).to_contain_text(
        "Anhang aus einem geschützten Bereich"
    )
    check_a11y(advisor, "messaging: staff conversation with a protected attachment")
    # The customer's own page links their attachment by name.
    own = customer.locator(".chat-message.chat-customer").last.get_by_role("link")
    expect(own).to_contain_text("Anhang: ")

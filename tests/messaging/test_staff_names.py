"""Issue 18 part 3: staff see who they are writing with: the customer's name and number,
never "Kundin oder Kunde"."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from openjobcenter.accounts.models import Role, User
from openjobcenter.messaging.models import Conversation

Login = Callable[[User], Client]


def test_the_chat_names_the_customer_and_their_number(
    staff_client: Login, conversation: Conversation, staff_a: dict[Role, User]
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    page = client.get(f"/fulda/staff/nachrichten/{conversation.pk}/").content.decode()
    log = page[page.index("data-chat-log") : page.index("</ol>")]
    assert "Karl Kunde (Kundennummer A-1001)" in log
    assert "Kundin oder Kunde" not in log
    # Live messages (chat.js) carry the same label, and the name leads to the case view.
    assert 'data-label-customer="Karl Kunde (Kundennummer A-1001)"' in page
    assert f'href="/fulda/staff/kunden/{conversation.customer_id}/"' in page


def test_the_inbox_names_the_customer(
    staff_client: Login, conversation: Conversation, staff_a: dict[Role, User]
) -> None:
    page = staff_client(staff_a[Role.CASEWORKER]).get("/fulda/staff/nachrichten/").content.decode()
    row = page[page.index("Frage zum Bescheid") :].split("</tr>", 1)[0]
    assert "Karl Kunde" in row and "A-1001" in row


def test_the_customer_still_reads_sie(customer_client: Client, conversation: Conversation) -> None:
    page = customer_client.get(f"/fulda/mein-bereich/nachrichten/{conversation.pk}/")
    text = page.content.decode()
    assert "Karl Kunde (Kundennummer" not in text

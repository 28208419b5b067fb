"""What the customer sees on "Mein Bereich": each kind of waiting item, most urgent
first, one tap from the work; done items gone; nothing of another customer's."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import ApplicationEvent, EventKind
from openjobcenter.appointments.models import Status
from openjobcenter.appointments.services import appointment_confirm
from openjobcenter.home.models import SeenMarker
from openjobcenter.messaging import services as chat
from openjobcenter.tenants.models import Jobcenter
from tests.home import world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("after_commit_at_once")]


@pytest.fixture
def staff(jc_a: Jobcenter, staff_a: dict[Role, User]) -> User:
    world.enable_modules(jc_a)
    return staff_a[Role.JOB_ADVISOR]


def home(client: Client, jc: Jobcenter) -> str:
    response = client.get(f"/{jc.slug}/mein-bereich/")
    assert response.status_code == 200
    return response.content.decode()


def items_of(html: str) -> list[str]:
    """The kinds of the waiting items, in the order shown."""
    return re.findall(r'data-kind="([a-z_]+)"', html)


def nav_count(html: str) -> str:
    match = re.search(r"data-home-count(?: hidden)?><span data-home-count-value>(\d+)<", html)
    assert match, "no count in the navigation"
    return match.group(1)


def test_empty_home_says_nothing_waits_and_keeps_the_modules(
    customer_client: Client, jc_a: Jobcenter, staff: User
) -> None:
    html = home(customer_client, jc_a)
    assert "Zurzeit wartet nichts auf Sie" in html
    assert items_of(html) == []
    assert nav_count(html) == "0"
    # The modules stay reachable below.
    for path in ("unterlagen/", "termine/", "nachrichten/", "antrag/", "profil/"):
        assert f'href="/{jc_a.slug}/mein-bereich/{path}"' in html


def test_document_request_shows_items_deadline_and_leads_to_sending(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    req = world.add_request(customer, days=5, kinds=("payslip", "rent_statement"))
    html = home(customer_client, jc_a)
    assert items_of(html) == ["document_request"]
    assert "Ihr Jobcenter bittet um 2 Unterlagen" in html
    deadline = req.deadline.strftime("%d.%m.%Y")
    assert f"bitte bis {deadline} senden" in html
    assert "Jetzt senden" in html
    first = req.items.order_by("position").first()
    assert first is not None
    link = f"/{jc_a.slug}/mein-bereich/unterlagen/senden/?kind=payslip&amp;item={first.pk}"
    assert link in html
    assert nav_count(html) == "2"
    # The link opens the upload with the item chosen.
    page = customer_client.get(link.replace("&amp;", "&"))
    assert page.status_code == 200
    # Every item sent: the request leaves the home.
    req.items.update(fulfilled_at=timezone.now())
    world.changed(customer)
    html = home(customer_client, jc_a)
    assert items_of(html) == []
    assert nav_count(html) == "0"


def test_invitation_today_and_next_appointment(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    invite = world.add_appointment(customer, staff, hours=72, status=Status.INVITED)
    today = world.add_appointment(customer, staff, hours=0.5, status=Status.CONFIRMED)
    world.add_appointment(customer, staff, hours=24 * 9, status=Status.BOOKED)
    world.add_appointment(customer, staff, hours=24 * 12, status=Status.BOOKED)  # not "next"
    world.add_appointment(customer, staff, hours=24 * 2, status=Status.CANCELLED)
    html = home(customer_client, jc_a)
    if timezone.localdate(today.starts_at) == timezone.localdate():
        assert items_of(html) == ["appointment", "appointment_invitation", "appointment"]
        assert "Heute: Ihr Termin" in html
    assert "Einladung: bitte bestätigen Sie den Termin" in html
    assert "Ihr nächster Termin" in html
    assert html.count('data-kind="appointment"') == 2
    assert f'href="/{jc_a.slug}/mein-bereich/termine/{invite.pk}/"' in html
    appointment_confirm(request=None, customer=customer, appointment=invite)
    html = home(customer_client, jc_a)
    assert "appointment_invitation" not in items_of(html)


def test_unread_messages_say_how_many_and_who_wrote(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    conv = world.add_messages(customer, staff, 3, subject="Ihr Weiterbewilligungsantrag")
    html = home(customer_client, jc_a)
    assert items_of(html) == ["message"]
    assert "3 neue Nachrichten" in html
    assert f"von {staff.first_name} {staff.last_name}" in html
    assert "Ihr Weiterbewilligungsantrag" in html
    assert f'href="/{jc_a.slug}/mein-bereich/nachrichten/{conv.pk}/"' in html
    assert nav_count(html) == "3"
    chat.conversation_mark_read(conversation=conv, user=customer.user)
    html = home(customer_client, jc_a)
    assert items_of(html) == []


def test_draft_names_the_next_step_and_filed_draft_what_is_missing(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    draft = world.add_draft(customer)
    html = home(customer_client, jc_a)
    assert items_of(html) == ["application_draft"]
    assert "Erstantrag weiter ausfüllen" in html
    assert "Nächster Schritt:" in html
    assert f"/{jc_a.slug}/mein-bereich/antrag/{draft.pk}/schritt/" in html
    assert "p2" not in re.sub(r"<[^>]+>", "", html.split("Nächster Schritt:")[1][:200])
    draft.filed_at = timezone.now()
    draft.save(update_fields=["filed_at"])
    world.changed(customer)
    html = home(customer_client, jc_a)
    assert items_of(html) == ["application_complete"]
    assert "Erstantrag gestellt – bitte vervollständigen" in html
    assert "Es fehlt noch:" in html


def test_status_change_shows_until_seen_and_a_second_tap_changes_nothing(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    app, event = world.add_submitted(customer, staff, message="Es fehlt noch ein Kontoauszug.")
    html = home(customer_client, jc_a)
    assert items_of(html) == ["application_status"]
    assert "Neuer Stand: Erstantrag" in html
    assert "Status: In Bearbeitung – Es fehlt noch ein Kontoauszug." in html
    seen = f"/{jc_a.slug}/mein-bereich/gesehen/antrag/{app.pk}/{event.pk}/"
    assert f'action="{seen}"' in html
    for _ in range(2):  # a double tap: the same page, one marker
        response = customer_client.post(seen)
        assert response.status_code == 302
        assert response["Location"] == f"/{jc_a.slug}/mein-bereich/antrag/{app.pk}/"
    assert SeenMarker.objects.get(customer=customer).upto == event.pk
    assert items_of(home(customer_client, jc_a)) == []
    # An old tab's tap (an earlier event) does not bring it back.
    customer_client.post(f"/{jc_a.slug}/mein-bereich/gesehen/antrag/{app.pk}/1/")
    assert SeenMarker.objects.get(customer=customer).upto == event.pk
    # A newer change shows again.
    ApplicationEvent.objects.create(
        application=app,
        actor=staff,
        kind=EventKind.STATUS_CHANGED,
        status_from="in_progress",
        status_to="decided",
        message="",
    )
    world.changed(customer)
    html = home(customer_client, jc_a)
    assert "Entscheidung zu Ihrem Erstantrag" in html


def test_open_question_leads_to_the_application(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    app, event = world.add_submitted(customer, staff)
    customer_client.post(f"/{jc_a.slug}/mein-bereich/gesehen/antrag/{app.pk}/{event.pk}/")
    ApplicationEvent.objects.create(
        application=app, actor=staff, kind=EventKind.QUESTION, message="Seit wann wohnen Sie dort?"
    )
    world.changed(customer)
    html = home(customer_client, jc_a)
    assert items_of(html) == ["application_question"]
    assert "Seit wann wohnen Sie dort?" in html
    assert f'href="/{jc_a.slug}/mein-bereich/antrag/{app.pk}/"' in html


def test_most_urgent_first(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    world.add_messages(customer, staff, 1)
    world.add_request(customer, days=20)
    world.add_request(customer, days=0)  # due today
    html = home(customer_client, jc_a)
    # Due today first; then, within the same urgency, what came or falls due earlier.
    assert items_of(html) == ["document_request", "message", "document_request"]
    first = html.index('data-kind="document_request"')
    assert "home-item-urgent" in html[first - 120 : first]


def test_another_customer_sees_none_of_it(
    client: Client,
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff: User,
) -> None:
    busy = world.make_busy(customer, staff, unread=4)
    client.force_login(customer2.user)
    html = home(client, jc_a)
    assert items_of(html) == []
    assert nav_count(html) == "0"
    data = client.get(f"/{jc_a.slug}/mein-bereich/stand/").json()
    assert data["total"] == 0
    # Marking another's application seen: 404, nothing stored.
    app = busy.applications[1]
    event = app.events.get()
    response = client.post(f"/{jc_a.slug}/mein-bereich/gesehen/antrag/{app.pk}/{event.pk}/")
    assert response.status_code == 404
    assert not SeenMarker.objects.exists()


def test_fragment_gives_the_list_and_the_counts(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    with world.daytime():  # "one appointment today" stays today
        world.make_busy(customer, staff, unread=4)
        data = customer_client.get(f"/{jc_a.slug}/mein-bereich/stand/").json()
    assert data["counts"]["documents"] == 10
    assert data["counts"]["messaging"] == 4
    assert data["total"] == sum(data["counts"].values())
    assert "Jetzt senden" in data["html"]
    assert data["html"].count("data-kind=") == 5 + 3 + 2 + 2


def test_badge_on_other_customer_pages(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    world.add_request(customer)
    html = customer_client.get(f"/{jc_a.slug}/mein-bereich/profil/").content.decode()
    assert nav_count(html) == "1"


def test_switched_off_module_contributes_nothing(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, staff: User
) -> None:
    world.add_request(customer)
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "documents"]
    jc_a.save()
    html = home(customer_client, jc_a)
    assert items_of(html) == []


@pytest.mark.parametrize(
    ("language", "todo", "send"),
    [
        ("en", "What to do now", "Send now"),
        ("ar", "ما يجب فعله الآن", "أرسل الآن"),
        ("uk", "Що потрібно зробити зараз", "Надіслати зараз"),
    ],
)
def test_home_in_the_customers_language(
    customer_client: Client,
    jc_a: Jobcenter,
    customer: CustomerProfile,
    staff: User,
    language: str,
    todo: str,
    send: str,
) -> None:
    customer.user.preferred_language = language
    customer.user.save()
    world.add_request(customer)
    world.add_messages(customer, staff, 2)
    html = home(customer_client, jc_a)
    assert todo in html
    assert send in html
    assert "Jetzt senden" not in html
    assert "neue Nachrichten" not in html


def test_stale_link_to_a_sent_item_says_what_happened(
    client: Client,
    customer_client: Client,
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff: User,
) -> None:
    req = world.add_request(customer)
    item = req.items.get()
    link = f"/{jc_a.slug}/mein-bereich/unterlagen/senden/?kind=payslip&item={item.pk}"
    assert "haben wir schon" not in customer_client.get(link).content.decode()
    req.items.update(fulfilled_at=timezone.now())
    world.changed(customer)
    response = customer_client.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    # The page of documents/views_customer._stale_item: what happened, nothing to send.
    assert "Diese Unterlage haben wir schon" in html
    assert "Sie müssen nichts mehr senden" in html
    assert "Lohn- oder Gehaltsabrechnung" in html
    # Another customer following the same link learns nothing about it.
    client.force_login(customer2.user)
    other = client.get(link).content.decode()
    assert "haben wir schon" not in other

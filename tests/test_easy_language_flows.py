"""Leichte Sprache in appointments, chat, notifications and e-mails (issue 23).

The same two kinds of check as ``tests/test_easy_language.py``, for further core flows:

* the pages a customer sees while booking, answering an invitation, saying "Ich kann nicht
  kommen", chatting and setting notifications, and the e-mails and push messages sent to
  them, are rendered in Leichte Sprache; every message of the platform's own catalogues
  looked up without a Leichte-Sprache text is named;
* a static check: every message in the customer-facing source files of these flows (and of
  the start page, registration, login and Mein Bereich) has a Leichte-Sprache text, also
  the ones a page only shows in a rare state (an error, an empty list).

The readability of the texts is checked for all catalogues by
``test_easy_german_texts_do_not_get_harder_to_read``.
"""

from __future__ import annotations

import ast
import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments import notify as appointment_notify
from openjobcenter.appointments.models import AppointmentType, Channel
from openjobcenter.appointments.services import appointment_invite
from openjobcenter.appointments.slots import BERLIN, local_to_utc
from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.core.mail import open_mail
from openjobcenter.core.models import OutgoingMail
from openjobcenter.messaging import services as chat
from openjobcenter.notifications.events import all_events
from openjobcenter.notifications.services import render_payload
from openjobcenter.tenants.models import Jobcenter, Office
from tests.test_easy_language import missing_on, project_msgids, recorded_lookups
from tests.test_translations import PACKAGE_DIR

# The customer-facing source files of the core flows: whatever message they hold, a
# customer may see it. Staff pages and admin labels are not listed.
CUSTOMER_SOURCES = [
    # Appointments: booking, invitation, "Ich kann nicht kommen", e-mails.
    "appointments/templates/appointments/customer_*.html",
    "appointments/views_customer.py",
    "appointments/views_customer_booking.py",
    "appointments/forms_customer.py",
    "appointments/legal_notice.py",
    "appointments/home.py",
    "appointments/notify.py",
    # Chat and its notices in the conversation.
    "messaging/templates/messaging/customer_*.html",
    "messaging/templates/messaging/_messages.html",
    "messaging/views_customer.py",
    "messaging/notices.py",
    "messaging/home.py",
    "messaging/attachments.py",
    "messaging/services_send.py",
    # Notifications: push and e-mail texts, the settings page.
    "notifications/events.py",
    "notifications/forms.py",
    "notifications/views.py",
    "notifications/templates/notifications/preferences.html",
    "postbox/events.py",
    # Start page, registration, login, Mein Bereich, the account e-mails.
    "web/templates/web/base.html",
    "web/templates/web/landing.html",
    "web/templates/web/tenant_home.html",
    "web/templates/web/_tenant_home_main.html",
    "web/templates/web/easy_language.html",
    "web/templates/web/404.html",
    "web/templates/web/500.html",
    "web/templates/web/csrf_failure.html",
    "web/templates/account/email/*.txt",
    "web/templates/allauth/**/*.html",
    "accounts/forms.py",
    "accounts/adapter.py",
    "home/templates/home/*.html",
    "home/views.py",
    "bundid/templates/bundid/link_mail.txt",
]
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
LITERAL = r"u?'(?:[^'\\]|\\.)*'"
TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(({LITERAL}(?:\s*,\s*{LITERAL})*)")


def _key(function: str, args: list[str]) -> str:
    with_context = function.lstrip("n").startswith("pgettext")
    return f"{args[0]}\x04{args[1]}" if with_context else args[0]


def messages_in(path: Path) -> list[str]:
    """The msgids a source file marks, as makemessages finds them (catalogue keys)."""
    found = []
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name not in GETTEXT:
                continue
            needed = 2 if name.lstrip("n").startswith("pgettext") else 1
            texts = [
                a.value
                for a in node.args[:needed]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if len(texts) == needed:
                found.append(_key(name, texts))
    else:
        for match in TEMPLATE_CALL.finditer(templatize(path.read_text("utf-8"))):
            found.append(_key(match.group(1), list(ast.literal_eval(f"({match.group(2)},)"))))
    return found


def without_easy_text(messages: list[str]) -> list[str]:
    catalogue = trans_real.translation(EASY_GERMAN)._catalog  # type: ignore[attr-defined]
    own = project_msgids()
    return sorted(
        {m for m in messages if m in own and m not in catalogue and (m, 0) not in catalogue}
    )


def test_customer_sources_of_the_core_flows_have_easy_german() -> None:
    files = [p for pattern in CUSTOMER_SOURCES for p in sorted(PACKAGE_DIR.glob(pattern))]
    assert len(files) >= len(CUSTOMER_SOURCES), "a listed source file is gone"
    missing = []
    for path in files:
        for message in without_easy_text(messages_in(path)):
            missing.append(f"{path.relative_to(PACKAGE_DIR)}: {message!r}")
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)


def test_the_source_scan_finds_messages_of_templates_and_code() -> None:
    template = messages_in(
        PACKAGE_DIR / "appointments/templates/appointments/customer_cannot_come.html"
    )
    assert "Ich kann den Termin nicht wahrnehmen" in template
    code = messages_in(PACKAGE_DIR / "appointments/notify.py")
    assert "Einladung zu einem Termin" in code  # gettext_noop
    # A message without Leichte Sprache is named (it exists in German only).
    assert without_easy_text(["Rechtsfolgenbelehrung bei Einladungen"]) == [
        "Rechtsfolgenbelehrung bei Einladungen"
    ]
    assert without_easy_text(["Termine"]) == []


# --- The pages and messages, rendered ------------------------------------------------------


@pytest.fixture
def easy_customer(customer: CustomerProfile) -> CustomerProfile:
    customer.user.preferred_language = EASY_GERMAN
    customer.user.save(update_fields=["preferred_language"])
    jc = customer.jobcenter
    jc.enabled_modules = sorted({*jc.enabled_modules, "appointments", "messaging"})
    jc.save()
    return customer


def invite(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Any:
    day: date = timezone.localtime(timezone.now(), BERLIN).date() + timedelta(days=3)
    starts_at = local_to_utc(day, time(14, 30))
    assert starts_at is not None
    office = Office.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    return appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=starts_at,
        channel=Channel.IN_PERSON,
        office_id=office.pk if office else None,
        override_reason="Termin nach Absprache",
    )


def test_appointment_pages_are_in_easy_german(
    customer_client: Client,
    easy_customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
) -> None:
    invitation = invite(easy_customer, appt_type, advisor)
    base = f"/{easy_customer.jobcenter.slug}/mein-bereich/termine/"
    missing = missing_on(
        customer_client,
        [
            base,
            f"{base}buchen/",
            f"{base}buchen/{appt_type.pk}/",
            f"{base}{invitation.pk}/",
            f"{base}{invitation.pk}/absagen/",
        ],
    )
    # "Ich kann nicht kommen" without a reason: the error is in Leichte Sprache too.
    with recorded_lookups(EASY_GERMAN) as seen:
        refused = customer_client.post(f"{base}{invitation.pk}/absagen/", {"reason": ""})
    assert refused.status_code == 400
    assert "Bitte" in refused.content.decode()
    missing += without_easy_text(seen)
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(sorted(set(missing)))


def test_chat_and_notification_pages_are_in_easy_german(
    customer_client: Client, easy_customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    jc: Jobcenter = easy_customer.jobcenter
    chat.topics_ensure_defaults(jobcenter=jc)
    topic = jc.chat_topics.order_by("position").first()
    conversation = chat.conversation_start(
        customer=easy_customer,
        author=easy_customer.user,
        data=chat.StartRequest(subject="Frage", body="Ich habe eine Frage.", topic=topic),
    )
    chat.message_send(
        conversation=conversation, author=staff_a[Role.CASEWORKER], body="Gern. Was ist los?"
    )
    area = f"/{jc.slug}/mein-bereich/"
    missing = missing_on(
        customer_client,
        [
            f"{area}nachrichten/",
            f"{area}nachrichten/neu/",
            f"{area}nachrichten/{conversation.pk}/",
            f"{area}benachrichtigungen/",
        ],
    )
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)


def test_emails_and_push_messages_are_in_easy_german(
    easy_customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    invitation = invite(easy_customer, appt_type, advisor)
    OutgoingMail.objects.all().delete()
    url = settings.SITE_URL + "/"
    with recorded_lookups(EASY_GERMAN) as seen:
        for send in (
            appointment_notify.invited,
            appointment_notify.booked,
            appointment_notify.rescheduled,
            appointment_notify.cancelled_by_staff,
            appointment_notify.reminder,
        ):
            send(invitation.pk)
        payloads = [
            render_payload(easy_customer.user, event.key, url)
            for event in all_events()
            if not event.key.endswith("_staff")
        ]
    missing = without_easy_text(seen)
    assert not missing, "Leichte Sprache fehlt für:\n" + "\n".join(missing)
    # What arrives is Leichte Sprache, not the German fallback.
    mails = [open_mail(m) for m in OutgoingMail.objects.order_by("pk")]
    assert len(mails) == 5
    assert mails[0]["subject"] == "Einladung zu einem Termin"
    assert "Guten Tag" in mails[0]["body"]
    assert (
        "Bitte bestätigen Sie den Termin. Oder bitten Sie um einen anderen Termin."
        in (mails[0]["body"])
    )
    bodies = {p.title: p.body for p in payloads}
    assert bodies["Neuer Brief"] == (
        "Sie haben einen neuen Brief vom Jobcenter. Sie lesen ihn im Post-Fach."
    )

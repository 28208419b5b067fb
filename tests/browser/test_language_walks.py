"""The core customer flow walked in Leichte Sprache, Farsi (right to left) and Turkish at
390 px, phone width: start page → registration → Mein Bereich → self-check → the first
application's first steps → document upload → appointment booking and "Ich kann nicht
kommen" → chat. axe-core checks every page (conftest's watch). Each page is in the chosen
language (``lang``, ``dir``) and, in Farsi and Turkish, shows no German running text (a
message or a job centre's text without translation); nothing scrolls sideways. Leichte
Sprache is German with partial catalogues by design; on the self-check, the application
and the documents pages its walk also finds no message in its standard German (a message
whose Leichte-Sprache text is missing or differs from the German shows up in ``main``
with the German words: a fallback; tests/test_easy_language.py checks which messages
these pages look up)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import trans_real
from playwright.sync_api import Browser, Page, expect

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import AppointmentType, Channel
from openjobcenter.appointments.services import appointment_invite
from openjobcenter.appointments.slots import BERLIN, local_to_utc
from openjobcenter.core.content_i18n import set_translation
from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.tenants.models import Jobcenter, Office
from tests.applications.customer_data import enable
from tests.browser.conftest import new_context, submit
from tests.conftest import PASSWORD
from tests.test_easy_language import project_msgids

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Words of German running text: on a Farsi or Turkish page any of them in the visible text
# is a message shown in German (a fallback). Names and the job centre's name have none.
GERMAN_WORDS = re.compile(
    r"\b(Sie|Ihre?[nmrs]?|bitte|Bitte|und|oder|nicht|können|werden|wird|haben|"
    r"Termine?|Antrag|Unterlagen|Nachrichten?|Speichern|Weiter|Zurück|Abmelden|Anmelden)\b"
)
# A job centre's own texts the walk meets, as the job centre would enter them per language.
OWN_TEXTS = {
    "tr": {"name": "Danışmanınızla görüşme"},
    "fa": {"name": "گفت‌وگو با مشاور شما"},
    EASY_GERMAN: {"name": "Gespräch mit Ihrer Ansprech-Person"},
}

INTRO = {
    "tr": "Landkreis Fulda Belediye Jobcenter'ına hoş geldiniz (demo). Burada vatandaşlık"
    " parası (Bürgergeld) ile ilgili işlerinizi günün her saatinde çevrimiçi halledebilirsiniz.",
    "fa": "به جاب‌سنتر شهرستان فولدا خوش آمدید (نسخهٔ نمایشی). در اینجا می‌توانید کارهای"
    " مربوط به بورگرگلد را در هر ساعت از شبانه‌روز به‌صورت آنلاین انجام دهید.",
    EASY_GERMAN: "Willkommen beim Job-Center Fulda. Hier können Sie Bürger-Geld beantragen."
    " Das geht im Internet. Zu jeder Zeit.",
}


# The pages of the Leichte-Sprache walk that must show no standard-German message.
EASY_GERMAN_PAGES = {
    "self-check",
    "self-check result",
    "application start",
    "application: first step",
    "application overview",
    "documents",
    "document upload",
}


def _plain(text: str) -> str:
    return " ".join(text.split())


def standard_german_messages() -> list[str]:
    """The platform's messages whose Leichte-Sprache text is not the German itself (or is
    missing): seen in a Leichte-Sprache page, they are standard German. Messages with
    placeholders or markup, in a context, or too short to be sure about are left out."""
    catalogue = trans_real.translation(EASY_GERMAN)._catalog  # type: ignore[attr-defined]
    found = []
    for msgid in project_msgids():
        if not isinstance(msgid, str) or "\x04" in msgid or len(msgid) < 20:
            continue
        if any(mark in msgid for mark in ("%(", "%s", "{", "<", "\n")):
            continue
        easy = catalogue.get(msgid)
        if easy is None or _plain(easy) != _plain(msgid):
            found.append(_plain(msgid))
    return sorted(found)


class Walk:
    """One page after the other in one language, with the checks every page gets."""

    def __init__(self, page: Page, language: str) -> None:
        self.page, self.language = page, language
        self.seen: list[str] = []
        self.problems: list[str] = []  # all pages' findings at once, asserted at the end
        self.standard_german = standard_german_messages() if language == EASY_GERMAN else []

    def check(self, label: str) -> None:
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        expected_dir = "rtl" if self.language == "fa" else "ltr"
        expect(page.locator("html")).to_have_attribute("dir", expected_dir)
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        if scroll > inner:
            self.problems.append(f"{label}: scrolls sideways ({scroll} > {inner} px)")
        if self.language != EASY_GERMAN:
            text = page.locator("main").inner_text()
            german = [
                line for line in text.splitlines() if GERMAN_WORDS.search(line) and line.strip()
            ]
            if german:
                self.problems.append(f"{label}: German text: {german}")
        elif label in EASY_GERMAN_PAGES:
            text = _plain(page.locator("main").inner_text())
            shown = [m for m in self.standard_german if m in text]
            if shown:
                self.problems.append(
                    f"{label}: standard German instead of Leichte Sprache: {shown}"
                )
        self.seen.append(label)


@pytest.fixture
def walk_world(
    jobcenters: dict[str, Jobcenter],
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    settings: Any,
    tmp_path: Any,
) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    jc = jobcenters["fulda"]
    enable(jc)
    jc.enabled_modules = sorted({*jc.enabled_modules, "documents", "messaging", "appointments"})
    jc.save()
    for language, texts in OWN_TEXTS.items():
        for field, text in texts.items():
            set_translation(appt_type, field, language, text)
        set_translation(jc, "intro", language, INTRO[language])
    appt_type.save()
    jc.save()
    day: date = timezone.localtime(timezone.now(), BERLIN).date() + timedelta(days=3)
    starts_at = local_to_utc(day, time(14, 30))
    assert starts_at is not None
    office = Office.objects.filter(jobcenter=jc).order_by("position").first()
    invitation = appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=starts_at,
        channel=Channel.IN_PERSON,
        office_id=office.pk if office else None,
        note="",
        override_reason="Termin nach Absprache",
    )
    return {"customer": customer, "invitation": invitation}


@pytest.mark.parametrize("language", [EASY_GERMAN, "fa", "tr"])
def test_core_flow_in_the_chosen_language(
    browser: Browser, server: str, walk_world: dict[str, Any], language: str
) -> None:
    customer: CustomerProfile = walk_world["customer"]
    customer.user.preferred_language = language
    customer.user.save(update_fields=["preferred_language"])
    context = new_context(browser, server, viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": language, "url": server}])
    try:
        walk = Walk(context.new_page(), language)
        page = walk.page

        page.goto("/fulda/")
        walk.check("start page")

        page.goto("/konto/signup/?jobcenter=fulda")
        walk.check("registration")
        submit(page, page.locator("main form button[type=submit]"))
        expect(page.locator(".error-summary")).to_be_visible()
        walk.check("registration with errors")

        page.goto("/konto/login/")
        page.locator("input[name=login]").fill(customer.user.email)
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, page.locator("main form button[type=submit]").first)
        page.wait_for_url("**/fulda/mein-bereich/")
        walk.check("Mein Bereich")

        page.goto("/fulda/vorabcheck/")
        walk.check("self-check")
        page.locator("[name=applicant_age]").fill("35")
        page.locator("[name=rent_m]").fill("520")
        page.locator("[name=service_charges_m]").fill("150")
        page.locator("[name=heating_m]").fill("90")
        page.locator("[name=wealth]").fill("2000")
        submit(page, page.locator("main form button[type=submit]").first)
        expect(page.locator("#result, [role=region]").first).to_be_visible()
        walk.check("self-check result")

        page.goto("/fulda/mein-bereich/antrag/neu/erstantrag/")
        walk.check("application start")
        submit(page, page.locator("main form button[type=submit]").first)
        page.wait_for_url(re.compile(r"/antrag/\d+/"))
        walk.check("application: first step")
        if language == EASY_GERMAN:
            # The step links back to it; its progress list names every step.
            page.goto(re.sub(r"/schritt/.*$", "/", page.url))
            walk.check("application overview")
            assert "Bürgergeld-Rechner: Habe ich Anspruch?" in walk.standard_german

        page.goto("/fulda/mein-bereich/unterlagen/")
        walk.check("documents")
        page.goto("/fulda/mein-bereich/unterlagen/senden/")
        walk.check("document upload")

        page.goto("/fulda/mein-bereich/termine/buchen/")
        walk.check("appointment booking")
        invitation = walk_world["invitation"]
        page.goto(f"/fulda/mein-bereich/termine/{invitation.pk}/")
        walk.check("appointment")
        page.goto(f"/fulda/mein-bereich/termine/{invitation.pk}/absagen/")
        walk.check("Ich kann nicht kommen")

        page.goto("/fulda/mein-bereich/nachrichten/")
        walk.check("chat list")
        page.goto("/fulda/mein-bereich/nachrichten/neu/")
        walk.check("new chat")
        assert len(walk.seen) == (16 if language == EASY_GERMAN else 15)
        assert not walk.problems, f"{language}:\n" + "\n".join(walk.problems)
    finally:
        context.close()

"""The feedback widget on a real customer page in Chromium (htmx in place, and as a
plain form without JavaScript), the panel page and the staff dashboard pages; every
page state checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.feedback.models import Feedback, PanelMembership, TextChange
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, log_in, log_in_staff, new_context, submit
from tests.feedback.conftest import enable

pytestmark = pytest.mark.browser


def test_customer_answers_in_place_and_the_comment_is_stored_scrubbed(
    page: Page, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    enable(jc_a)
    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/profil/")
    widget = page.locator("[data-feedback]")
    expect(widget.get_by_text("War diese Seite verständlich?")).to_be_visible()
    check_a11y(page, "/fulda/mein-bereich/profil/ (feedback widget)")
    widget.get_by_label("Nein").check()
    widget.get_by_text("Möchten Sie uns mehr sagen?").click()
    widget.get_by_label("Was war unklar?").fill("Bitte an karl@example.org schreiben, 0661 123456")
    url = page.url
    widget.get_by_role("button", name="Rückmeldung senden").click()
    expect(
        page.get_by_role("status").filter(has_text="Vielen Dank für Ihre Rückmeldung!")
    ).to_be_visible()
    assert page.url == url  # no navigation: htmx swapped the widget
    check_a11y(page, "/fulda/mein-bereich/profil/ (feedback thanks)")
    row = Feedback.objects.get()
    assert (row.page, row.answer) == ("customer:profile", "no")
    assert row.comment == "Bitte an [E-Mail] schreiben, [Telefon]"


def test_oversized_comment_shows_the_message_in_place(page: Page, jc_a: Jobcenter) -> None:
    enable(jc_a)
    page.goto("/fulda/vorabcheck/")
    widget = page.locator("[data-feedback]")
    widget.get_by_label("Teilweise").check()
    widget.get_by_text("Möchten Sie uns mehr sagen?").click()
    # The field stops at 1000 characters; a forged longer text is refused by the server.
    widget.locator("textarea").evaluate("el => el.removeAttribute('maxlength')")
    widget.locator("textarea").fill("x" * 1001)
    widget.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_role("alert")).to_contain_text("Ihr Kommentar ist zu lang")
    check_a11y(page, "/fulda/vorabcheck/ (feedback refused)")
    assert not Feedback.objects.exists()

    # The same as a plain form POST (the page a browser without JavaScript gets).
    page.reload()
    page.locator("[data-feedback] form").evaluate(
        "form => { const plain = form.cloneNode(true); plain.removeAttribute('hx-post');"
        " plain.querySelector('textarea').removeAttribute('maxlength');"
        " form.replaceWith(plain); }"
    )
    widget = page.locator("[data-feedback]")
    widget.get_by_label("Nein").check()
    widget.get_by_text("Möchten Sie uns mehr sagen?").click()
    widget.locator("textarea").fill("y" * 1001)
    submit(page, widget.get_by_role("button", name="Rückmeldung senden"))
    expect(page.locator("h1")).to_have_text("Rückmeldung nicht gespeichert")
    expect(page.get_by_role("alert")).to_contain_text("Ihr Kommentar ist zu lang")
    check_a11y(page, "/fulda/rueckmeldung/ (400 without JavaScript)")
    page.get_by_role("link", name="Zurück zur Seite").click()
    page.wait_for_url("**/fulda/vorabcheck/")
    assert not Feedback.objects.exists()


def test_widget_works_without_javascript(browser: Browser, server: str, jc_a: Jobcenter) -> None:
    enable(jc_a)
    context = new_context(browser, server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/fulda/")
        widget = page.locator("[data-feedback]")
        widget.get_by_label("Ja").check()
        submit(page, widget.get_by_role("button", name="Rückmeldung senden"))
        expect(page).to_have_url(re.compile(r"/fulda/$"))
        expect(page.get_by_text("Vielen Dank für Ihre Rückmeldung!")).to_be_visible()
    finally:
        context.close()
    assert Feedback.objects.get().page == "tenant:home"


def test_customer_joins_and_leaves_the_panel(
    page: Page, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    enable(jc_a)
    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/mitmachen/")
    check_a11y(page, "/fulda/mein-bereich/mitmachen/ (consent)")
    submit(page, page.get_by_role("button", name="Beim Mitmachen-Panel mitmachen"))
    expect(page.get_by_role("alert")).to_contain_text("Bitte bestätigen Sie Ihre Einwilligung.")
    check_a11y(page, "/fulda/mein-bereich/mitmachen/ (400)")
    page.get_by_label("Ja, ich möchte beim Mitmachen-Panel dabei sein.", exact=False).check()
    submit(page, page.get_by_role("button", name="Beim Mitmachen-Panel mitmachen"))
    expect(page.get_by_text("Willkommen im Mitmachen-Panel!")).to_be_visible()
    check_a11y(page, "/fulda/mein-bereich/mitmachen/ (member)")
    submit(page, page.get_by_role("button", name="Einwilligung widerrufen"))
    expect(page.get_by_text("Ihre Einwilligung ist widerrufen.")).to_be_visible()
    assert PanelMembership.objects.get().withdrawn_at is not None


def test_team_lead_reads_the_dashboard_marks_a_change_and_invites(
    page: Page, jc_a: Jobcenter, staff_a: dict[Role, User]
) -> None:
    enable(jc_a)
    from openjobcenter.feedback import pages, services

    services.feedback_submit(
        jobcenter=jc_a,
        ref=pages.PageRef("tenant:self_check"),
        answer="no",
        text="Zu viele Fachwörter",
        staff=False,
    )
    log_in_staff(page, staff_a[Role.TEAM_LEAD], jc_a)
    page.get_by_role("link", name="Rückmeldungen", exact=True).click()
    expect(page.locator("h1")).to_have_text("Rückmeldungen: War die Seite verständlich?")
    expect(page.get_by_text("Zu viele Fachwörter")).to_be_visible()
    check_a11y(page, "/fulda/staff/rueckmeldungen/")
    page.get_by_role("link", name="markieren", exact=True).click()
    expect(page.get_by_label("Was wurde geändert?")).to_be_visible()
    check_a11y(page, "/fulda/staff/rueckmeldungen/textaenderung/")
    page.get_by_label("Was wurde geändert?").fill("Einfachere Sprache")
    submit(page, page.get_by_role("button", name="Vermerken"))
    expect(page.get_by_text("Die Textänderung ist vermerkt.")).to_be_visible()
    assert TextChange.objects.get().page == "tenant:self_check"
    page.get_by_role("link", name="Panel einladen").click()
    expect(page.get_by_role("button", name="Einladen")).to_be_visible()
    check_a11y(page, "/fulda/staff/rueckmeldungen/panel/")
    submit(page, page.get_by_role("button", name="Einladen"))
    expect(page.get_by_role("alert")).to_be_visible()
    check_a11y(page, "/fulda/staff/rueckmeldungen/panel/ (400)")

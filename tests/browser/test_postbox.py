"""Digital post in Chromium (issue 25): a customer consents, receives a notice, opens it,
objects and gets the receipt (German, 390 px); a representative accepts a mandate, sees
the banner and reads the postbox of the person they act for (Arabic, 1366 px). axe-core
checks every state and finds nothing, not even minor issues."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.mandates import services as mandates
from openjobcenter.postbox import services as postbox
from openjobcenter.postbox.models import Notice, Objection
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, log_in, new_context, submit
from tests.conftest import make_user
from tests.postbox.conftest import make_pdf

pytestmark = pytest.mark.browser

MODULES = ("postbox", "mandates", "messaging", "documents", "applications", "appointments")


@pytest.fixture
def post_jc(jc_a: Jobcenter) -> Jobcenter:
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, *MODULES})
    jc_a.save(update_fields=["enabled_modules"])
    return jc_a


def _deposit(customer: CustomerProfile, caseworker: User) -> Notice:
    return postbox.notice_deposit(
        request=None,
        actor=caseworker,
        customer=customer,
        data=postbox.NoticeInput(kind="grant", dated=date(2026, 3, 2), data=make_pdf()),
    )


def _clean(page: Page, label: str) -> None:
    findings = check_a11y(page, label)
    assert findings == [], "\n".join(f.line() for f in findings)


def test_customer_consents_opens_a_notice_objects_and_gets_the_receipt(
    browser: Browser,
    server: str,
    post_jc: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    context = new_context(browser, server, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        log_in(page, customer.user.email)
        page.goto("/fulda/mein-bereich/profil/einwilligungen/")
        _clean(page, "postbox consent (390 px)")
        page.get_by_label("Elektronisch in meinem Postfach").check()
        submit(page, page.get_by_role("button", name="Speichern"))
        expect(page.locator("main")).to_contain_text("elektronisch, zugestimmt am")
        _clean(page, "postbox consent given")

        notice = _deposit(customer, staff_a[Role.CASEWORKER])
        page.goto("/fulda/mein-bereich/postfach/")
        _clean(page, "postbox with a new notice")
        submit(page, page.locator(f"a[href$='/postfach/{notice.pk}/']").first)
        expect(page.get_by_role("heading", level=1)).to_contain_text("vom 02.03.2026")
        expect(page.locator("main")).to_contain_text("Widerspruch")
        _clean(page, "notice opened")
        with page.expect_download() as download:
            page.get_by_role("link", name="Schreiben herunterladen (PDF)").click()
        assert download.value.path().read_bytes().startswith(b"%PDF-")
        notice.refresh_from_db()
        assert notice.retrieved_at is not None

        submit(page, page.get_by_role("link", name="Widerspruch einlegen"))
        _clean(page, "objection form")
        # Sent empty: the error summary names what is missing; nothing is filed.
        submit(page, page.get_by_role("button", name="Widerspruch absenden"))
        expect(page.locator(".error-summary")).to_contain_text(
            "Bitte bestätigen Sie, dass Sie Widerspruch einlegen."
        )
        assert not Objection.objects.exists()
        _clean(page, "objection form with errors")
        page.get_by_label("Warum sind Sie mit dem Bescheid nicht einverstanden?").fill(
            "Die Heizkosten für Januar fehlen in der Berechnung."
        )
        page.get_by_label("Ich lege Widerspruch gegen diesen Bescheid ein.").check()
        submit(page, page.get_by_role("button", name="Widerspruch absenden"))
        objection = Objection.objects.get()
        expect(page.locator("main")).to_contain_text(objection.reference)
        _clean(page, "objection filed")
        receipt = page.get_by_role("link", name="Eingangsbestätigung (PDF)")
        answer = page.request.get(server + str(receipt.get_attribute("href")))
        assert answer.status == 200
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.body().startswith(b"%PDF-")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_representative_accepts_sees_the_banner_and_reads_the_postbox_in_arabic(
    browser: Browser,
    server: str,
    post_jc: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    rep = make_user("vertreterin@example.org", "Vera", "Vertreterin", preferred_language="ar")
    _mandate, code = mandates.mandate_invite(
        request=None,
        customer=customer,
        actor=customer.user,
        data=mandates.MandateInput(
            scopes=["read", "notices"],
            valid_until=timezone.localdate() + timedelta(days=180),
            label="Tochter",
        ),
    )
    postbox.consent_set(request=None, customer=customer, electronic=True)
    notice = _deposit(customer, staff_a[Role.CASEWORKER])
    context = new_context(browser, server, viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        log_in(page, rep.email)  # the login form in German; then her language, Arabic
        context.add_cookies([{"name": "django_language", "value": "ar", "url": server}])
        page.goto(f"/fulda/mein-bereich/vertretung/annehmen/?code={code}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        _clean(page, "accept a mandate (ar)")
        submit(page, page.locator("main form button[type=submit]").first)
        _clean(page, "switch page (ar)")
        mandate = customer.mandates.get()
        assert mandate.representative == rep
        submit(page, page.locator(f"button[name=mandate][value='{mandate.pk}']"))
        banner = page.get_by_role("region", name="أنت تتصرف نيابةً عن Karl Kunde")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("توكيل")
        expect(banner).to_contain_text(mandate.valid_until.strftime("%d.%m.%Y"))
        _clean(page, "acting: switch page with banner (ar)")

        page.goto("/fulda/mein-bereich/postfach/")
        expect(banner).to_be_visible()
        _clean(page, "acting: the customer's postbox (ar)")
        submit(page, page.locator(f"a[href$='/postfach/{notice.pk}/']").first)
        expect(banner).to_be_visible()
        _clean(page, "acting: a notice of the customer (ar)")
        # Consent stays the customer's own: not for the representative (404).
        answer = page.goto("/fulda/mein-bereich/profil/einwilligungen/")
        assert answer is not None and answer.status == 404
        page.go_back()

        submit(page, banner.get_by_role("button"))
        expect(page.locator("[data-acting-banner]")).to_have_count(0)
        _clean(page, "back in the own account (ar)")
        answer = page.goto("/fulda/mein-bereich/postfach/")
        assert answer is not None and answer.status == 404  # no customer themself
    finally:
        context.close()

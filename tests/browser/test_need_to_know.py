"""Need-to-know in the browser: the admin's page "Zugriffsregeln" (the matrix, a
documented widening) and the refusal page a job advisor gets for a payslip."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AccessRule
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import OtherBrowsers, check_a11y, log_in_staff, submit

pytestmark = pytest.mark.browser


def test_admin_widens_access_with_a_reason_and_the_advisor_is_refused_before(
    page: Page,
    other_browsers: OtherBrowsers,
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
) -> None:
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "documents"})
    jc_a.save()
    payslip = Document.objects.create(
        jobcenter=jc_a,
        customer=customer,
        kind="payslip",
        state=DocumentState.RECEIVED,
        original_names="lohn-maerz.pdf",
        page_count=1,
        submitted_at=timezone.now(),
    )
    # The job advisor: the payslip is listed as existing, opening it is refused.
    advisor = other_browsers.staff(staff_a[Role.JOB_ADVISOR], jc_a)
    advisor.goto("/fulda/staff/unterlagen/")
    expect(advisor.get_by_text(f"Unterlage #{payslip.pk}")).to_be_visible()
    expect(advisor.get_by_text("lohn-maerz.pdf")).to_have_count(0)
    check_a11y(advisor, "/fulda/staff/unterlagen/ (existence only)")
    advisor.goto(f"/fulda/staff/unterlagen/{payslip.pk}/")
    expect(advisor.locator("h1")).to_have_text("Dafür fehlt Ihnen die Berechtigung")
    expect(advisor.get_by_text("Inhalt nur für: Leistungssachbearbeitung")).to_be_visible()
    check_a11y(advisor, "403 need-to-know")

    log_in_staff(page, staff_a[Role.ADMIN], jc_a)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Zugriffsregeln"
    ).click()
    page.wait_for_url("**/fulda/staff/zugriffsregeln/")
    expect(page.locator("h1")).to_have_text("Zugriffsregeln")
    check_a11y(page, "/fulda/staff/zugriffsregeln/")
    page.get_by_label("Rolle").select_option("job_advisor")
    page.get_by_label("Datenkategorie").select_option("financial_documents")
    page.get_by_label("Sichtbarkeit").select_option("2")
    submit(page, page.get_by_role("button", name="Regel speichern"))
    expect(page.locator("h1")).to_have_text("Zugriffsregeln")
    assert not AccessRule.objects.exists()  # no reason, no rule
    page.get_by_label("Begründung oder Rechtsgrundlage").fill(
        "Eingliederung mit Lohnkostenzuschuss, DA 3/2026"
    )
    submit(page, page.get_by_role("button", name="Regel speichern"))
    expect(page.get_by_text("Die Zugriffsregel ist gespeichert.")).to_be_visible()
    expect(page.get_by_text("Eingliederung mit Lohnkostenzuschuss, DA 3/2026")).to_be_visible()
    check_a11y(page, "/fulda/staff/zugriffsregeln/ (one rule)")

    advisor.goto(f"/fulda/staff/unterlagen/{payslip.pk}/")
    expect(advisor.get_by_text("lohn-maerz.pdf")).to_be_visible()

"""The staff work queue in a browser (issue 18): a team lead logs in, reads the queue,
filters it, sees a new filing arrive without reloading, opens it (read-only), and assigns
an application from the team's load. axe checks every page load."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.web import staff_views
from tests.browser.conftest import check_a11y, log_in_staff, submit
from tests.home import staff_world

pytestmark = pytest.mark.browser


def test_team_lead_works_the_queue(
    page: Page,
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(staff_views, "QUEUE_POLL_S", 1)
    staff_world.make_work(
        customer, caseworker=staff_a[Role.CASEWORKER], advisor=staff_a[Role.JOB_ADVISOR]
    )
    log_in_staff(page, staff_a[Role.TEAM_LEAD], jc_a)
    queue = page.get_by_role("list", name="Was auf Sie wartet")
    filed = queue.locator('[data-kind="applications.filed"] .work-count')
    expect(filed).to_have_text("1")
    check_a11y(page, "/fulda/staff/ (work queue)")

    # Live: a customer files meanwhile; the count follows without a reload.
    staff_world._app(customer, status="draft", days=0)
    expect(filed).to_have_text("2", timeout=10_000)

    # Filter: only mine (nothing assigned to the team lead yet).
    page.get_by_label("Meine").check()
    submit(page, page.get_by_role("button", name="Anzeigen"))
    expect(page.get_by_label("Meine")).to_be_checked()
    expect(page.locator('[data-kind="applications.filed"]')).to_have_count(0)
    expect(page.locator('[data-kind="applications.mine"] .work-count')).to_have_text("0")

    # The filings, then one of them: read-only, with its filing date.
    page.get_by_label("Alles, was ich sehen darf").check()
    submit(page, page.get_by_role("button", name="Anzeigen"))
    page.locator('[data-kind="applications.filed"] a').click()
    page.wait_for_url("**/staff/antraege/#filings")
    filings = page.get_by_role("region", name="Gestellt, noch nicht vollständig")
    filings.get_by_role("link").first.click()
    page.wait_for_url("**/staff/antraege/gestellt/*/")
    expect(page.locator(".tag-filed")).to_have_text("gestellt, unvollständig")
    check_a11y(page, "/fulda/staff/antraege/gestellt/<pk>/")

    # Assign from the team's load.
    page.goto("/fulda/staff/")
    app = (
        Application.objects.filter(
            jobcenter=jc_a, assignee__isnull=True, submitted_at__isnull=False
        )
        .order_by("submitted_at", "pk")
        .first()
    )
    assert app is not None
    caseworker = staff_a[Role.CASEWORKER]
    form = page.locator("form.inline-form", has_text=app.reference)
    form.get_by_label("Zuweisen an").select_option(str(caseworker.pk))
    submit(page, form.get_by_role("button", name="Zuweisen"))
    expect(page.get_by_text(f"{app.reference} ist jetzt bei")).to_be_visible()
    app.refresh_from_db()
    assert app.assignee_id == caseworker.pk

"""News (issue 22): a team lead writes a post with an image in the browser; the public
pages and the staff inbox. Every page is checked with axe-core."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import Role, User
from openjobcenter.news.models import InboxItem, Post
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, log_in_staff, submit
from tests.news.conftest import enable_news, jpeg_with_exif

pytestmark = pytest.mark.browser


def test_team_lead_writes_a_post_and_the_public_sees_it(
    page: Page, jc_a: Jobcenter, staff_a: dict[Role, User]
) -> None:
    enable_news(jc_a)
    log_in_staff(page, staff_a[Role.TEAM_LEAD], jc_a)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Neuigkeiten", exact=True
    ).click()
    page.wait_for_url("**/fulda/staff/neuigkeiten/")
    check_a11y(page, "/fulda/staff/neuigkeiten/")
    page.get_by_role("link", name="Neuer Beitrag").click()
    page.wait_for_url("**/fulda/staff/neuigkeiten/neu/")
    check_a11y(page, "/fulda/staff/neuigkeiten/neu/")

    page.get_by_label("Text", exact=True).fill(
        "Jobmesse am Freitag im Kreishaus: https://fulda.example/messe"
    )
    page.get_by_label("Bild (freiwillig)").set_input_files(
        {"name": "messe.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()}
    )
    submit(page, page.get_by_role("button", name="Speichern"))
    # Without alt text: refused, with the message at the field.
    expect(page.get_by_text("Bitte beschreiben Sie das Bild in Worten").first).to_be_visible()
    check_a11y(page, "/fulda/staff/neuigkeiten/neu/ (error)")
    assert not Post.objects.exists()

    page.get_by_label("Bild (freiwillig)").set_input_files(
        {"name": "messe.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()}
    )
    # The German field (the translation sections repeat its label with the language).
    page.locator("[name=image_alt]").fill("Plakat der Jobmesse")
    submit(page, page.get_by_role("button", name="Speichern"))
    page.wait_for_url("**/fulda/staff/neuigkeiten/")
    post = Post.objects.get()
    page.get_by_role("link", name="Bearbeiten").first.click()
    page.wait_for_url(f"**/fulda/staff/neuigkeiten/{post.pk}/")
    check_a11y(page, "/fulda/staff/neuigkeiten/<pk>/")

    InboxItem.objects.create(
        jobcenter=jc_a,
        kind="reply",
        activity_id="https://social.example/s/1/activity",
        object_id="https://social.example/s/1",
        actor_id="https://social.example/users/erika",
        actor_handle="erika@social.example",
        text="Meine IBAN ist DE89 3704 0044 0532 0130 00",
        in_reply_to=post,
        personal_data="iban",
        received_at=timezone.now(),
    )
    page.goto("/fulda/staff/neuigkeiten/eingang/")
    expect(page.get_by_text("enthält wohl persönliche Daten")).to_be_visible()
    check_a11y(page, "/fulda/staff/neuigkeiten/eingang/")

    for path in ("/fulda/", "/fulda/neuigkeiten/", f"/fulda/neuigkeiten/{post.pk}/"):
        page.goto(path)
        expect(page.get_by_text("Jobmesse am Freitag im Kreishaus").first).to_be_visible()
        expect(page.get_by_role("img", name="Plakat der Jobmesse").first).to_be_visible()
        check_a11y(page, path)
    page.goto(f"/fulda/neuigkeiten/{post.pk}/teilen/")
    check_a11y(page, "/fulda/neuigkeiten/<pk>/teilen/")
    page.get_by_label("Ihr Mastodon-Server").fill("kein server")
    submit(page, page.get_by_role("button", name="Weiter"))
    expect(page.get_by_text("Bitte geben Sie den Namen Ihres Servers an")).to_be_visible()
    check_a11y(page, "/fulda/neuigkeiten/<pk>/teilen/ (error)")

"""Right to left on the logged-in core pages (issue 23): Farsi at 320 px (WCAG 1.4.10
reflow) and at 200 % zoom (a 1280 px window: 640 CSS px at device scale 2). On Mein
Bereich, appointments (an invitation with its legal notice, "Ich kann nicht kommen"), the
chat with mixed-direction text and the notification settings: the page is ``dir="rtl"``,
nothing scrolls sideways, no visible element sticks out of the window or is clipped, and
axe-core finds nothing serious (conftest's watch checks every page)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging import services as chat
from tests.browser.conftest import log_in, new_context
from tests.browser.test_language_walks import walk_world  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

# Visible elements of <main> that stick out of the window, or whose content is cut off by
# their own overflow (hidden/clip) - visually hidden helpers (1 px) aside.
CUT_OFF = """
(width) => {
  const found = [];
  for (const el of document.querySelectorAll("main *")) {
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    const name = el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
    if (r.left < -1 || r.right > width + 1) {
      found.push(`${name} [${Math.round(r.left)}..${Math.round(r.right)}]`);
    } else if (["hidden", "clip"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      found.push(`${name} clipped ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  return found.slice(0, 10);
}
"""


def _check(page: Page, label: str, width: int, problems: list[str]) -> None:
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll > width:
        problems.append(f"{label} at {width}px scrolls sideways: {scroll}px")
    cut = page.evaluate(CUT_OFF, width)
    if cut:
        problems.append(f"{label} at {width}px: {cut}")


def test_core_pages_in_farsi_at_320_px_and_200_percent_zoom(
    browser: Browser,
    server: str,
    walk_world: dict[str, Any],  # noqa: F811
    staff_a: dict[Role, User],
) -> None:
    customer: CustomerProfile = walk_world["customer"]
    customer.user.first_name = "Jonas"
    customer.user.preferred_language = "fa"
    customer.user.save(update_fields=["first_name", "preferred_language"])
    chat.topics_ensure_defaults(jobcenter=customer.jobcenter)
    topic = customer.jobcenter.chat_topics.order_by("position").first()
    conversation = chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(
            subject="Bewerbung bei Becker GmbH",
            body="سلام، من Jonas Becker هستم. یک سؤال درباره‌ی Bewerbungskosten دارم.",
            topic=topic,
        ),
    )
    chat.message_send(
        conversation=conversation,
        author=staff_a[Role.CASEWORKER],
        body="Guten Tag, Frau محمدی, bitte schicken Sie uns die Quittung.",
    )
    invitation = walk_world["invitation"]
    pages = {
        "Mein Bereich": "/fulda/mein-bereich/",
        "appointments": "/fulda/mein-bereich/termine/",
        "invitation": f"/fulda/mein-bereich/termine/{invitation.pk}/",
        "Ich kann nicht kommen": f"/fulda/mein-bereich/termine/{invitation.pk}/absagen/",
        "chat list": "/fulda/mein-bereich/nachrichten/",
        "chat": f"/fulda/mein-bereich/nachrichten/{conversation.pk}/",
        "notifications": "/fulda/mein-bereich/benachrichtigungen/",
    }
    problems: list[str] = []
    for width, scale in ((320, 1), (640, 2)):
        context = new_context(
            browser,
            server,
            viewport={"width": width, "height": 640},
            device_scale_factor=scale,
        )
        try:
            page = context.new_page()
            log_in(page, customer.user.email)
            page.wait_for_url("**/fulda/mein-bereich/")
            for label, path in pages.items():
                page.goto(path)
                _check(page, label, width, problems)
            # The open legal notice and the chat's mixed-direction text.
            page.goto(pages["invitation"])
            for summary in page.locator("main details > summary").all():
                summary.click()
            _check(page, "invitation, details open", width, problems)
            page.goto(pages["chat"])
            bubbles = page.locator(".chat-body[dir=auto]")
            expect(bubbles.first).to_be_visible()
            directions = bubbles.evaluate_all(
                "els => els.map(e => [e.textContent.trim().slice(0, 5), getComputedStyle(e).direction])"
            )
            # Farsi text stays right to left, the German one left to right, on the same page.
            assert ["سلام،", "rtl"] in directions, directions
            assert ["Guten", "ltr"] in directions, directions
            expect(page.locator("main h1 bdi")).to_have_text("Bewerbung bei Becker GmbH")
        finally:
            context.close()
    assert not problems, "\n".join(problems)

"""Issue 23, items 2 and 4: every PDF in Farsi and Dari (right to left).

The receipts (application, document, objection) keep the binding German text and add the
same content in the customer's language beneath it, ``dir="rtl"``; the chat transcript and
the customer card are drawn in the reader's language, ``dir="rtl"``. Checked on the HTML
WeasyPrint is fed and on the PDF it draws: the Persian and the German text are both in the
PDF, the Persian block is laid out from the right, and Latin names and numbers inside it
stay whole and left to right (isolated with an explicit direction, web/pdf.py)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pikepdf
import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, pgettext
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.web.pdf import direction_of

pytestmark = pytest.mark.django_db

PERSIAN = ["fa", "fa-af"]
A4_WIDTH = 595


@dataclass
class Run:
    x: float
    text: str


def runs(data: bytes) -> list[Run]:
    """The text runs of every page with the x where each is drawn (its left edge)."""
    found: list[Run] = []
    for page in PdfReader(io.BytesIO(data)).pages:

        def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                found.append(Run(x, text.strip()))

        page.extract_text(visitor_text=visit)
    return found


def flat(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def x_of(data: bytes, text: str, *, exact: bool = False) -> list[float]:
    found = [r.x for r in runs(data) if (r.text == text if exact else text in r.text)]
    assert found, text
    return found


def in_language(language: str, message: str, context: str | None = None) -> str:
    with translation.override(language):
        found = pgettext(context, message) if context else gettext(message)
    # The catalogue really translates it, into Arabic script.
    assert found != message and direction_of(found) == "rtl", (language, message, found)
    return found


def only_dejavu_fonts(data: bytes) -> None:
    """Every font the PDF draws with is DejaVu (which has the Persian letters and their
    shaping tables); a fallback font would mean a glyph DejaVu lacks."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = {
            str(font.get("/BaseFont"))
            for page in pdf.pages
            for font in page.Resources.get("/Font", {}).values()
        }
    assert names and all("DejaVu" in name for name in names), names


def rtl_section(html: str) -> str:
    """The HTML of the translation section, which must be right to left."""
    match = re.search(
        r'<section class="translation" lang="([^"]+)" dir="rtl">(.*?)</section>', html, re.S
    )
    assert match, "no right-to-left translation section"
    return match.group(2)


@pytest.fixture
def persian(customer: CustomerProfile, request: pytest.FixtureRequest) -> CustomerProfile:
    user = customer.user
    user.first_name, user.last_name = "Jonas", "Becker"
    user.preferred_language = request.param
    user.save()
    return customer


@pytest.mark.parametrize("persian", PERSIAN, indirect=True)
def test_application_receipt(persian: CustomerProfile) -> None:
    from openjobcenter.applications.pdf import receipt_html, render_receipt
    from openjobcenter.applications.services import application_start
    from tests.applications.customer_data import enable

    enable(persian.jobcenter)
    app = application_start(request=None, customer=persian, kind="initial")
    language = persian.user.preferred_language
    html = receipt_html(app)
    assert '<html lang="de" dir="ltr">' in html
    section = rtl_section(html)
    assert f'lang="{language}"' in html
    assert f'<bdi dir="ltr">{app.reference}</bdi>' in section

    data = render_receipt(app)
    text = flat(data)
    heading = in_language(language, "Eingangsbestätigung – Übersetzung", "receipt")
    binding = in_language(language, "Aktenzeichen", "receipt")
    # German first (binding), the translation beneath it, both in the PDF.
    assert text.index("Eingangsbestätigung") < text.index(heading)
    assert "Ihr Antrag gilt ab diesem Datum als gestellt." in text
    assert text.count(app.reference) == 2
    # The German table starts at the left margin; the Persian one from the right: its
    # label is right of the reference beside it, which stays whole.
    assert min(x_of(data, "Aktenzeichen")) < A4_WIDTH / 4
    assert min(x_of(data, binding)) > A4_WIDTH / 2
    assert max(x_of(data, app.reference)) < min(x_of(data, binding))
    only_dejavu_fonts(data)


@pytest.mark.parametrize("persian", PERSIAN, indirect=True)
def test_document_receipt(persian: CustomerProfile) -> None:
    from django.utils import timezone

    from openjobcenter.documents.models import Document
    from openjobcenter.documents.receipt import receipt_html, receipt_pdf

    doc = Document.objects.create(
        jobcenter=persian.jobcenter,
        customer=persian,
        kind="other",
        state="delivered",
        original_names="Kontoauszug März.pdf",
        page_count=3,
        sha256="ab" * 32,
        submitted_at=timezone.now(),
    )
    language = persian.user.preferred_language
    html = receipt_html(doc)
    assert '<html lang="de" dir="ltr">' in html
    section = rtl_section(html)
    assert '<bdi dir="ltr">Kontoauszug März.pdf</bdi>' in section
    assert f'<bdi dir="ltr">{doc.pk}</bdi>' in section

    data = receipt_pdf(doc)
    text = flat(data)
    received = in_language(language, "Wir haben folgende Unterlage erhalten:")
    note = in_language(
        language,
        "Diese Übersetzung ist eine Hilfe für Sie. Rechtlich gilt der deutsche Text oben.",
        "receipt",
    )
    assert text.index("Wir haben folgende Unterlage erhalten:") < text.index(received)
    assert note.split()[0] in text
    assert in_language(language, "Übersetzung", "receipt") in text
    assert text.count("Kontoauszug März.pdf") == 2
    assert min(x_of(data, "Art der Unterlage")) < A4_WIDTH / 4
    assert min(x_of(data, in_language(language, "Art der Unterlage"))) > A4_WIDTH / 2
    only_dejavu_fonts(data)


@pytest.mark.parametrize("persian", PERSIAN, indirect=True)
def test_objection_receipt(
    persian: CustomerProfile, staff_a: dict[Role, User], settings: Any, tmp_path: Any
) -> None:
    from openjobcenter.postbox.pdf import objection_receipt, objection_receipt_html
    from tests.handoff.conftest import filed_objection

    settings.MEDIA_ROOT = str(tmp_path)
    persian.jobcenter.enabled_modules = sorted({*persian.jobcenter.enabled_modules, "postbox"})
    persian.jobcenter.save(update_fields=["enabled_modules"])
    objection = filed_objection(persian, staff_a)
    language = persian.user.preferred_language
    html = objection_receipt_html(objection)
    section = rtl_section(html)
    assert f'<bdi dir="ltr">{objection.reference}</bdi>' in section
    assert '<bdi dir="ltr">Jonas Becker</bdi>' in section
    # What the customer wrote is shown once, in the German part.
    assert "Die Miete fehlt im Bescheid." not in section
    assert html.count("Die Miete fehlt im Bescheid.") == 1

    data = objection_receipt(objection)
    text = flat(data)
    received = in_language(language, "Wir haben Ihren Widerspruch erhalten.")
    assert text.index("Wir haben Ihren Widerspruch erhalten.") < text.index(received)
    assert "Die Miete fehlt im Bescheid." in text
    assert text.count(objection.reference) == 2
    assert "Jonas Becker" in text  # whole, not split by the Persian around it
    assert min(x_of(data, in_language(language, "Von"), exact=True)) > A4_WIDTH / 2
    only_dejavu_fonts(data)


def test_german_receipts_have_no_translation(customer: CustomerProfile) -> None:
    from django.utils import timezone

    from openjobcenter.documents.models import Document
    from openjobcenter.documents.receipt import receipt_html

    doc = Document.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        state="delivered",
        submitted_at=timezone.now(),
    )
    for stored in ("de", "xx"):  # German, and a code that is not offered: German
        customer.user.preferred_language = stored
        customer.user.save(update_fields=["preferred_language"])
        doc.refresh_from_db()
        html = receipt_html(doc)
        assert 'class="translation"' not in html and 'dir="rtl"' not in html


@pytest.mark.parametrize("persian", PERSIAN, indirect=True)
def test_chat_transcript(
    persian: CustomerProfile, staff_a: dict[Role, User], client: Client
) -> None:
    from openjobcenter.messaging import services as chat

    persian.jobcenter.enabled_modules = sorted({*persian.jobcenter.enabled_modules, "messaging"})
    persian.jobcenter.save(update_fields=["enabled_modules"])
    chat.topics_ensure_defaults(jobcenter=persian.jobcenter)
    conversation = chat.conversation_start(
        customer=persian,
        author=persian.user,
        data=chat.StartRequest(
            subject="Bewerbung bei Becker GmbH",
            body="سلام، من Jonas Becker هستم.",
            topic=persian.jobcenter.chat_topics.order_by("position").first(),
        ),
    )
    chat.message_send(
        conversation=conversation,
        author=staff_a[Role.CASEWORKER],
        body="Guten Tag, bitte schicken Sie uns die Quittung.",
    )
    client.force_login(persian.user)
    language = persian.user.preferred_language
    with translation.override(language):
        from openjobcenter.messaging.pdf import conversation_html

        html = conversation_html(conversation, request=None)
    assert f'<html lang="{language}" dir="rtl">' in html
    assert '<h1><bdi dir="ltr">Bewerbung bei Becker GmbH</bdi></h1>' in html
    # Each message in its own direction: the Farsi one right to left, the German one not.
    assert '<p class="body" dir="rtl">سلام، من Jonas Becker هستم.</p>' in html
    assert '<p class="body" dir="ltr">Guten Tag, bitte schicken Sie uns die Quittung.</p>' in html

    response = client.get(
        f"/{persian.jobcenter.slug}/mein-bereich/nachrichten/{conversation.pk}/pdf/"
    )
    assert response.status_code == 200
    data = response.content
    text = flat(data)
    assert in_language(language, "Kundin oder Kunde") in text
    assert "سلام، من" in text and "Guten Tag, bitte schicken Sie uns die Quittung." in text
    assert "Bewerbung bei Becker GmbH" in text
    # The reader's labels start on the right, the German message on the left.
    assert min(x_of(data, in_language(language, "Kundin oder Kunde"))) > A4_WIDTH / 2
    assert min(x_of(data, "Guten Tag")) < A4_WIDTH / 4
    only_dejavu_fonts(data)


@pytest.mark.parametrize("persian", PERSIAN, indirect=True)
def test_customer_card(persian: CustomerProfile, client: Client) -> None:
    from openjobcenter.cards import selectors
    from openjobcenter.cards.pdf import card_html

    persian.jobcenter.enabled_modules = sorted(
        {*persian.jobcenter.enabled_modules, "customer_card"}
    )
    persian.jobcenter.save(update_fields=["enabled_modules"])
    language = persian.user.preferred_language
    with translation.override(language):
        html = card_html(selectors.card_view(persian), request=None)
    assert f'<html lang="{language}" dir="rtl">' in html
    assert '<dd><bdi dir="ltr">Jonas Becker</bdi></dd>' in html
    assert '<dd><bdi dir="ltr">A-1001</bdi></dd>' in html

    client.force_login(persian.user)
    response = client.get(f"/{persian.jobcenter.slug}/mein-bereich/kundenkarte/kundenkarte.pdf")
    assert response.status_code == 200
    data = response.content
    text = flat(data)
    # The translation names the German word in brackets: "شماره مشتری (Kundennummer)".
    # Drawn right to left, the brackets are mirrored glyphs, which text extraction reads
    # as ")Kundennummer(": compare the Persian words.
    label = in_language(language, "Kundennummer").split(" (")[0]
    assert label in text and "Kundennummer" in text
    assert "A-1001" in text and "Jonas Becker" in text
    # Right to left: the labels start on the right of the card, the QR code moved left.
    card_left = min(r.x for r in runs(data))
    assert min(x_of(data, label)) > card_left + 100
    only_dejavu_fonts(data)


def test_an_arabic_script_name_in_the_german_receipt_keeps_its_direction(
    customer: CustomerProfile,
) -> None:
    from openjobcenter.applications.pdf import receipt_html, render_receipt
    from openjobcenter.applications.services import application_start
    from tests.applications.customer_data import enable

    user = customer.user
    user.first_name, user.last_name = "سارا", "محمدی"
    user.save()
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    html = receipt_html(app)
    assert 'class="translation"' not in html  # German account: German only
    assert f'<td><bdi dir="rtl">{user.display_name}</bdi></td>' in html
    text = flat(render_receipt(app))
    assert "سارا" in text and "محمدی" in text

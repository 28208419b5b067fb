"""The customer's card pages: what the customer sees, block and renew without
JavaScript, the print PDF, tenant isolation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment, AppointmentType
from openjobcenter.cards.models import CardStatus, CustomerCard
from openjobcenter.cards.services import card_issue, card_lookup
from openjobcenter.core import audit_buffer
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db


def url(name: str, jc: Jobcenter) -> str:
    return reverse(f"customer:{name}", kwargs={"jc": jc.slug})


def test_card_page_shows_name_number_jobcenter_and_a_large_qr(
    card_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    response = customer_client.get(url("card", card_on))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ihre Kundenkarte" in html
    assert "Karl Kunde" in html
    assert "A-1001" in html
    assert card_on.name in html
    assert "<svg" in html
    assert 'class="card-qr"' in html
    # High contrast and large: black modules on white, scale 7 px per module.
    assert 'stroke="#000' in html or 'fill="#000' in html or "stroke:#000" in html
    width = int(re.search(r'<svg[^>]*width="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert width >= 7 * 29
    # The QR holds the card's payload; no wallet certificate: said so, no button.
    card = CustomerCard.objects.get(customer=customer)
    assert card_lookup(jobcenter=card_on, payload=card.payload) is not None
    assert "Die Karte für Apple Wallet bietet Ihr Jobcenter noch nicht an." in html
    assert "kundenkarte.pkpass" not in html
    assert "Google Wallet" not in html
    audit_buffer.flush()  # own reads wait in Redis where it is configured
    assert AuditEntry.objects.filter(object_type="customer_card", detail="card page").exists()


def test_mein_bereich_links_to_the_card(card_on: Jobcenter, customer_client: Client) -> None:
    html = customer_client.get(reverse("customer:home", kwargs={"jc": card_on.slug})).content
    assert url("card", card_on).encode() in html


def test_switched_off_module_says_so(jc_a: Jobcenter, customer_client: Client) -> None:
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "customer_card"]
    jc_a.save(update_fields=["enabled_modules"])
    assert customer_client.get(url("card", jc_a)).status_code == 404


def test_customer_without_number_has_no_card(card_on: Jobcenter, client: Client) -> None:
    from tests.conftest import make_customer

    profile = make_customer(card_on, "ohne@example.org")
    client.force_login(profile.user)
    assert client.get(url("card", card_on)).status_code == 404
    assert not CustomerCard.objects.filter(customer=profile).exists()


def test_other_jobcenters_customer_gets_404(
    card_on: Jobcenter, customer_b: CustomerProfile, client: Client
) -> None:
    client.force_login(customer_b.user)
    for name in ("card", "card_pdf", "card_pkpass", "card_block", "card_renew"):
        assert client.get(url(name, card_on)).status_code == 404
    assert client.post(url("card_block", card_on)).status_code == 404


def test_block_in_one_tap_with_confirmation(
    card_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    card = card_issue(customer=customer)
    payload = card.payload
    confirm = customer_client.get(url("card_block", card_on))
    assert confirm.status_code == 200
    assert "Ja, Karte jetzt sperren" in confirm.content.decode()
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE  # GET changes nothing
    response = customer_client.post(url("card_block", card_on), follow=True)
    html = response.content.decode()
    assert "Ihre Kundenkarte ist gesperrt." in html
    assert "Diese Karte ist gesperrt." in html
    assert 'class="card-qr"' not in html
    card.refresh_from_db()
    assert card.status == CardStatus.BLOCKED
    assert card_lookup(jobcenter=card_on, payload=payload) is None
    assert AuditEntry.objects.filter(
        object_type="customer_card", detail="blocked", actor=customer.user
    ).exists()


def test_renew_gives_a_new_qr_and_the_old_stops(
    card_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    old = card_issue(customer=customer)
    old_payload = old.payload
    assert (
        "Ja, neue Karte ausstellen"
        in customer_client.get(url("card_renew", card_on)).content.decode()
    )
    response = customer_client.post(url("card_renew", card_on), follow=True)
    assert "Sie haben eine neue Kundenkarte." in response.content.decode()
    new = CustomerCard.objects.get(customer=customer, status=CardStatus.ACTIVE)
    assert new.pk != old.pk
    assert card_lookup(jobcenter=card_on, payload=old_payload) is None
    assert card_lookup(jobcenter=card_on, payload=new.payload) is not None


def test_next_appointment_shown_unless_switched_off(
    card_on: Jobcenter,
    customer: CustomerProfile,
    customer_client: Client,
    appt_type: AppointmentType,
    staff_a: dict[Role, User],
) -> None:
    start = timezone.localtime(timezone.now() + timedelta(days=3)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    Appointment.objects.create(
        jobcenter=card_on,
        type=appt_type,
        customer=customer,
        staff=staff_a[Role.JOB_ADVISOR],
        channel="in_person",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        status="booked",
    )
    html = customer_client.get(url("card", card_on)).content.decode()
    assert "Nächster Termin" in html
    assert "09:30" in html
    customer_client.post(url("card_settings", card_on), {"show_next_appointment": "0"})
    html = customer_client.get(url("card", card_on)).content.decode()
    assert "09:30" not in html
    assert CustomerCard.objects.get(customer=customer).show_next_appointment is False


def test_print_pdf_is_a_pdf_with_the_qr(
    card_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    import io

    import pypdf

    response = customer_client.get(url("card_pdf", card_on))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    text = page.extract_text()
    assert "A-1001" in text
    assert "Karl Kunde" in text
    # A6 landscape: 148 × 105 mm.
    width_mm = float(page.mediabox.width) / 72 * 25.4
    assert 147 < width_mm < 149
    # The QR is drawn as vector paths: many filled rectangles/lines in the content.
    content = page.get_contents().get_data()  # type: ignore[union-attr]
    assert content.count(b" l") + content.count(b" re") > 50


def test_card_on_mein_bereich_with_qr(
    card_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    html = customer_client.get(
        reverse("customer:home", kwargs={"jc": card_on.slug})
    ).content.decode()
    assert "Ihre Kundenkarte" in html
    assert 'class="card-qr"' in html
    assert "A-1001" in html


def test_the_card_on_mein_bereich_reads_the_person_once(
    card_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    """The card shows the name and number from the request's own profile and person: no
    second read of either (two round trips on the most visited page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("customer:home", kwargs={"jc": card_on.slug})
    customer_client.get(url)  # the card is issued on the first visit
    with CaptureQueriesContext(connection) as ctx:
        html = customer_client.get(url).content.decode()
    reads = [q["sql"] for q in ctx.captured_queries]
    assert len([q for q in reads if 'FROM "accounts_customerprofile"' in q]) == 1
    assert len([q for q in reads if 'FROM "accounts_user"' in q]) == 1
    assert customer.user.display_name in html
    assert "A-1001" in html


def test_api_reads_the_own_card_only(
    card_on: Jobcenter, customer: CustomerProfile, customer_b: CustomerProfile, client: Client
) -> None:
    client.force_login(customer.user)
    response = client.get(f"/api/v1/cards/{card_on.slug}/card")
    assert response.status_code == 200
    data = response.json()
    card = CustomerCard.objects.get(customer=customer)
    assert data["customer_number"] == "A-1001"
    assert data["status"] == "active"
    assert data["qr_payload"] == card.payload
    client.force_login(customer_b.user)
    assert client.get(f"/api/v1/cards/{card_on.slug}/card").status_code == 404
    client.logout()
    assert client.get(f"/api/v1/cards/{card_on.slug}/card").status_code == 401

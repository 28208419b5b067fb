"""Token issue, rotation, blocking, and the ``card_lookup`` contract the reception uses."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.cards.models import CardStatus, CustomerCard
from openjobcenter.cards.services import card_block, card_issue, card_lookup, card_renew
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db


def test_issue_stores_only_the_hash_and_payload_has_no_personal_data(
    customer: CustomerProfile,
) -> None:
    card = card_issue(customer=customer)
    payload = card.payload
    assert payload.startswith("OJC1:")
    token = payload[5:]
    assert len(token) == 43
    assert card.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert "A-1001" not in payload
    assert "Kunde" not in payload
    # The database row holds no plain token anywhere.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cards_customercard WHERE id = %s", [card.pk])
        row = cursor.fetchone()
    assert row is not None
    assert all(token not in str(v) for v in row)
    assert any(str(v).startswith("OJCT1:") for v in row)  # the sealed copy
    assert card_issue(customer=customer).pk == card.pk  # idempotent
    assert AuditEntry.objects.filter(object_type="customer_card", detail="issued").count() == 1


def test_lookup_finds_only_active_cards_of_the_same_jobcenter(
    customer: CustomerProfile, jc_a: Jobcenter, jc_b: Jobcenter
) -> None:
    card = card_issue(customer=customer)
    found = card_lookup(jobcenter=jc_a, payload=card.payload)
    assert found is not None
    assert found.pk == card.pk
    assert found.customer.customer_number == "A-1001"
    assert card_lookup(jobcenter=jc_a, payload=f"  {card.payload}\n") is not None
    assert card_lookup(jobcenter=jc_b, payload=card.payload) is None


def test_block_stops_the_token_at_once(
    customer: CustomerProfile, jc_a: Jobcenter, staff_a: dict[Role, User]
) -> None:
    card = card_issue(customer=customer)
    payload = card.payload
    card_block(card=card, actor=customer.user)
    card.refresh_from_db()
    assert card.status == CardStatus.BLOCKED
    assert card.blocked_at is not None
    assert card_lookup(jobcenter=jc_a, payload=payload) is None
    assert AuditEntry.objects.filter(object_type="customer_card", detail="blocked").exists()


def test_renew_rotates_the_token_and_the_old_one_stops(
    customer: CustomerProfile, jc_a: Jobcenter
) -> None:
    old = card_issue(customer=customer)
    old_payload = old.payload
    new = card_renew(card=old, actor=customer.user)
    old.refresh_from_db()
    assert old.status == CardStatus.REPLACED
    assert old.renewed_at is not None
    assert new.status == CardStatus.ACTIVE
    assert new.payload != old_payload
    assert new.pass_serial != old.pass_serial
    assert card_lookup(jobcenter=jc_a, payload=old_payload) is None
    found = card_lookup(jobcenter=jc_a, payload=new.payload)
    assert found is not None
    assert found.pk == new.pk
    # A blocked card can be renewed too; a replaced one cannot.
    card_block(card=new, actor=customer.user)
    newer = card_renew(card=new, actor=customer.user)
    assert card_lookup(jobcenter=jc_a, payload=newer.payload) is not None
    with pytest.raises(ValueError, match="replaced"):
        card_renew(card=old, actor=customer.user)
    assert (
        CustomerCard.objects.filter(
            customer=customer, status__in=(CardStatus.ACTIVE, CardStatus.BLOCKED)
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "OJC1:",
        "OJC1:short",
        "OJC2:" + "a" * 43,
        "ojc1:" + "a" * 43,
        "OJC1:" + "a" * 42 + "!",
        "OJC1:" + "a" * 44,
        "OJC1:" + "a" * 43,
        "OJC1:" + "'; DROP TABLE cards_customercard; --",
        "OJC1:" + "\x00" * 43,
        "A-1001",
        "x" * 100_000,
    ],
)
def test_lookup_refuses_malformed_and_unknown_payloads(
    customer: CustomerProfile, jc_a: Jobcenter, payload: str
) -> None:
    card_issue(customer=customer)
    assert card_lookup(jobcenter=jc_a, payload=payload) is None


def test_lookup_of_non_string_is_none(jc_a: Jobcenter) -> None:
    assert card_lookup(jobcenter=jc_a, payload=None) is None  # type: ignore[arg-type]
    assert card_lookup(jobcenter=jc_a, payload=b"OJC1:x") is None  # type: ignore[arg-type]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=120))
def test_lookup_never_raises_on_any_text(jc_a: Jobcenter, text: str) -> None:
    assert card_lookup(jobcenter=jc_a, payload=text) is None
    assert card_lookup(jobcenter=jc_a, payload="OJC1:" + text) is None


def test_linking_a_customer_number_issues_the_card(
    jc_a: Jobcenter, staff_a: dict[Role, User]
) -> None:
    from openjobcenter.accounts.services import customer_assign_number
    from tests.conftest import make_customer

    profile = make_customer(jc_a, "neu@example.org")
    assert not CustomerCard.objects.filter(customer=profile).exists()
    customer_assign_number(
        request=None, actor=staff_a[Role.RECEPTION], profile=profile, number="A-7777"
    )
    card = CustomerCard.objects.get(customer=profile)
    assert card.status == CardStatus.ACTIVE
    assert card.jobcenter_id == jc_a.pk
    found = card_lookup(jobcenter=jc_a, payload=card.payload)
    assert found is not None
    assert found.customer.customer_number == "A-7777"

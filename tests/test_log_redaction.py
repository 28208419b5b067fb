"""Logs name the route, never a path that carries a credential; feed tokens are stored hashed."""

from __future__ import annotations

import importlib
import logging

import pytest
from django.apps import apps
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.appointments.models import AppointmentType, CalendarFeed, feed_token_hash

FEED_TOKEN = "FeedTokenSecret0123456789abcdefghijklmnopq"
RESET_KEY = "ResetKeySecret-cv4k2s-0123456789abcdef"


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Message and every attribute of each record, as a JSON or text formatter would see."""
    return "\n".join(f"{record.getMessage()} {vars(record)!r}" for record in records)


def test_request_logs_carry_the_route_not_the_secret(
    client: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    caplog: pytest.LogCaptureFixture,
) -> None:
    CalendarFeed.objects.create(customer=customer, token_hash=feed_token_hash(FEED_TOKEN))
    caplog.set_level(logging.INFO)
    assert client.get(f"/fulda/kalender/{FEED_TOKEN}.ics").status_code == 200
    # A wrong token is logged by Django itself ("Not Found: <path>") as well.
    assert client.get(f"/fulda/kalender/{FEED_TOKEN[:-1]}x.ics").status_code == 404
    client.get(f"/konto/password/reset/key/1-{RESET_KEY}/")
    client.get(f"/konto/password/reset/key/1-{RESET_KEY}/?next=/{RESET_KEY}")

    logged = everything_logged(caplog.records)
    assert FEED_TOKEN not in logged
    assert FEED_TOKEN[:-1] not in logged
    assert RESET_KEY not in logged
    access = [r.getMessage() for r in caplog.records if r.name == "openjobcenter.access"]
    assert "GET /<slug:jc>/kalender/<str:token>.ics 200" in access
    assert "GET /<slug:jc>/kalender/<str:token>.ics 404" in access
    assert any("/password/reset/key/(?P<uidb36>" in line for line in access), access
    not_found = [r for r in caplog.records if r.name == "django.request"]
    assert not_found
    assert all("<str:token>" in r.getMessage() for r in not_found if "kalender" in r.getMessage())


def test_unmatched_path_is_not_logged_either(
    client: Client, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert client.get(f"/no/such/{FEED_TOKEN}/").status_code == 404
    assert FEED_TOKEN not in everything_logged(caplog.records)
    access = [r.getMessage() for r in caplog.records if r.name == "openjobcenter.access"]
    assert access == ["GET (no route) 404"]


def test_migration_hashes_stored_tokens(customer: CustomerProfile) -> None:
    # A feed as the previous schema stored it: the plain token in the column.
    CalendarFeed.objects.create(customer=customer, token_hash=FEED_TOKEN)
    migration = importlib.import_module(
        "openjobcenter.appointments.migrations.0005_calendar_feed_token_hashed"
    )
    migration.hash_tokens(apps, None)
    stored = CalendarFeed.objects.get(customer=customer).token_hash
    assert stored == feed_token_hash(FEED_TOKEN)
    assert FEED_TOKEN not in stored

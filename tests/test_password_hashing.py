"""Passwords are stored with Argon2id; PBKDF2 hashes from before still verify and are
rewritten with Argon2id at the next successful login (docs/operations.md, "Passwords").

The test settings use a fast MD5 hasher for the thousands of users the suite creates; these
tests switch to the production list and use the real hashers at their real cost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, User

from .conftest import PASSWORD

PRODUCTION_HASHERS = [
    "openjobcenter.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
ARGON2ID_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers(settings) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_outside_tests_the_settings_hash_with_argon2id_and_keep_pbkdf2_for_old_hashes() -> None:
    """The list above is the one the settings give a development or production process."""
    env = {**os.environ, "OJC_ENV": "development", "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    code = (
        "import json; from openjobcenter.config import settings; "
        "print(json.dumps(settings.PASSWORD_HASHERS))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == PRODUCTION_HASHERS


def _with_pbkdf2_hash(user: User) -> str:
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$1000000$")
    return user.password


@pytest.mark.usefixtures("production_hashers")
def test_pbkdf2_account_logs_in_and_its_hash_becomes_argon2id(
    client: Client, customer: CustomerProfile
) -> None:
    _with_pbkdf2_hash(customer.user)

    response = client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/fulda/mein-bereich/").status_code == 200
    customer.user.refresh_from_db()
    assert customer.user.password.startswith(ARGON2ID_PREFIX)
    assert check_password(PASSWORD, customer.user.password)

    # The rewritten hash is the one the next login checks.
    client.post("/konto/logout/")
    again = Client()
    response = again.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert again.get("/fulda/mein-bereich/").status_code == 200


@pytest.mark.usefixtures("production_hashers")
def test_wrong_password_against_a_pbkdf2_hash_is_refused_and_changes_nothing(
    client: Client, customer: CustomerProfile
) -> None:
    stored = _with_pbkdf2_hash(customer.user)

    response = client.post(
        "/konto/login/", {"login": "kunde@example.org", "password": "Falsches-Passwort-1"}
    )
    assert response.status_code == 200
    assert "leider falsch" in response.content.decode()
    assert client.get("/fulda/mein-bereich/").status_code == 302
    customer.user.refresh_from_db()
    assert customer.user.password == stored  # no upgrade without the right password


@pytest.mark.usefixtures("production_hashers")
def test_argon2_hash_with_other_parameters_is_upgraded_to_the_current_ones(
    client: Client, customer: CustomerProfile
) -> None:
    """When the parameters change (docs: review them yearly), old hashes move at login."""
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    customer.user.password = "argon2" + old
    customer.user.save(update_fields=["password"])

    response = client.post("/konto/login/", {"login": "kunde@example.org", "password": PASSWORD})
    assert response.status_code == 302
    customer.user.refresh_from_db()
    assert customer.user.password.startswith(ARGON2ID_PREFIX)


@pytest.mark.usefixtures("production_hashers")
def test_a_new_password_is_stored_with_argon2id(customer: CustomerProfile) -> None:
    customer.user.set_password("Ein-neues-Passwort-42")
    customer.user.save(update_fields=["password"])
    customer.user.refresh_from_db()
    assert customer.user.password.startswith(ARGON2ID_PREFIX)
    assert customer.user.check_password("Ein-neues-Passwort-42")
    assert not customer.user.check_password(PASSWORD)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("production_hashers")
def test_the_hash_is_computed_without_holding_a_pooled_connection(
    customer: CustomerProfile,
) -> None:
    """Tens of milliseconds of CPU and no query: with the pool (PostgreSQL) the request's
    connection goes back before the hash (core/dbpool.py), so other requests of the node
    need not wait for it; inside a transaction it stays with the transaction."""
    from django.db import connection, transaction

    pooled = bool(connection.settings_dict.get("OPTIONS", {}).get("pool"))
    user = User.objects.get(pk=customer.user.pk)
    assert connection.connection is not None  # the lookup took a connection
    assert user.check_password(PASSWORD)
    assert (connection.connection is None) is pooled
    assert not user.check_password("Falsches-Passwort-1")

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=customer.user.pk)
        assert locked.check_password(PASSWORD)
        locked.set_password("Ein-neues-Passwort-42")
        assert connection.connection is not None  # still the transaction's
        locked.save(update_fields=["password"])
    # The next query takes a connection again; the write inside the transaction stands.
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID_PREFIX)
    assert user.check_password("Ein-neues-Passwort-42")

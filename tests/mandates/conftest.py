from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.core.access import ACTING_SESSION_KEY
from openjobcenter.mandates import services
from openjobcenter.mandates.models import Mandate
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_user

MODULES = ("mandates", "applications", "documents", "appointments", "messaging", "customer_card")


@pytest.fixture
def mandates_on(jc_a: Jobcenter, jc_b: Jobcenter) -> Jobcenter:
    for jc in (jc_a, jc_b):
        jc.enabled_modules = sorted({*jc.enabled_modules, *MODULES})
        jc.save(update_fields=["enabled_modules"])
    return jc_a


@pytest.fixture
def rep_user(db: None) -> User:
    return make_user("vertreterin@example.org", "Vera", "Vertreterin")


def grant(customer: CustomerProfile, scopes: list[str], *, days: int = 200) -> tuple[Mandate, str]:
    return services.mandate_invite(
        request=None,
        customer=customer,
        actor=customer.user,
        data=services.MandateInput(
            scopes=scopes, valid_until=timezone.localdate() + timedelta(days=days), label="Tochter"
        ),
    )


def acting_client(rep: User, mandate: Mandate) -> Client:
    client = Client()
    client.force_login(rep)
    session = client.session
    session[ACTING_SESSION_KEY] = mandate.pk
    session.save()
    return client


@pytest.fixture
def active_mandate(mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User) -> Mandate:
    _mandate, code = grant(customer, ["read", "documents"])
    return services.mandate_accept(request=None, user=rep_user, jobcenter=mandates_on, code=code)

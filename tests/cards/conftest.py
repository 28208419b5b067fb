from __future__ import annotations

import pytest

from openjobcenter.accounts.models import Role, User
from openjobcenter.cards.models import WalletSettings
from openjobcenter.cards.services_wallet import wallet_certificate_set
from openjobcenter.tenants.models import Jobcenter
from tests.cards.certs import PASSWORD, PKI, make_pki


@pytest.fixture(scope="session")
def pki() -> PKI:
    return make_pki()


@pytest.fixture
def card_on(jc_a: Jobcenter, jc_b: Jobcenter) -> Jobcenter:
    for jc in (jc_a, jc_b):
        jc.enabled_modules = sorted({*jc.enabled_modules, "customer_card", "appointments"})
        jc.save(update_fields=["enabled_modules"])
    return jc_a


@pytest.fixture
def wallet(card_on: Jobcenter, pki: PKI, staff_a: dict[Role, User]) -> WalletSettings:
    return wallet_certificate_set(
        jobcenter=card_on, actor=staff_a[Role.ADMIN], data=pki.p12, password=PASSWORD
    )

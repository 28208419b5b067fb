from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openjobcenter.identity.models import IdentityProvider
from openjobcenter.identity.services import identity_provider_save
from openjobcenter.tenants.models import Jobcenter
from tests.identity.idp import CLIENT_ID, CLIENT_SECRET, TestProvider, callback_uris
from tests.identity.saml_support import ENTITY_ID, GROUPS, make_saml_provider, person
from tests.samlidp.harness import Idp, running_idp


@pytest.fixture(scope="session")
def idp_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestProvider]:
    state: Path = tmp_path_factory.mktemp("idp")
    # 127.0.0.1 without a port: the provider accepts any loopback port (RFC 8252), for
    # the browser test against the live server.
    provider = TestProvider(state, extra_redirects=callback_uris("http://127.0.0.1"))
    yield provider
    provider.stop()


@pytest.fixture
def idp(idp_process: TestProvider) -> Iterator[TestProvider]:
    idp_process.reset()
    yield idp_process
    idp_process.reset()


def make_provider(
    idp: TestProvider, jobcenter: Jobcenter, *, key: str = "sso-test", **fields: object
) -> IdentityProvider:
    provider = IdentityProvider(
        jobcenter=jobcenter,
        key=key,
        name="Kreisverwaltung Test",
        issuer=idp.issuer,
        client_id=CLIENT_ID,
        second_factor_amr="mfa otp",
        **fields,
    )
    return identity_provider_save(
        request=None, actor=None, provider=provider, secret=CLIENT_SECRET, group_roles=GROUPS
    )


@pytest.fixture
def sso_provider(idp: TestProvider, jc_a: Jobcenter) -> IdentityProvider:
    return make_provider(idp, jc_a)


# --- A municipality's SAML IdP (the shared test IdP, tests/samlidp/) -----------------


@pytest.fixture(scope="session")
def saml_staff_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Idp]:
    with running_idp(
        tmp_path_factory, entity_id=ENTITY_ID, name="Kreisverwaltung (Test)", defaults=person([])
    ) as idp:
        yield idp


@pytest.fixture
def saml_provider(saml_staff_idp: Idp, jc_a: Jobcenter) -> IdentityProvider:
    saml_staff_idp.scenario(**person(["JC-Leistung", "Kantine"]))
    return make_saml_provider(saml_staff_idp, jc_a)

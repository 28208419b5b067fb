"""The BundID tests' SAML identity provider: the shared test IdP (``tests/samlidp/``,
pysaml2's IdP server code in its own process on loopback) as the BundID, and helpers
that drive a login through it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import User
from openjobcenter.bundid import services
from openjobcenter.tenants.models import Jobcenter
from tests.samlidp import harness as samlidp
from tests.samlidp.harness import Idp, Posted, post_answer, running_idp

__all__ = ["ATTRS", "Idp", "Posted", "enable_bundid", "idp_answer", "login", "post_answer"]
ATTRS = {
    "urn:oid:2.5.4.42": "Erika",
    "urn:oid:2.5.4.4": "Mustermann",
    "urn:oid:1.2.40.0.10.2.1.1.55": "1984-08-12",
    "urn:oid:2.5.4.16": "Heinrichstraße 8",
    "urn:oid:2.5.4.17": "36037",
    "urn:oid:2.5.4.7": "Fulda",
    "urn:oid:0.9.2342.19200300.100.1.3": "erika@example.org",
}


ENTITY_ID = "https://bundid.test/idp"


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Idp]:
    defaults = {"subject": "pseudonym-erika", "attributes": ATTRS, "level": "STORK-QAA-Level-3"}
    with running_idp(
        tmp_path_factory, entity_id=ENTITY_ID, name="BundID (Test)", defaults=defaults
    ) as idp:
        yield idp


def enable_bundid(
    client: Client, jobcenter: Jobcenter, idp: Idp, *, levels: dict[str, int] | None = None
) -> None:
    """Switch the BundID on for ``jobcenter`` with the test IdP's metadata, and give the
    IdP our service provider's metadata as served by our own metadata page."""
    admin = User.objects.create_user(email=f"bundid-admin-{jobcenter.slug}@example.org")
    services.settings_save(
        request=None,
        actor=admin,
        jobcenter=jobcenter,
        enabled=True,
        idp_metadata_xml=idp.metadata_xml,
        sp_entity_id="",
        min_levels=levels or {},
    )
    response = Client().get(f"/{jobcenter.slug}/bundid/metadata/")
    assert response.status_code == 200
    idp.trust_sp(jobcenter.slug, response.content.decode())


def idp_answer(client: Client, jobcenter: Jobcenter, query: str = "") -> Posted:
    """Start a login and let the IdP answer: the form it would make the browser post."""
    return samlidp.idp_answer(client, f"/{jobcenter.slug}/bundid/anmelden/{query}")


def login(client: Client, jobcenter: Jobcenter, query: str = "") -> Any:
    return post_answer(client, idp_answer(client, jobcenter, query))

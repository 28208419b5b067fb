"""Helpers of the staff SAML tests (the fixtures ``saml_staff_idp`` and ``saml_provider``
are in ``conftest.py``): a municipality's IdP, the shared test IdP (``tests/samlidp/``)
with its entity id, and a provider of job centre A that trusts it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from openjobcenter.accounts.models import Role, StaffMembership, User
from openjobcenter.identity.models import ExternalIdentity, IdentityProvider
from openjobcenter.identity.services import identity_provider_save
from openjobcenter.tenants.models import Jobcenter
from tests.samlidp import harness as samlidp
from tests.samlidp.harness import Idp, Posted

GROUPS = [
    ("JC-Leistung", Role.CASEWORKER),
    ("JC-Vermittlung", Role.JOB_ADVISOR),
    ("JC-Admins", Role.ADMIN),
]
KEY = "saml-test"
ENTITY_ID = "https://idp.kreis.test/saml"
STRONG = "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken"
WEAK = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def person(groups: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "subject": "kreis-4711",
        "level": STRONG,
        "attributes": {
            "mail": "ida@landkreis.example",
            "givenName": "Ida",
            "sn": "Amt",
            "groups": groups,
        },
        **extra,
    }


def make_saml_provider(idp: Idp, jobcenter: Jobcenter, metadata: str = "") -> IdentityProvider:
    provider = IdentityProvider(
        jobcenter=jobcenter,
        key=KEY,
        name="Landratsamt Test",
        protocol="saml",
        issuer=ENTITY_ID,
        idp_metadata_xml=metadata or idp.metadata_xml,
        second_factor_acr=STRONG,
        second_factor_amr="",
    )
    provider = identity_provider_save(
        request=None, actor=None, provider=provider, secret=None, group_roles=GROUPS
    )
    response = Client().get(f"/konto/saml/{KEY}/metadata/")
    assert response.status_code == 200
    idp.trust_sp(KEY, response.content.decode())
    return provider


def idp_answer(client: Client, query: str = "") -> Posted:
    return samlidp.idp_answer(client, f"/konto/saml/{KEY}/login/{query}")


def nothing_created() -> None:
    assert not User.objects.filter(email="ida@landkreis.example").exists()
    assert not ExternalIdentity.objects.exists()
    assert not StaffMembership.objects.filter(user__email="ida@landkreis.example").exists()

"""pysaml2's service-provider configuration for one SAML identity provider of a job
centre, built from its ``IdentityProvider`` row at each request: djangosaml2's global
settings (``SAML_CONFIG``, ``SAML_DEFAULT_BINDING``) name one IdP for the whole site and
are not used. No protocol code here: pysaml2 builds and checks the messages; what the
staff login and the BundID share (configuration, key files, single logout) is in
``core/saml.py``."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from saml2.config import SPConfig

from openjobcenter.core.saml import sp_config as shared_sp_config
from openjobcenter.identity.models import IdentityProvider


def sp_entity_id(provider: IdentityProvider) -> str:
    return settings.SITE_URL + reverse("identity:saml_metadata", kwargs={"key": provider.key})


def acs_url(provider: IdentityProvider) -> str:
    return settings.SITE_URL + reverse("identity:saml_acs", kwargs={"key": provider.key})


def slo_url(provider: IdentityProvider) -> str:
    return settings.SITE_URL + reverse("identity:saml_slo", kwargs={"key": provider.key})


def sp_config(provider: IdentityProvider, *, with_idp: bool = True) -> SPConfig:
    return shared_sp_config(
        entity_id=sp_entity_id(provider),
        name=f"Jobcenter {provider.jobcenter.name}",
        key_pem=provider.sp_key_pem,
        cert_pem=provider.sp_cert_pem,
        acs_url=acs_url(provider),
        slo_url=slo_url(provider),
        idp_metadata_xml=provider.idp_metadata_xml if with_idp else None,
    )

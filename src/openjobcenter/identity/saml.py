"""pysaml2's service-provider configuration for one SAML identity provider of a job
centre, built from its ``IdentityProvider`` row at each request: djangosaml2's global
settings (``SAML_CONFIG``, ``SAML_DEFAULT_BINDING``) name one IdP for the whole site and
are not used. No protocol code here: pysaml2 builds and checks the messages.

The key files for ``xmlsec1`` come from ``bundid/saml.py`` (a private folder under the
system's temporary directory, named by the hash of their content)."""

from __future__ import annotations

import shutil
from typing import Any

import saml2
from django.conf import settings
from django.urls import reverse
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from openjobcenter.bundid.saml import _file as key_file  # shared key-file cache
from openjobcenter.identity.models import IdentityProvider


def sp_entity_id(provider: IdentityProvider) -> str:
    return settings.SITE_URL + reverse("identity:saml_metadata", kwargs={"key": provider.key})


def acs_url(provider: IdentityProvider) -> str:
    return settings.SITE_URL + reverse("identity:saml_acs", kwargs={"key": provider.key})


def sp_config(provider: IdentityProvider, *, with_idp: bool = True) -> SPConfig:
    key_path = key_file(provider.sp_key_pem, ".key")
    cert_path = key_file(provider.sp_cert_pem, ".crt")
    data: dict[str, Any] = {
        "entityid": sp_entity_id(provider),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.BUNDID_CLOCK_SKEW,
        "key_file": key_path,
        "cert_file": cert_path,
        "encryption_keypairs": [{"key_file": key_path, "cert_file": cert_path}],
        "service": {
            "sp": {
                "name": f"Jobcenter {provider.jobcenter.name}",
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "only_use_keys_in_metadata": True,
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(provider), saml2.BINDING_HTTP_POST)],
                },
            }
        },
    }
    if with_idp:
        data["metadata"] = {"inline": [provider.idp_metadata_xml]}
    conf = SPConfig()
    conf.load(data)
    return conf

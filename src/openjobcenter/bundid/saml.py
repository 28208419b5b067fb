"""pysaml2's service-provider configuration for one job centre, built from its
``BundIDSettings`` (no protocol code here: djangosaml2 and pysaml2 do the SAML). The
configuration itself, the key pair and the key files for ``xmlsec1`` are shared with the
staff's SAML login (``core/saml.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from openjobcenter.core.saml import key_file, new_key_pair
from openjobcenter.core.saml import sp_config as shared_sp_config

if TYPE_CHECKING:
    from saml2.config import SPConfig

    from openjobcenter.bundid.models import BundIDSettings
    from openjobcenter.tenants.models import Jobcenter

__all__ = ["NotConfiguredError", "key_file", "new_key_pair", "operator_key_pair", "sp_config"]


class NotConfiguredError(Exception):
    """The job centre offers no BundID login (switched off or no metadata)."""


def operator_key_pair() -> tuple[str, str] | None:
    """The operator's key pair from BUNDID_SP_KEY_FILE / BUNDID_SP_CERT_FILE, if set."""
    key_file = settings.BUNDID_SP_KEY_FILE
    cert_file = settings.BUNDID_SP_CERT_FILE
    if not key_file or not cert_file:
        return None
    return Path(key_file).read_text(), Path(cert_file).read_text()


def sp_entity_id(jobcenter: Jobcenter, config: BundIDSettings) -> str:
    return config.sp_entity_id or settings.SITE_URL + reverse(
        "tenant:bundid_metadata", kwargs={"jc": jobcenter.slug}
    )


def acs_url(jobcenter: Jobcenter) -> str:
    return settings.SITE_URL + reverse("tenant:bundid_acs", kwargs={"jc": jobcenter.slug})


def slo_url(jobcenter: Jobcenter) -> str:
    return settings.SITE_URL + reverse("tenant:bundid_slo", kwargs={"jc": jobcenter.slug})


def sp_config(jobcenter: Jobcenter, config: BundIDSettings, *, with_idp: bool = True) -> SPConfig:
    """The SPConfig of ``jobcenter``; ``NotConfiguredError`` when it has no IdP metadata."""
    if with_idp and not (config.enabled and config.idp_metadata_xml.strip()):
        raise NotConfiguredError
    return shared_sp_config(
        entity_id=sp_entity_id(jobcenter, config),
        name=f"Jobcenter {jobcenter.name}",
        key_pem=config.sp_key_pem,
        cert_pem=config.sp_cert_pem,
        acs_url=acs_url(jobcenter),
        slo_url=slo_url(jobcenter),
        idp_metadata_xml=config.idp_metadata_xml if with_idp else None,
    )

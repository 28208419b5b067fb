"""BundID configuration per job centre and the BundID identity linked to a customer."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.sealed_fields import SealedTextField
from openjobcenter.tenants.models import VersionBumpingModel, VersionBumpingQuerySet


class BundIDSettingsQuerySet(VersionBumpingQuerySet["BundIDSettings"]):
    """Bulk writes tell the per-process copies too (``services.settings_enabled``)."""


class BundIDSettings(VersionBumpingModel):
    """How one job centre reaches the BundID (directly or through a broker such as a
    Keycloak realm): the identity provider's SAML metadata, our service provider's entity
    id and key pair, and the minimum identity level per action."""

    jobcenter = models.OneToOneField(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="bundid_settings"
    )
    enabled = models.BooleanField(
        _("Anmeldung mit BundID anbieten"), default=False, db_default=False
    )
    idp_metadata_xml = models.TextField(_("SAML-Metadaten des Identitätsanbieters"), blank=True)
    idp_entity_id = models.CharField(max_length=500, blank=True, db_default="")
    sp_entity_id = models.CharField(
        _("Entity-ID dieses Dienstes"), max_length=500, blank=True, db_default=""
    )
    # Our signing and decryption key; from BUNDID_SP_KEY_FILE when the operator sets it,
    # else generated per job centre and kept sealed.
    sp_key_pem = SealedTextField(blank=True)
    sp_cert_pem = models.TextField(blank=True)
    # action key (bundid.policy.ACTIONS) -> minimum Level as int
    min_levels = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Whether a job centre offers the BundID is kept per process (``services.
    # settings_enabled``): every write sets the job centres' version anew.
    objects = BundIDSettingsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"BundID settings of {self.jobcenter_id}"


class BundIDIdentity(models.Model):
    """A customer's BundID account, known by its pseudonym (bPK2 or the persistent NameID),
    with the level and the attributes the BundID confirmed at the last login."""

    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="bundid_identities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bundid_identities"
    )
    # A keyed hash of the pseudonym: found by it, never shown.
    subject_hash = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()
    verified = SealedTextField(default="{}")  # JSON of the confirmed attributes
    verified_at = models.DateTimeField()
    linked_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "subject_hash"], name="bundid_subject"),
            models.UniqueConstraint(fields=["jobcenter", "user"], name="bundid_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"BundID identity {self.pk}"

    @property
    def attributes(self) -> dict[str, Any]:
        try:
            value = json.loads(self.verified or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


class BundIDCorrection(models.Model):
    """The customer's correction of a confirmed value, with their note. The confirmed
    value stays beside it: staff see both."""

    identity = models.ForeignKey(
        BundIDIdentity, on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(max_length=30)
    verified_value = SealedTextField()
    corrected_value = SealedTextField()
    note = SealedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"correction {self.pk} of {self.field}"


class SeenAssertion(models.Model):
    """Assertion ids already used for a login: a second use of one is a replay."""

    jobcenter = models.ForeignKey("tenants.Jobcenter", on_delete=models.CASCADE, related_name="+")
    assertion_id = models.CharField(max_length=255)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "assertion_id"], name="bundid_seen_once")
        ]
        indexes = [models.Index(fields=["seen_at"], name="bundid_seen_at")]

    def __str__(self) -> str:
        return self.assertion_id

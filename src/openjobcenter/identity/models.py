"""Identity providers of a job centre (staff single sign-on, issue 24).

One row per provider; ``protocol`` says how the platform speaks to it: OpenID Connect
(through allauth's ``openid_connect`` provider, see ``identity/oidc/``) or SAML 2.0
(pysaml2 with a configuration built per row, see ``identity/saml.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import Role
from openjobcenter.core.sealed_fields import SealedTextField
from openjobcenter.tenants.models import Jobcenter


class Protocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


env_name_validator = RegexValidator(
    r"^[A-Z][A-Z0-9_]{2,99}$",
    _("Bitte geben Sie den Namen einer Umgebungsvariablen an (Großbuchstaben, Ziffern, _)."),
)


class IdentityProvider(models.Model):
    """An identity provider through which staff of one job centre log in."""

    jobcenter = models.ForeignKey(
        Jobcenter,
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("Jobcenter"),
    )
    # The provider's part of the login address (/konto/oidc/<key>/login/); never edited,
    # so a redirect URI registered at the provider stays valid.
    key = models.SlugField(_("Kennung"), max_length=80, unique=True, editable=False)
    name = models.CharField(
        _("Name der Verwaltung"),
        max_length=120,
        help_text=_("Erscheint auf der Anmeldeseite, z. B. „Kreisverwaltung Offenbach“."),
    )
    protocol = models.CharField(
        _("Protokoll"), max_length=10, choices=Protocol.choices, default=Protocol.OIDC
    )
    enabled = models.BooleanField(_("Aktiv"), default=True, db_default=True)
    issuer = models.URLField(
        _("Aussteller (Issuer)"),
        max_length=300,
        help_text=_("Die Adresse des Anbieters, wie sie im Feld „iss“ seiner Tokens steht."),
    )
    # OpenID Connect only (SAML: empty).
    client_id = models.CharField(_("Client-ID"), max_length=200, blank=True)
    # Sealed with the platform's document keys (documents.storage.seal); or, when
    # ``client_secret_env`` is set, read from that environment variable at each login.
    client_secret_sealed = models.BinaryField(editable=False, default=b"", blank=True)
    client_secret_env = models.CharField(
        _("Client-Geheimnis aus Umgebungsvariable"),
        max_length=100,
        blank=True,
        validators=[env_name_validator],
        help_text=_("Leer lassen, wenn das Geheimnis hier gespeichert wird."),
    )
    scopes = models.CharField(
        _("Scopes"), max_length=300, default="openid profile email groups", blank=False
    )
    groups_claim = models.CharField(_("Claim mit den Gruppen"), max_length=60, default="groups")
    allow_local_passwords = models.BooleanField(
        _("Anmeldung mit Passwort weiter erlaubt"),
        default=True,
        db_default=True,
        help_text=_(
            "Wenn nicht: Beschäftigte dieses Jobcenters melden sich nur noch über die "
            "Verwaltung an."
        ),
    )
    second_factor_acr = models.CharField(
        _("acr-Werte, die als zweiter Faktor gelten"),
        max_length=300,
        blank=True,
        help_text=_("Durch Leerzeichen getrennt; leer: acr zählt nicht."),
    )
    second_factor_amr = models.CharField(
        _("amr-Werte, die als zweiter Faktor gelten"),
        max_length=300,
        blank=True,
        default="mfa otp hwk",
        help_text=_("Durch Leerzeichen getrennt, z. B. „mfa otp hwk“; leer: amr zählt nicht."),
    )
    role_lifetime_seconds = models.PositiveIntegerField(
        _("Rollen erneut prüfen nach (Sekunden)"),
        default=900,
        db_default=900,
        validators=[MinValueValidator(60), MaxValueValidator(86400)],
    )
    # SAML only: the IdP's metadata (its entity id is ``issuer``), and the platform's
    # service-provider key pair for this row (made when the row is created; the key
    # sealed like every secret of the platform).
    idp_metadata_xml = models.TextField(
        _("SAML-Metadaten des Identitätsanbieters"), blank=True, default="", db_default=""
    )
    sp_key_pem = SealedTextField(blank=True, editable=False, default="", db_default="")
    sp_cert_pem = models.TextField(blank=True, editable=False, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("Identitätsanbieter")
        verbose_name_plural = _("Identitätsanbieter")
        ordering = ("jobcenter", "name")

    def __str__(self) -> str:
        return f"{self.name} ({self.jobcenter.slug})"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def acr_values(self) -> frozenset[str]:
        return frozenset(self.second_factor_acr.split())

    @property
    def amr_values(self) -> frozenset[str]:
        return frozenset(self.second_factor_amr.split())


class GroupRole(models.Model):
    """A group of the provider that gives a role in the job centre."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="group_roles"
    )
    group = models.CharField(_("Gruppe beim Anbieter"), max_length=200)
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("Gruppe → Rolle")
        verbose_name_plural = _("Gruppen → Rollen")
        constraints = (
            models.UniqueConstraint(fields=("provider", "group", "role"), name="group_role_unique"),
        )

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()}"


class ExternalIdentity(models.Model):
    """Who a person is at a provider (``sub``), and which roles came from it last."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    subject = models.CharField(max_length=255)
    roles = models.JSONField(default=list)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("provider", "subject"), name="external_identity_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.subject} @ {self.provider_id}"


class SsoSession(models.Model):
    """A platform session opened through a provider, so that the provider can end it
    (back-channel logout by ``sid`` or ``sub``)."""

    identity = models.ForeignKey(
        ExternalIdentity, on_delete=models.CASCADE, related_name="sessions"
    )
    sid = models.CharField(max_length=255, blank=True, db_index=True)
    session_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of {self.identity_id} ({self.sid or 'no sid'})"

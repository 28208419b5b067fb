"""People: one login (User) for customers and staff; a customer profile ties a person to
exactly one job centre, staff memberships give roles in one or more job centres."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from openjobcenter.tenants.models import Jobcenter, postcode_validator


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            msg = "An e-mail address is required"
            raise ValueError(msg)
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A login. ``is_staff`` here means Django-admin access (operators), not job-centre staff."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    preferred_language = models.CharField(
        _("Bevorzugte Sprache"), max_length=8, choices=settings.ALL_LANGUAGES, default="de"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-Mail")
    PHONE = "phone", _("Telefon")
    POST = "post", _("Brief")
    APP = "app", _("Nachricht im Kundenportal")


class CustomerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_profile"
    )
    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.PROTECT, related_name="customers", verbose_name=_("Jobcenter")
    )
    customer_number = models.CharField(
        _("Kundennummer"), max_length=30, blank=True, null=True, default=None
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(
        _("Postleitzahl"), max_length=5, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Ansprechperson (Arbeitsvermittlung)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advised_customers",
    )
    contact_channel = models.CharField(
        _("Bevorzugter Kontaktweg"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Kundenprofil")
        verbose_name_plural = _("Kundenprofile")
        constraints = (
            models.UniqueConstraint(
                fields=("jobcenter", "customer_number"), name="customer_number_unique_per_jc"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.jobcenter.slug})"


class Role(models.TextChoices):
    RECEPTION = "reception", _("Empfang")
    CASEWORKER = "caseworker", _("Leistungssachbearbeitung")
    JOB_ADVISOR = "job_advisor", _("Arbeitsvermittlung")
    TEAM_LEAD = "team_lead", _("Teamleitung")
    ADMIN = "admin", _("Jobcenter-Administration")


class StaffMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Rolle im Jobcenter")
        verbose_name_plural = _("Rollen im Jobcenter")
        constraints = (
            models.UniqueConstraint(fields=("user", "jobcenter", "role"), name="membership_unique"),
        )

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.jobcenter.slug})"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API-Schlüssel")
        verbose_name_plural = _("API-Schlüssel")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

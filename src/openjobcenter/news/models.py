"""News posts of a job centre and its presence in the fediverse (ActivityPub)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.sealed_fields import SealedTextField


class PostQuerySet(models.QuerySet["Post"]):
    def visible(self, now: object | None = None) -> PostQuerySet:
        """Published and not expired at ``now``."""
        now = now or timezone.now()
        return self.filter(published_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Post(models.Model):
    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="news_posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Plain text; links are made clickable when shown, nothing else is markup.
    text = models.TextField(_("Text"))
    # Per-language versions of this row's texts (core/content_i18n.py).
    translations = models.JSONField(_("Übersetzungen"), default=dict, db_default={}, blank=True)
    link = models.URLField(_("Link"), blank=True, max_length=500)
    image = models.CharField(max_length=200, blank=True)  # storage name (re-encoded JPEG/PNG)
    image_alt = models.CharField(_("Bildbeschreibung"), max_length=300, blank=True)
    image_type = models.CharField(max_length=30, blank=True)
    image_width = models.PositiveIntegerField(default=0)
    image_height = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(_("Veröffentlichen am"))
    expires_at = models.DateTimeField(_("Sichtbar bis"), null=True, blank=True)
    # When the post went out to the followers (None: not yet; scheduled posts on publish).
    federated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at", "-pk")
        indexes = (models.Index(fields=("jobcenter", "-published_at"), name="news_post_jc_pub"),)

    def __str__(self) -> str:
        return self.text[:40]


class ActorKey(models.Model):
    """The job centre's RSA key pair for HTTP signatures; the private half sealed."""

    jobcenter = models.OneToOneField(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="news_key"
    )
    public_pem = models.TextField()
    private_pem = SealedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(f"key of {self.jobcenter_id}")


class Follower(models.Model):
    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="news_followers"
    )
    actor_id = models.URLField(max_length=500)
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    follow_id = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "actor_id"), name="news_follower_once"),
        )

    def __str__(self) -> str:
        return str(self.actor_id)


class Following(models.Model):
    """A remote actor this job centre follows (e.g. a neighbouring job centre)."""

    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="news_following"
    )
    actor_id = models.URLField(max_length=500)
    follow_id = models.URLField(max_length=500)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "actor_id"), name="news_following_once"),
        )

    def __str__(self) -> str:
        return str(self.actor_id)


class RemoteActor(models.Model):
    """A remote actor's public key and inboxes, fetched once and kept (refreshed when a
    signature does not verify with the kept key)."""

    actor_id = models.URLField(max_length=500, unique=True)
    key_id = models.URLField(max_length=500)
    public_pem = models.TextField()
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    handle = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.actor_id)


class SeenActivity(models.Model):
    """Ids of activities received, against replays within the signature window."""

    activity_id = models.CharField(max_length=500, unique=True)
    received_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return str(self.activity_id)


class OutgoingActivity(models.Model):
    """An activity this job centre sends (Create, Accept, Follow, Delete); each inbox
    gets it through an outbox row (retries with backoff)."""

    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="news_activities"
    )
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(f"activity {self.pk}")


class InboxStatus(models.TextChoices):
    NEW = "new", _("Neu")
    DONE = "done", _("Erledigt")
    HIDDEN = "hidden", _("Ausgeblendet")


class InboxKind(models.TextChoices):
    REPLY = "reply", _("Antwort")
    MENTION = "mention", _("Erwähnung")
    POST = "post", _("Beitrag eines gefolgten Kontos")


PERSONAL_DATA_LABELS = {
    "iban": _("IBAN"),
    "email": _("E-Mail-Adresse"),
    "phone": _("Telefonnummer"),
    "customer_number": _("Kundennummer"),
}


class InboxItem(models.Model):
    """A reply, mention or followed post: only for the job centre's staff, never public."""

    jobcenter = models.ForeignKey(
        "tenants.Jobcenter", on_delete=models.CASCADE, related_name="news_inbox"
    )
    kind = models.CharField(max_length=10, choices=InboxKind.choices)
    status = models.CharField(max_length=10, choices=InboxStatus.choices, default=InboxStatus.NEW)
    activity_id = models.CharField(max_length=500)
    object_id = models.CharField(max_length=500)
    actor_id = models.URLField(max_length=500)
    actor_handle = models.CharField(max_length=300, blank=True)
    # The note's text as plain text (its HTML stripped); sealed: people write personal data.
    text = SealedTextField()
    url = models.URLField(max_length=500, blank=True)
    in_reply_to = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True)
    personal_data = models.CharField(max_length=200, blank=True)  # kinds found, comma-separated
    received_at = models.DateTimeField()

    class Meta:
        ordering = ("-received_at", "-pk")
        constraints = (
            models.UniqueConstraint(fields=("jobcenter", "object_id"), name="news_inbox_once"),
        )

    def __str__(self) -> str:
        return str(f"{self.kind} {self.actor_handle}")

    def personal_data_labels(self) -> str:
        """What the hint names: "IBAN, Telefonnummer"."""
        kinds = [k for k in self.personal_data.split(",") if k]
        return ", ".join(str(PERSONAL_DATA_LABELS.get(k, k)) for k in kinds)

"""Notification preferences, Web Push subscriptions, the outbox and the VAPID key pair."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    """How a person wants to be told that something new is waiting (never what it is)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref"
    )
    email = models.BooleanField(_("per E-Mail"), default=True)
    push = models.BooleanField(_("als Mitteilung auf diesem Gerät (Push)"), default=True)
    # Quiet hours in Europe/Berlin wall-clock time; may wrap midnight (22:00–07:00).
    quiet_start = models.TimeField(_("Ruhezeit von"), null=True, blank=True)
    quiet_end = models.TimeField(_("Ruhezeit bis"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")

    def __str__(self) -> str:
        return f"pref:{self.user_id}"


class PushSubscription(models.Model):
    """One browser's Web Push endpoint (a person may have several devices)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Push-Abonnement")
        verbose_name_plural = _("Push-Abonnements")

    def __str__(self) -> str:
        return f"push:{self.pk}"


class PendingNotification(models.Model):
    """The outbox: one notification for one person, sent when ``due_at`` has come.

    Only the event key and a link are stored; the text is rendered at sending time in
    the recipient's language, and it never contains content or social data.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_notifications"
    )
    event = models.CharField(max_length=60)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    channels_sent = models.CharField(max_length=100, blank=True)
    # What the event is about, for the raising module's read check (``batching``): an
    # opaque id such as the message's, never content.
    ref = models.CharField(max_length=60, blank=True)
    # Why it was closed without sending ("read": the person saw it before it was due).
    skipped = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.event}:{self.user_id}"


class VapidKey(models.Model):
    """The installation's embedded VAPID key pair (used when settings have none).

    Generated once and kept in the database so every app node signs with the same key.
    """

    singleton = models.PositiveSmallIntegerField(default=1, unique=True)
    private_key = models.TextField()  # sealed base64url raw private key (vapid.py)
    public_key = models.TextField()  # base64url uncompressed point (applicationServerKey)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "vapid"

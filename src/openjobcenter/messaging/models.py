"""Conversations between a customer and their job centre, their messages and the job
centre's chat configuration (topics, text templates, office hours and auto-reply)."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.need_to_know import Category
from openjobcenter.tenants.models import Jobcenter


class TopicCategory(models.TextChoices):
    """The need-to-know category of a topic's conversations (``core.need_to_know``)."""

    BENEFIT_CHAT = Category.BENEFIT_CHAT.value, _("Leistungen (nur Leistungssachbearbeitung)")
    PLACEMENT_CHAT = Category.PLACEMENT_CHAT.value, _("Arbeitsvermittlung")
    GENERAL = Category.GENERAL.value, _("Allgemein (alle Teams)")


class Topic(models.Model):
    """A team inbox of a job centre (Leistung, Arbeitsvermittlung, Termine, Allgemeines)."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="chat_topics")
    name = models.CharField(_("Name"), max_length=100)
    # Per-language versions of this row's texts (core/content_i18n.py).
    translations = models.JSONField(_("Übersetzungen"), default=dict, db_default={}, blank=True)
    description = models.CharField(
        _("Beschreibung für Kundinnen und Kunden"), max_length=300, blank=True
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Who may read the topic's conversations: decided by category, not by team name.
    category = models.CharField(
        _("Datenkategorie"),
        max_length=30,
        choices=TopicCategory.choices,
        default=TopicCategory.GENERAL,
    )

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "name"], name="chat_topic_unique_name")
        ]
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language: the job centre's own translation (or a
        shared one, core/content_i18n.py), else the catalogue's for the default topics."""
        from openjobcenter.core.content_i18n import translated

        own = translated(self, "name")
        return own if own != self.name else gettext(self.name)


DEFAULT_TOPICS = [
    (_("Bürgergeld und Leistungen"), _("Fragen zu Ihrem Antrag, Bescheid oder Geld")),
    (_("Arbeitsvermittlung"), _("Arbeit, Ausbildung, Weiterbildung")),
    (_("Termine"), _("Termin verschieben, absagen, Fragen zum Termin")),
    (_("Allgemeines"), _("Alles andere")),
]
# The default topics' categories, by their stored (German) name.
DEFAULT_TOPIC_CATEGORIES = {
    "Bürgergeld und Leistungen": TopicCategory.BENEFIT_CHAT,
    "Arbeitsvermittlung": TopicCategory.PLACEMENT_CHAT,
    "Termine": TopicCategory.GENERAL,
    "Allgemeines": TopicCategory.GENERAL,
}


class ChatSettings(models.Model):
    """Office hours and the auto-reply of one job centre's chat."""

    jobcenter = models.OneToOneField(
        Jobcenter, on_delete=models.CASCADE, related_name="chat_settings"
    )
    # Weekdays 0 (Monday) to 6; office hours in Europe/Berlin wall-clock time.
    office_days = models.JSONField(_("Tage mit Sprechzeit"), default=list)
    office_start = models.TimeField(_("Sprechzeit von"), default=time(8))
    office_end = models.TimeField(_("Sprechzeit bis"), default=time(16))
    auto_reply_enabled = models.BooleanField(
        _("Automatische Antwort außerhalb der Sprechzeit"), default=True
    )
    expected_response = models.CharField(
        _("Erwartete Antwortzeit"),
        max_length=300,
        default="",
        blank=True,
        help_text=_("Zum Beispiel: „Wir antworten in der Regel innerhalb von 2 Werktagen.“"),
    )

    def __str__(self) -> str:
        return f"chat-settings:{self.jobcenter_id}"


class TextTemplate(models.Model):
    """A Textbaustein with placeholders such as {vorname} and {termin}."""

    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.CASCADE, related_name="chat_templates"
    )
    title = models.CharField(_("Titel"), max_length=100)
    # Per-language versions of this row's texts (core/content_i18n.py).
    translations = models.JSONField(_("Übersetzungen"), default=dict, db_default={}, blank=True)
    body = models.TextField(_("Text"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("Textbaustein")
        verbose_name_plural = _("Textbausteine")

    def __str__(self) -> str:
        return self.title


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("offen")
    ANSWERED = "answered", _("beantwortet")
    CLOSED = "closed", _("abgeschlossen")


class Conversation(models.Model):
    """A chat between one customer and their job centre: with a topic's team, or with the
    customer's personal job advisor (``advisor`` set)."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="conversations")
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="conversations"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    # Personal conversation: only this advisor and the team leads see it.
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="personal_conversations",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
    )
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    document_request = models.ForeignKey(
        "documents.DocumentRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    status = models.CharField(
        _("Status"),
        max_length=12,
        choices=ConversationStatus.choices,
        default=ConversationStatus.OPEN,
    )
    started_by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_message_id = models.BigIntegerField(default=0)
    # Read state per side, as message-id cursors: everything up to the id is read.
    customer_read_upto = models.BigIntegerField(default=0)
    staff_delivered_upto = models.BigIntegerField(default=0)
    staff_read_upto = models.BigIntegerField(default=0)
    last_auto_reply_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        indexes = [
            models.Index(fields=["jobcenter", "status", "assignee"]),
            # The work queue's conversations waiting for the job centre (the customer
            # wrote last, nobody here has read it), oldest first (messaging/queue.py).
            models.Index(
                fields=["jobcenter", "last_message_at"],
                name="conversation_waiting",
                condition=Q(status="open", last_message_id__gt=models.F("staff_read_upto")),
            ),
        ]

    def __str__(self) -> str:
        return f"conversation:{self.pk}"

    @property
    def category(self) -> Category:
        """The need-to-know category: the topic's; a personal conversation (no topic,
        seen only by its advisor and the team leads) is general."""
        return conversation_category(self.topic)


def conversation_category(topic: Topic | None) -> Category:
    if topic is None:
        return Category.GENERAL
    try:
        return Category(topic.category)
    except ValueError:
        return Category.GENERAL


class AuthorSide(models.TextChoices):
    CUSTOMER = "customer", _("Kundin oder Kunde")
    STAFF = "staff", _("Jobcenter")
    SYSTEM = "system", _("Automatische Antwort")


class Message(models.Model):
    """One message. Its id is the cursor: ids only grow, so "everything after id N" is
    the exact set a reconnecting client missed."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    side = models.CharField(max_length=10, choices=AuthorSide.choices)
    # A representative who wrote in the customer's name under a mandate with the chat
    # scope (issue 25): ``author`` stays the customer (the side, the cursors, the rate),
    # both sides see "geschrieben von … (Vertretung)".
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True)
    # Generated by the sending client; a resend with the same id is the same message.
    client_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    attachment = models.FileField(upload_to="chat/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    # The documents module's Document, when the attachment went through its pipeline.
    document_id = models.BigIntegerField(null=True, blank=True)
    # A system notice's kind and facts (``messaging.notices``), e.g. a chat photo the
    # pipeline refused later. ``body`` holds its German wording (the proof, the PDF);
    # readers see it worded in their own language.
    notice = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["author", "created_at"], name="chat_message_rate"),
            models.Index(
                fields=["document_id"],
                name="chat_message_document",
                condition=Q(document_id__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "author", "client_id"],
                condition=~Q(client_id=""),
                name="chat_message_idempotent",
            )
        ]

    def __str__(self) -> str:
        return f"message:{self.pk}"

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment) or self.document_id is not None

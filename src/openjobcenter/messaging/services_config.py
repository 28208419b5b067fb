"""Chat configuration of a job centre (DESIGN §4.1): topics, text templates and chat
settings (office hours, auto-reply), each saved with an audit entry, plus
``template_render``, which fills a template's placeholders for one conversation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import checked_translations, translated
from openjobcenter.core.languages import usable_language
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.messaging.models import (
    DEFAULT_TOPIC_CATEGORIES,
    DEFAULT_TOPICS,
    ChatSettings,
    Conversation,
    TextTemplate,
    Topic,
    TopicCategory,
)
from openjobcenter.messaging.services_send import MessagingError, clean_body

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

# --- configuration -------------------------------------------------------------------------


@transaction.atomic
def topics_ensure_defaults(*, jobcenter: Jobcenter) -> None:
    """A job centre starts with the four usual topics; admins change them afterwards."""
    if Topic.objects.filter(jobcenter=jobcenter).exists():
        return
    # Stored in German, whoever's language is active: ``Topic.label`` translates them.
    with translation.override(settings.LANGUAGE_CODE):
        for position, (name, description) in enumerate(DEFAULT_TOPICS):
            Topic.objects.get_or_create(
                jobcenter=jobcenter,
                name=str(name),
                defaults={
                    "description": str(description),
                    "position": position,
                    "category": DEFAULT_TOPIC_CATEGORIES.get(str(name), TopicCategory.GENERAL),
                },
            )


@transaction.atomic
def topic_save(
    *,
    jobcenter: Jobcenter,
    actor: User,
    name: str,
    description: str = "",
    position: int = 0,
    is_active: bool = True,
    category: str = "",
    topic: Topic | None = None,
    translations: dict[str, dict[str, str]] | None = None,
    request: HttpRequest | None = None,
) -> Topic:
    name = " ".join(name.split())[:100]
    if not name:
        raise MessagingError(_("Bitte geben Sie einen Namen an."), field="name")
    clash = Topic.objects.filter(jobcenter=jobcenter, name=name)
    if topic is not None:
        clash = clash.exclude(pk=topic.pk)
    if clash.exists():
        raise MessagingError(_("Ein Thema mit diesem Namen gibt es schon."), field="name")
    # The need-to-know category (``core.need_to_know``): empty keeps an edited topic's
    # own and makes a new one general.
    if not category:
        category = topic.category if topic is not None else TopicCategory.GENERAL
    if category not in TopicCategory.values:
        raise MessagingError(_("Bitte wählen Sie eine Datenkategorie."), field="category")
    if topic is None:
        topic = Topic(jobcenter=jobcenter)
    before = topic.category if topic.pk else ""
    topic.name, topic.description, topic.position, topic.is_active, topic.category = (
        name,
        description[:300],
        position,
        is_active,
        category,
    )
    if translations is not None:  # None: a caller that does not edit them keeps them
        topic.translations = checked_translations(translations)
    topic.save()
    # A topic's category decides which team count its conversations are in.
    queue_changed(jobcenter_id=jobcenter.pk, module="messaging")
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="chat_config",
        object_id=f"topic:{topic.pk}",
        jobcenter=jobcenter,
        actor=actor,
        detail=f"category: {before or '-'} -> {category}",
    )
    return topic


@transaction.atomic
def template_save(
    *,
    jobcenter: Jobcenter,
    actor: User,
    title: str,
    body: str,
    template: TextTemplate | None = None,
    translations: dict[str, dict[str, str]] | None = None,
    request: HttpRequest | None = None,
) -> TextTemplate:
    title = " ".join(title.split())[:100]
    if not title:
        raise MessagingError(_("Bitte geben Sie einen Titel an."), field="title")
    body = clean_body(body)
    if template is None:
        template = TextTemplate(jobcenter=jobcenter)
    template.title, template.body = title, body
    if translations is not None:
        template.translations = checked_translations(translations)
    template.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="chat_config",
        object_id=f"template:{template.pk}",
        jobcenter=jobcenter,
        actor=actor,
    )
    return template


@transaction.atomic
def template_delete(
    *, template: TextTemplate, actor: User, request: HttpRequest | None = None
) -> None:
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="chat_config",
        object_id=f"template:{template.pk}",
        jobcenter=template.jobcenter,
        actor=actor,
    )
    template.delete()


@transaction.atomic
def chat_settings_save(
    *,
    jobcenter: Jobcenter,
    actor: User,
    office_days: list[int],
    office_start: Any,
    office_end: Any,
    auto_reply_enabled: bool,
    expected_response: str,
    request: HttpRequest | None = None,
) -> ChatSettings:
    if office_start >= office_end:
        raise MessagingError(
            _("Das Ende der Sprechzeit muss nach ihrem Beginn liegen."), field="office_end"
        )
    chat, _created = ChatSettings.objects.get_or_create(jobcenter=jobcenter)
    chat.office_days = sorted({int(d) for d in office_days if 0 <= int(d) <= 6})
    chat.office_start, chat.office_end = office_start, office_end
    chat.auto_reply_enabled = auto_reply_enabled
    chat.expected_response = expected_response.strip()[:300]
    chat.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="chat_config",
        object_id="settings",
        jobcenter=jobcenter,
        actor=actor,
    )
    return chat


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template_render(template: TextTemplate, conversation: Conversation) -> str:
    """The template's text with {vorname}, {nachname}, {kundennummer}, {termin},
    {jobcenter} filled in for this conversation; unknown placeholders stay as they are."""
    from zoneinfo import ZoneInfo

    customer = conversation.customer
    values = _Keep(
        vorname=customer.user.first_name,
        nachname=customer.user.last_name,
        kundennummer=customer.customer_number or "",
        jobcenter=conversation.jobcenter.name,
    )
    appointment = conversation.appointment
    if appointment is not None:
        local = appointment.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
        values["termin"] = local.strftime("%d.%m.%Y, %H:%M Uhr")
    # In the customer's language where the job centre wrote the template in it.
    body = translated(template, "body", usable_language(customer.user.preferred_language))
    try:
        return body.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):  # stray braces: leave the text alone
        return body

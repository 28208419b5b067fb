"""The news module's retention rule (``retention.registry``): the fediverse inbox, which
holds what strangers wrote (often with personal data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import model_rule


def register_rules() -> None:
    register(
        model_rule(
            model="news.InboxItem",
            date_field="received_at",
            key="news.inbox",
            label=_("Antworten und Erwähnungen aus dem Fediverse"),
            basis=_("Eingang der Antwort"),
            unit=Unit.DAYS,
            default=90,
            minimum=7,
            maximum=730,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung); die Einträge dienen nur der "
                "Moderation. Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            order=90,
        )
    )

"""The postbox's notification event: fixed words, no social data (§ 35 SGB I)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openjobcenter.notifications.events import Event, register

NEW_NOTICE = register(
    Event(
        "postbox.new_notice",
        _("Neues Schreiben"),
        _("Ein neues Schreiben liegt für Sie bereit."),
    )
)

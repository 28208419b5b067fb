from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n import missing_languages
from openjobcenter.core.models import AuditEntry, SharedTranslation


class MissingTranslationsColumn:
    """An admin column "Übersetzung fehlt": per German text, the offered languages without
    a translation (core/content_i18n.py)."""

    translated_fields: tuple[str, ...] = ()

    @admin.display(description=_("Übersetzung fehlt"))
    def missing_translations(self, obj: Any) -> str:
        missing = missing_languages(obj, self.translated_fields)
        return "; ".join(f"{field}: {', '.join(codes)}" for field, codes in missing.items()) or "–"


@admin.register(SharedTranslation)
class SharedTranslationAdmin(admin.ModelAdmin[SharedTranslation]):
    """The operator's translations of common German texts, adopted by every job centre
    that uses exactly that German text and has not translated it itself."""

    list_display = ("source", "languages")
    search_fields = ("source",)

    @admin.display(description=_("Sprachen"))
    def languages(self, obj: SharedTranslation) -> str:
        return ", ".join(sorted(obj.translations)) or "–"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the audit log is append-only, also for operators."""

    list_display = ("at", "jobcenter", "actor_label", "action", "object_type", "subject_label")
    list_filter = ("action", "jobcenter")
    search_fields = ("actor_label", "subject_label", "object_type")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

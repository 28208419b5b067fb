from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from openjobcenter.core.models import AuditEntry


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

"""Operators manage job centres in Django's admin at /admin/."""

from __future__ import annotations

from django.contrib import admin

from openjobcenter.core.admin import MissingTranslationsColumn
from openjobcenter.tenants.models import Jobcenter, LanguageReview, Office, ServiceArea


class OfficeInline(admin.StackedInline[Office, Jobcenter]):
    model = Office
    extra = 0


class ServiceAreaInline(admin.TabularInline[ServiceArea, Jobcenter]):
    model = ServiceArea
    extra = 0


@admin.register(Jobcenter)
class JobcenterAdmin(MissingTranslationsColumn, admin.ModelAdmin[Jobcenter]):
    translated_fields = ("intro", "imprint", "privacy", "accessibility")
    list_display = ("name", "slug", "kind", "host", "is_active", "missing_translations")
    readonly_fields = ("missing_translations",)
    list_filter = ("kind", "is_active", "state")
    search_fields = ("name", "slug", "host")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (OfficeInline, ServiceAreaInline)


@admin.register(LanguageReview)
class LanguageReviewAdmin(admin.ModelAdmin[LanguageReview]):
    """Which job centre had its texts in which language checked by a test group (the job
    centre records it under Einstellungen → Geprüfte Sprachen)."""

    list_display = ("jobcenter", "language", "reviewer", "reviewed_on", "recorded_at")
    list_filter = ("language",)
    search_fields = ("jobcenter__name", "reviewer")
    readonly_fields = ("recorded_by", "recorded_at")

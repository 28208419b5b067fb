from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from openjobcenter.accounts.models import CustomerProfile, StaffMembership, User


class MembershipInline(admin.TabularInline[StaffMembership, User]):
    model = StaffMembership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "preferred_language")}),
        ("Rechte", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = (MembershipInline,)


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin[CustomerProfile]):
    list_display = ("user", "jobcenter", "customer_number")
    list_filter = ("jobcenter",)
    search_fields = ("user__email", "customer_number")
    raw_id_fields = ("user",)

"""The operator's view of the identity providers (the admin requires a second factor
and audits, core/admin_apps.py). The secret is set through the form field, sealed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from openjobcenter.identity.forms import IdentityProviderForm
from openjobcenter.identity.models import IdentityProvider
from openjobcenter.identity.services import format_group_roles, identity_provider_save


class IdentityProviderAdminForm(IdentityProviderForm):
    class Meta(IdentityProviderForm.Meta):
        fields = ("jobcenter", *IdentityProviderForm.Meta.fields)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = IdentityProviderAdminForm
    list_display = ("name", "jobcenter", "protocol", "issuer", "enabled", "allow_local_passwords")
    list_filter = ("enabled", "protocol", "jobcenter")
    readonly_fields = ("key",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            form.base_fields["group_roles"].initial = format_group_roles(obj)
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        identity_provider_save(
            request=request,
            actor=request.user,  # type: ignore[arg-type]
            provider=obj,
            secret=form.cleaned_data.get("client_secret") or None,
            group_roles=form.cleaned_data["group_roles"],
        )

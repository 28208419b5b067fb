"""The operator's view of the identity providers (the admin requires a second factor
and audits, core/admin_apps.py). The secret is set through the form field, sealed."""

from __future__ import annotations

from typing import Any

import allauth.socialaccount.admin  # noqa: F401 - registered first, to be taken out below
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.http import HttpRequest

from openjobcenter.identity.forms import IdentityProviderForm
from openjobcenter.identity.models import IdentityProvider
from openjobcenter.identity.services import format_group_roles, identity_provider_save


class IdentityProviderAdminForm(IdentityProviderForm):
    class Meta(IdentityProviderForm.Meta):
        fields: tuple[str, ...] = ("jobcenter", *IdentityProviderForm.Meta.fields)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = IdentityProviderAdminForm
    list_display = ("name", "jobcenter", "protocol", "issuer", "enabled", "allow_local_passwords")
    list_filter = ("enabled", "protocol", "jobcenter")
    readonly_fields = ("key",)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
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


# Providers are configured here (IdentityProvider), never as allauth SocialApp rows; the
# links of people to providers are ExternalIdentity rows seen through the staff pages.
for _model in (SocialApp, SocialAccount, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

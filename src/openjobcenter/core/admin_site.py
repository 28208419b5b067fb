"""The operator's Django admin: the platform's login with a second factor, and audited.

The admin sees every job centre's customers, so it gets at least the protection of a
job centre's back office (``core.access.staff_required``):

* There is no admin login form. ``/admin/login/`` sends a stranger to the platform's
  login (allauth: password, then the second factor, with allauth's rate limits and
  lockout); an operator without a second factor is sent to set one up; a session whose
  login did not use the second factor is asked for it (reauthentication).
* ``has_permission`` requires a second factor used in this session, so every admin view
  (they all pass ``admin_view``) refuses a password-only session before showing anything.
* Every add, change and delete, and every list, detail or delete-confirmation page
  opened, writes an ``AuditEntry`` naming the operator, the model, the object id and the
  changed field names (never their values). The site wraps each registered ``ModelAdmin`` class with
  ``AuditedModelAdmin`` on registration, so a model registered later is audited without
  anyone remembering to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from openjobcenter.core.access import mfa_enabled, mfa_verified_in_session
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from collections.abc import Iterable

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter


def _jobcenter_of(obj: object) -> Jobcenter | None:
    from openjobcenter.tenants.models import Jobcenter

    if isinstance(obj, Jobcenter):
        return obj
    found = getattr(obj, "jobcenter", None)
    return found if isinstance(found, Jobcenter) else None


def _subject_of(obj: object) -> User | None:
    from openjobcenter.accounts.models import User

    if isinstance(obj, User):
        return obj
    found = getattr(obj, "user", None)
    return found if isinstance(found, User) else None


def changed_fields(message: object) -> str:
    """Field names from the admin's change message, without values or object names.

    The admin's message is a list like ``[{"changed": {"fields": [...]}}, {"added":
    {"name": ..., "object": str(obj)}}]``; ``str(obj)`` may be a person's e-mail, so
    only model names and field names are kept.
    """
    parts: list[str] = []
    if not isinstance(message, list):
        return ""
    for entry in message:
        if not isinstance(entry, dict):
            continue
        for kind, info in entry.items():
            if not isinstance(info, dict):
                continue
            fields = ", ".join(str(field) for field in info.get("fields", []))
            name = str(info.get("name", ""))
            label = f"{kind} {name}".strip() if name else kind
            parts.append(f"{label}: {fields}" if fields else label)
    return "; ".join(parts)


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes an audit entry for every admin read and write (mixed into each ModelAdmin)."""

    def _audit(
        self,
        request: HttpRequest,
        action: AuditAction,
        obj: models.Model | None = None,
        *,
        object_id: str | int = "",
        detail: str = "",
    ) -> None:
        meta = self.model._meta
        audit(
            request=request,
            action=action,
            object_type=f"admin:{meta.app_label}.{meta.model_name}"[:60],
            object_id=obj.pk if obj is not None else object_id,
            jobcenter=_jobcenter_of(obj),
            subject=_subject_of(obj),
            detail=f"Django-Admin {detail}".strip(),
        )

    # Writes: the admin calls these inside its own transaction (add/change/delete views,
    # list editing), so the entry commits or rolls back with the change.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, AuditAction.CREATE, obj, detail=changed_fields(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, AuditAction.UPDATE, obj, detail=changed_fields(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Any]) -> Any:
        for obj in queryset:
            self._audit(request, AuditAction.DELETE, obj)
        return super().log_deletions(request, queryset)  # type: ignore[arg-type]

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        # Django runs list actions (``delete_selected``) outside a transaction: the audit
        # entries and the deletion must not part ways.
        with transaction.atomic():
            return super().response_action(request, queryset)

    # Reads: who looked at which list and which record.
    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(request, AuditAction.READ, detail="list")
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(request, AuditAction.READ, self._shown(response), object_id=object_id[:64])
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The confirmation page lists the record and everything deleted with it.
        response = super().delete_view(request, object_id, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(
                request,
                AuditAction.READ,
                self._shown(response, "object"),
                object_id=object_id[:64],
                detail="delete confirmation",
            )
        return response

    @staticmethod
    def _shown(response: HttpResponse, key: str = "original") -> models.Model | None:
        context = getattr(response, "context_data", None) or {}
        original = context.get(key)
        return original if isinstance(original, models.Model) else None


class SecureAdminSite(admin.AdminSite):
    site_header = "OpenJobcenter – Betrieb"
    site_title = "OpenJobcenter"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedModelAdmin):
            base = type(base.__name__, (AuditedModelAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        # The second factor, used in this session, is part of being allowed in at all.
        return (
            super().has_permission(request)
            and mfa_enabled(request.user)  # type: ignore[arg-type]
            and mfa_verified_in_session(request)
        )

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """No password form of its own: the platform's login, then the second factor."""
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        next_url = (
            wanted
            if wanted
            and url_has_allowed_host_and_scheme(
                wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            else index
        )
        user = request.user
        if not user.is_authenticated:
            return _to("account_login", next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not mfa_enabled(user):
            messages.info(
                request,
                _(
                    "Für den Zugang zur Verwaltung brauchen Sie einen zweiten Faktor. "
                    "Bitte richten Sie ihn jetzt ein."
                ),
            )
            return _to("mfa_activate_totp", next_url)
        if not mfa_verified_in_session(request):
            return _to("mfa_reauthenticate", next_url)
        return HttpResponseRedirect(next_url)


def _to(url_name: str, next_url: str) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")

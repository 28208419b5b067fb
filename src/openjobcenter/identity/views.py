"""The job-centre admin's settings for login through the administration, and the
endpoint through which a provider ends sessions (back-channel logout)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.account.views import LoginView as AllauthLoginView
from allauth.account.views import LogoutView as AllauthLogoutView
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from requests import RequestException

from openjobcenter.accounts import branding
from openjobcenter.accounts.models import User
from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.identity import selectors, services, sessions, views_saml
from openjobcenter.identity.forms import IdentityProviderForm
from openjobcenter.identity.models import IdentityProvider, Protocol


def allow_form_posts_to(response: HttpResponseBase, providers: list[IdentityProvider]) -> None:
    """The platform's CSP allows forms to post only to itself (``form-action 'self'``),
    and browsers apply that to the redirect after the post too: the SSO button's answer
    sends the browser on to the provider, so its origin is added on pages that show it."""
    allow_form_action(
        response,
        [
            f"{urlsplit(p.issuer).scheme}://{urlsplit(p.issuer).netloc}"
            for p in providers
            if p.protocol == Protocol.OIDC  # SAML's button is a link, no form
        ],
    )


def allow_form_action(response: HttpResponseBase, origins: list[str]) -> None:
    """Add ``origins`` to the response's CSP ``form-action``."""
    if not origins:
        return
    policy = response.headers.get("Content-Security-Policy") or settings.CONTENT_SECURITY_POLICY
    response.headers["Content-Security-Policy"] = policy.replace(
        "form-action 'self'", "form-action 'self' " + " ".join(sorted(set(origins)))
    )


class LoginView(AllauthLoginView):  # type: ignore[misc]
    """allauth's login page, with the job centre's providers allowed as form targets."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        if 300 <= response.status_code < 400:
            # No page (a successful login goes on): no form whose target the CSP names.
            return response
        jobcenter = getattr(request, "jobcenter", None) or branding.account_jobcenter(request)
        allow_form_posts_to(response, selectors.login_options(jobcenter))
        return response


class LogoutView(AllauthLogoutView):  # type: ignore[misc]
    """allauth's logout page. After a staff SAML login its form's answer sends the
    browser on to the IdP's single logout service (``views_saml.logout_location``),
    after a BundID login through ``/<jc>/bundid/abmelden/`` to the BundID's
    (``bundid.views_slo.logout_url``): those origins are allowed as form targets, else
    the browser stops the redirect (asked before the logout, while the session lasts)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from openjobcenter.bundid import views_slo as bundid_slo

        origins = (
            [views_saml.logout_origin(request), bundid_slo.logout_origin(request)]
            if request.method == "GET"
            else []
        )
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        allow_form_action(response, [o for o in origins if o])
        return response


@staff_required(Perm.JOBCENTER_CONFIGURE)
def provider_list(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    return render(
        request,
        "identity/staff_providers.html",
        {"providers": selectors.providers_of(jobcenter).prefetch_related("group_roles")},
    )


@staff_required(Perm.JOBCENTER_CONFIGURE)
@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, jc: str, pk: int | None = None) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    provider = (
        selectors.get_provider_for(jobcenter, pk)
        if pk is not None
        else IdentityProvider(jobcenter=jobcenter)
    )
    initial = {"group_roles": services.format_group_roles(provider)} if provider.pk else {}
    form = IdentityProviderForm(request.POST or None, instance=provider, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.identity_provider_save(
            request=request,
            actor=request_user(request),
            provider=form.save(commit=False),
            secret=form.cleaned_data.get("client_secret") or None,
            group_roles=form.cleaned_data["group_roles"],
        )
        messages.success(request, _("Die Anmeldung über die Verwaltung wurde gespeichert."))
        return redirect("staff:identity_providers", jc=jc)
    return render(
        request, "identity/staff_provider_edit.html", {"form": form, "provider": provider}
    )


def local_login_refused(
    request: HttpRequest, user: User, providers: list[IdentityProvider]
) -> HttpResponse:
    """A password (or code, or passkey) login of staff whose job centre admits them
    only through their administration: refused, pointing to the provider."""
    audit(
        request=request,
        action=AuditAction.LOGIN_FAILED,
        object_type="session",
        subject=user,
        actor=user,
        jobcenter=providers[0].jobcenter,
        detail="local_login_refused",
    )
    names = ", ".join(p.name for p in providers)
    message = _(
        "Ihr Jobcenter lässt die Anmeldung mit Passwort nicht mehr zu. Bitte melden Sie "
        "sich mit dem Konto Ihrer Verwaltung an (%(names)s)."
    ) % {"names": names}
    return render(
        request,
        "identity/login_refused.html",
        {"message": message, "jobcenter": providers[0].jobcenter, "local_login": False},
        status=403,
    )


@login_not_required
@csrf_exempt  # the provider posts from its server, without a browser or cookie
@never_cache
@require_POST
def backchannel_logout(request: HttpRequest, key: str) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, key=key, enabled=True)
    token = str(request.POST.get("logout_token") or "")
    try:
        if not token:
            raise OAuth2Error("no logout_token")  # noqa: TRY301
        sessions.backchannel_logout(provider, token, request=request)
    except (OAuth2Error, RequestException, ValueError) as exc:
        audit(
            request=request,
            action=AuditAction.LOGIN_FAILED,
            object_type="session",
            jobcenter=provider.jobcenter,
            detail=f"backchannel:{provider.key}:{exc}"[:250],
        )
        response = HttpResponse(
            _("Ungültiges Abmelde-Token."), status=400, content_type="text/plain"
        )
    else:
        response = HttpResponse(status=200)
    return response

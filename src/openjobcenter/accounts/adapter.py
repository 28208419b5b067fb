"""allauth glue: mail through the task queue after commit, audit of logins, redirects."""

from __future__ import annotations

import html
from email.utils import formataddr, parseaddr
from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.encoding import force_str

from openjobcenter.accounts import branding, logout_hooks
from openjobcenter.core import metrics
from openjobcenter.core.audit import audit
from openjobcenter.core.mail import send_after_commit
from openjobcenter.core.models import AuditAction


def _login_method(request: HttpRequest) -> str:
    from openjobcenter.core.access import SSO_SESSION_KEY

    sso = request.session.get(SSO_SESSION_KEY)
    if not sso:
        return ""
    factor = "provider" if sso.get("second_factor") else "platform"
    return f"sso:{sso.get('provider')},second_factor={factor}"


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        site = get_current_site(request)
        # The mail speaks for the person's job centre (name in sender, subject and text),
        # never for the platform's host name.
        user = context.get("user")
        jobcenter = (
            branding.jobcenter_of_user(getattr(user, "pk", None))
            or getattr(request, "jobcenter", None)
            or (branding.account_jobcenter(request) if request is not None else None)
        )
        self._sender_name = jobcenter.name if jobcenter is not None else "OpenJobcenter"
        ctx = {
            "request": request,
            "email": email,
            "current_site": SimpleNamespace(name=self._sender_name, domain=site.domain),
            "jobcenter": jobcenter,
        }
        ctx.update(context)
        send_after_commit(self.render_mail(template_prefix, email, ctx))

    def format_email_subject(self, subject: str) -> str:
        name = getattr(self, "_sender_name", "")
        return f"{name}: {force_str(subject)}" if name else force_str(subject)

    def get_from_email(self) -> str:
        name = getattr(self, "_sender_name", "")
        _old_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((name, address)) if name and address else settings.DEFAULT_FROM_EMAIL

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """allauth's message ("Erfolgreich angemeldet als …"), its text rendered without
        the request: allauth renders it with a ``RequestContext``, which runs every context
        processor of the pages (the job centre's look-up for the account pages' brand, the
        languages, the badge) for one line of text, at every login. The message templates
        use only their own context (allauth's and ours: checked by
        ``tests/test_login_page_cpu.py``)."""
        if message or not message_template:
            super().add_message(
                request, level, message_template, message_context, extra_tags, message
            )
            return
        from django.template import TemplateDoesNotExist
        from django.template.loader import render_to_string

        try:
            text = render_to_string(message_template, message_context or {}).strip()
        except TemplateDoesNotExist:
            return
        if text:
            super().add_message(request, level, extra_tags=extra_tags, message=html.unescape(text))

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:after_login")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:after_login")

    def get_login_stages(self) -> list[str]:
        # The platform's second factor is not asked again when the administration's
        # login already counted as one (identity/stages.py).
        stages: list[str] = super().get_login_stages()
        return [
            "openjobcenter.identity.stages.ProviderAwareAuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in stages
        ]

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        signal_kwargs = kwargs.get("signal_kwargs") or {}
        if "sociallogin" not in signal_kwargs and "ojc_sso" not in signal_kwargs:
            # A password, code or passkey login: refused where the person's job centre
            # lets its staff in only through their administration (identity/).
            from openjobcenter.identity.selectors import passwords_refused_for
            from openjobcenter.identity.views import local_login_refused

            refused = passwords_refused_for(user.pk)
            if refused:
                metrics.LOGIN_FAILURES.inc()
                return local_login_refused(request, user, refused)
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        from openjobcenter.identity.services import sso_session_started

        sso_session_started(request, user)
        audit(
            request=request,
            action=AuditAction.LOGIN,
            object_type="session",
            subject=user,
            detail=_login_method(request),
        )

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # Called before the logout: a session from a staff SAML login continues to the
        # IdP's single logout with our signed LogoutRequest (identity/views_saml.py), a
        # session from a BundID login to the BundID's (bundid/views_slo.py).
        from openjobcenter.bundid.views_slo import logout_url
        from openjobcenter.identity.views_saml import logout_location

        return (
            logout_location(request)
            or logout_url(request)
            or str(super().get_logout_redirect_url(request))
        )

    def logout(self, request: HttpRequest) -> None:
        user_id = request.user.pk if request.user.is_authenticated else None
        session_key = request.session.session_key
        if request.user.is_authenticated:
            audit(
                request=request,
                action=AuditAction.LOGOUT,
                object_type="session",
                subject=request.user,
            )
        super().logout(request)
        if user_id is not None:
            logout_hooks.run(user_id=int(user_id), session_key=session_key)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        metrics.LOGIN_FAILURES.inc()
        email = str(credentials.get("email") or credentials.get("username") or "")[:200]
        audit(
            request=request,
            action=AuditAction.LOGIN_FAILED,
            object_type="session",
            detail=f"email={email}",
        )

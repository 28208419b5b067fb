"""SAML Single Logout with the BundID (or the broker), on pysaml2's client.

- **We start it** when a customer whose session came from a BundID login logs out: the
  account's logout sends the browser to ``/<jc>/bundid/abmelden/`` (``logout_url``), which
  ends nothing more here (the platform's session is already over) but sends a signed
  LogoutRequest (HTTP-Redirect) for the NameID kept in the SAML session to the IdP; its
  LogoutResponse comes back to ``/<jc>/bundid/slo/`` and forgets the SAML session.
- **The IdP starts it**: a LogoutRequest to ``/<jc>/bundid/slo/`` (HTTP-Redirect or POST)
  must be signed by the configured IdP (pysaml2 checks the signature against the metadata)
  and come from its entity id; else a 400 page and nothing ends. When it names the NameID
  of this browser's BundID login, the platform's session ends (audited) and the IdP gets a
  signed LogoutResponse; otherwise it answers "unknown principal" and nothing ends.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import saml2
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from djangosaml2.cache import IdentityCache, StateCache
from djangosaml2.views import _get_subject_id
from saml2.client import Saml2Client

from openjobcenter.bundid import policy, saml
from openjobcenter.bundid.models import BundIDSettings
from openjobcenter.bundid.views_saml import _settings, error_page, saml_session, saml_store
from openjobcenter.core import saml as shared_saml
from openjobcenter.core.access import request_jobcenter
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

logger = logging.getLogger(__name__)
SUBJECT_KEY = "_saml2_subject_id"


def _logout_jobcenter(request: HttpRequest) -> tuple[Jobcenter, BundIDSettings] | None:
    """The job centre (and its settings) of this session's BundID login, when it still
    offers the BundID; else None."""
    from openjobcenter.bundid.services import enabled_settings
    from openjobcenter.tenants.models import Jobcenter

    levels = request.session.get(policy.SESSION_KEY) or {}
    for slug in levels:
        jobcenter = Jobcenter.objects.filter(slug=slug).first()
        config = enabled_settings(jobcenter) if jobcenter is not None else None
        if jobcenter is not None and config is not None:
            return jobcenter, config
    return None


def logout_url(request: HttpRequest) -> str | None:
    """Where the account's logout continues: our SP-initiated logout when this session
    came from a BundID login of a job centre that still offers it, else ``None``."""
    found = _logout_jobcenter(request)
    if found is None:
        return None
    return reverse("tenant:bundid_logout", kwargs={"jc": found[0].slug})


def logout_origin(request: HttpRequest) -> str | None:
    """The origin (scheme://host:port) of the BundID's single logout service, where the
    logout form of a session from a BundID login leads (``logout_url``, then
    ``_logout_start``'s redirect): for the logout page's CSP ``form-action``, which
    browsers apply to the redirects after the form's post. None for other sessions or
    an IdP whose metadata names no single logout service (HTTP-Redirect)."""
    found = _logout_jobcenter(request)
    if found is None:
        return None
    jobcenter, config = found
    try:
        client = Saml2Client(saml.sp_config(jobcenter, config))
    except Exception:  # metadata we cannot read: the logout stays on this platform
        logger.info("bundid metadata not readable for the logout page", exc_info=True)
        return None
    return shared_saml.single_logout_origin(client, config.idp_entity_id)


def _client(request: HttpRequest, jobcenter: Jobcenter, config: BundIDSettings) -> Saml2Client:
    store = saml_store(request)
    return Saml2Client(
        saml.sp_config(jobcenter, config),
        state_cache=StateCache(store),
        identity_cache=IdentityCache(store),
    )


def _login_page(jobcenter: Jobcenter) -> str:
    return reverse("account_login") + f"?jobcenter={jobcenter.slug}"


@method_decorator([never_cache, saml_session], name="dispatch")
class LogoutStart(View):
    """GET /<jc>/bundid/abmelden/: after the account's logout, the signed LogoutRequest to
    the IdP (HTTP-Redirect). Without a BundID login in this browser: the login page."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, jc: str) -> HttpResponse:
        return _logout_start(request)


def _logout_start(request: HttpRequest) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    config = _settings(jobcenter)
    store = saml_store(request)
    subject = _get_subject_id(store)
    if request.user.is_authenticated:  # not after a logout: ask on the logout page
        return HttpResponseRedirect(reverse("account_logout"))
    if subject is None:
        return HttpResponseRedirect(_login_page(jobcenter))
    client = _client(request, jobcenter, config)
    try:
        result = client.global_logout(subject)
    except Exception:  # no SLO endpoint at the IdP, unknown subject: a local logout only
        logger.info("bundid single logout not possible at the IdP", exc_info=True)
        store.flush()
        return HttpResponseRedirect(_login_page(jobcenter))
    client.state.sync()
    for info in result.values():
        if isinstance(info, tuple) and info[0] == saml2.BINDING_HTTP_REDIRECT:
            return HttpResponseRedirect(dict(info[1]["headers"])["Location"])
    store.flush()
    return HttpResponseRedirect(_login_page(jobcenter))


@method_decorator([csrf_exempt, never_cache, saml_session], name="dispatch")
class SingleLogout(View):
    """/<jc>/bundid/slo/: the IdP's LogoutResponse to our request, or its LogoutRequest."""

    def get(self, request: HttpRequest, jc: str) -> HttpResponse:
        return self._handle(request, request.GET, saml2.BINDING_HTTP_REDIRECT)

    def post(self, request: HttpRequest, jc: str) -> HttpResponse:
        return self._handle(request, request.POST, saml2.BINDING_HTTP_POST)

    def _refuse(self, request: HttpRequest, jobcenter: Jobcenter, reason: str) -> HttpResponse:
        logger.info("bundid logout refused: %s", reason)
        audit(
            request=request,
            action=AuditAction.LOGIN_FAILED,
            object_type="bundid_identity",
            jobcenter=jobcenter,
            detail=f"logout refused: {reason}",
        )
        return error_page(
            request,
            jobcenter,
            _("Die Abmeldung der BundID konnte nicht geprüft werden. Sie bleiben angemeldet."),
            400,
        )

    def _handle(self, request: HttpRequest, data: QueryDict, binding: str) -> HttpResponse:
        jobcenter = request_jobcenter(request)
        config = _settings(jobcenter)
        client = _client(request, jobcenter, config)
        store = saml_store(request)
        if "SAMLResponse" in data:  # the answer to our LogoutRequest
            try:
                client.parse_logout_request_response(data["SAMLResponse"], binding)
            except Exception:
                logger.info("bundid logout response not valid", exc_info=True)
            store.flush()
            if request.user.is_authenticated:
                auth.logout(request)
            messages.info(request, _("Sie sind abgemeldet, auch bei der BundID."))
            return HttpResponseRedirect(_login_page(jobcenter))
        try:
            message = shared_saml.read_logout_request(
                client, data, binding, issuer=config.idp_entity_id
            )
        except shared_saml.LogoutRefused as refused:
            return self._refuse(request, jobcenter, refused.reason)
        subject = _get_subject_id(store)
        named = message.name_id
        ours = (
            subject is not None
            and named is not None
            and (named.text or "") == (subject.text or "")
            and (named.format or "") == (subject.format or "")
        )
        if ours and request.user.is_authenticated:
            audit(
                request=request,
                action=AuditAction.LOGOUT,
                object_type="bundid_identity",
                jobcenter=jobcenter,
                subject=request.user,
                detail="single logout by the IdP",
            )
            auth.logout(request)
        if ours:
            store.flush()
        else:
            client.state.sync()
        return shared_saml.logout_answer(client, message, data, binding, ended=ours)

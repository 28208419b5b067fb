"""Staff login through a municipality's SAML 2.0 identity provider: start (AuthnRequest,
signed, over HTTP-Redirect), assertion consumer (Response over HTTP-POST) and the
platform's service-provider metadata, under ``/konto/saml/<key>/``.

pysaml2 checks the response (signature with the key in the IdP's metadata, audience,
time, InResponseTo of a request this browser started); on top: the issuer is the one
configured, the assertion is used once. The claims then take the OpenID Connect path
(``services.read_claims`` → ``sso_login_accept``): groups → roles, no role → 403 with
nothing created; the AuthnContextClassRef is compared with the job centre's acr list.
The login itself goes through allauth's login flow (its MFA stage, the audit)."""

from __future__ import annotations

import logging
from typing import Any

import saml2
from allauth.account.internal.flows.login import perform_login
from allauth.account.models import Login
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from saml2.client import Saml2Client
from saml2.metadata import create_metadata_string
from saml2.response import UnsolicitedResponse
from saml2.saml import NameID
from saml2.sigver import MissingKey, SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from openjobcenter.core import saml as shared_saml
from openjobcenter.core.access import SSO_SESSION_KEY
from openjobcenter.identity import saml, selectors, services
from openjobcenter.identity.adapter import refuse
from openjobcenter.identity.models import IdentityProvider, SsoSession

logger = logging.getLogger(__name__)
# In djangosaml2's session (``core.saml.saml_store``): {request id: [provider key, next]}
OUTSTANDING = "ojc_saml_outstanding"
ASSERTION_SEEN_SECONDS = 24 * 3600
EMAIL_ATTRIBUTES = ("mail", "email", "urn:oid:0.9.2342.19200300.100.1.3")
GIVEN_NAME_ATTRIBUTES = ("givenName", "urn:oid:2.5.4.42")
FAMILY_NAME_ATTRIBUTES = ("sn", "surname", "urn:oid:2.5.4.4")


def _provider(key: str) -> IdentityProvider:
    provider = selectors.saml_provider(key)
    if provider is None or not provider.idp_metadata_xml.strip():
        raise Http404
    return provider


def _failed(request: HttpRequest, provider: IdentityProvider, reason: str) -> HttpResponse:
    return refuse(
        request,
        provider,
        reason,
        _(
            "Die Anmeldung über Ihre Verwaltung ist fehlgeschlagen: Die Antwort konnte "
            "nicht bestätigt werden. Bitte versuchen Sie es erneut."
        ),
        status=400,
    )


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@login_not_required
@never_cache
@require_GET
@shared_saml.saml_session
def saml_login(request: HttpRequest, key: str) -> HttpResponse:
    """GET /konto/saml/<key>/login/?next=…: to the IdP with a signed AuthnRequest. The
    address to go on to after the login stays in the session beside the request's id
    (never in the request's query)."""
    provider = _provider(key)
    conf = saml.sp_config(provider)
    if not shared_saml.idp_reachable(conf):
        return refuse(
            request,
            provider,
            "unreachable",
            _(
                "Die Anmeldung über Ihre Verwaltung ist gerade nicht erreichbar. Bitte "
                "versuchen Sie es später erneut."
            ),
            status=503,
        )
    request_id, location = shared_saml.authn_request_location(
        Saml2Client(conf), idp_entity_id=provider.issuer
    )
    store = shared_saml.saml_store(request)
    outstanding = dict(store.get(OUTSTANDING) or {})
    outstanding[request_id] = [provider.key, _safe_next(request, request.GET.get("next"))]
    store[OUTSTANDING] = dict(list(outstanding.items())[-5:])
    return HttpResponseRedirect(location)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, MissingKey):
        return "issuer"
    if isinstance(exc, SignatureError):
        return "signature"
    if isinstance(exc, ResponseLifetimeExceed | ToEarly):
        return "expired"
    if isinstance(exc, UnsolicitedResponse):
        return "unsolicited"
    return f"invalid:{type(exc).__name__}"


def _first(ava: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        values = ava.get(name)
        if values:
            return str(values[0])
    return ""


@login_not_required
@csrf_exempt  # the IdP's form posts across sites; InResponseTo binds it to this browser
@never_cache
@require_POST
@shared_saml.saml_session
def saml_acs(request: HttpRequest, key: str) -> HttpResponse:
    provider = _provider(key)
    store = shared_saml.saml_store(request)
    outstanding = dict(store.get(OUTSTANDING) or {})
    mine = {rid: value[1] for rid, value in outstanding.items() if value[0] == provider.key}
    raw = str(request.POST.get("SAMLResponse") or "")
    if not raw:
        return _failed(request, provider, "no response")
    client = Saml2Client(saml.sp_config(provider))
    try:
        response = client.parse_authn_request_response(raw, saml2.BINDING_HTTP_POST, mine)
    except Exception as exc:  # pysaml2 raises many kinds; each is a refusal
        logger.info("staff SAML login refused: %s", type(exc).__name__)
        return _failed(request, provider, _reason(exc))
    if response is None:
        return _failed(request, provider, "invalid:empty")
    if response.issuer() != provider.issuer:
        return _failed(request, provider, "issuer")
    next_url = outstanding.pop(str(response.in_response_to), [provider.key, ""])[1]
    store[OUTSTANDING] = outstanding
    assertion_id = str(response.assertion.id or "")
    if not assertion_id or not cache.add(
        f"ojc:saml-assertion:{provider.key}:{assertion_id}", 1, ASSERTION_SEEN_SECONDS
    ):
        return _failed(request, provider, "replay")
    ava: dict[str, Any] = response.ava or {}
    statements = response.assertion.authn_statement or []
    class_ref = ""
    session_index = ""
    if statements:
        context = getattr(statements[0], "authn_context", None)
        ref = getattr(context, "authn_context_class_ref", None)
        class_ref = str(getattr(ref, "text", "") or "")
        session_index = str(getattr(statements[0], "session_index", "") or "")
    data = {
        "sub": str(getattr(response.name_id, "text", "") or ""),
        "email": _first(ava, EMAIL_ATTRIBUTES),
        "given_name": _first(ava, GIVEN_NAME_ATTRIBUTES),
        "family_name": _first(ava, FAMILY_NAME_ATTRIBUTES),
        provider.groups_claim: list(ava.get(provider.groups_claim) or []),
        "acr": class_ref,
        "sid": session_index,
    }
    # For single logout: the NameID (with its qualifiers) the IdP names in its
    # LogoutRequest and that ours must name.
    name_id = shared_saml.encode_name_id(response.name_id)
    try:
        claims = services.read_claims(provider, data)
        user, identity = services.sso_login_accept(
            request=request, provider=provider, claims=claims, linked_user=None
        )
    except services.SsoRefused as refused:
        return refuse(request, provider, refused.reason, refused.message)
    request.__dict__[services.IDENTITY_OF_REQUEST] = identity
    request.session[services.PENDING_KEY] = {
        "user": user.pk,
        "identity": identity.pk,
        "provider": provider.key,
        "sid": claims.sid,
        "second_factor": claims.second_factor,
        # SAML has no tokens: the role lifetime ends the session (sessions.py).
        "access_token": "",
        "refresh_token": "",
        "saml_name_id": name_id,
    }
    login = Login(user=user, redirect_url=next_url or None, signal_kwargs={"ojc_sso": provider.key})
    result: HttpResponse = perform_login(request, login)
    return result


@login_not_required
@require_GET
def saml_metadata(request: HttpRequest, key: str) -> HttpResponse:
    """The platform's service-provider metadata for this provider (entity id, ACS,
    signing certificate), for the municipality's IdP."""
    provider = selectors.saml_provider(key)
    if provider is None:
        raise Http404
    conf = saml.sp_config(provider, with_idp=False)
    xml = create_metadata_string(None, config=conf, valid=24 * 365)
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


# --- Single logout ---------------------------------------------------------------------


def _logout_subject(
    request: HttpRequest,
) -> tuple[IdentityProvider, NameID, dict[str, Any]] | None:
    """The provider and NameID of this session's SAML login, or None."""
    sso = request.session.get(SSO_SESSION_KEY) if request.user.is_authenticated else None
    if not sso or not sso.get("saml_name_id"):
        return None
    provider = selectors.saml_provider(str(sso.get("provider") or ""))
    name_id = shared_saml.decode_name_id(str(sso["saml_name_id"]))
    if provider is None or name_id is None or not provider.idp_metadata_xml.strip():
        return None
    return provider, name_id, sso


def logout_location(request: HttpRequest) -> str | None:
    """Where the account's logout of a session from a SAML login continues (asked before
    the session ends): the IdP's single logout service with our signed LogoutRequest for
    the person's NameID. None for other sessions, or an IdP whose metadata names no
    single logout service (HTTP-Redirect): then the logout is the platform's only."""
    subject = _logout_subject(request)
    if subject is None:
        return None
    provider, name_id, sso = subject
    try:
        client = Saml2Client(saml.sp_config(provider))
        return shared_saml.logout_request_location(
            client,
            idp_entity_id=provider.issuer,
            name_id=name_id,
            session_index=str(sso.get("sid") or ""),
        )
    except Exception:  # a metadata the IdP changed under us: log out here all the same
        logger.warning("staff SAML logout request not made", exc_info=True)
        return None


def logout_origin(request: HttpRequest) -> str | None:
    """The origin (scheme://host:port) of the IdP's single logout service that the
    logout form of this session leads to, for the logout page's CSP ``form-action``
    (browsers apply it to the redirect after the form's post); None as above."""
    subject = _logout_subject(request)
    if subject is None:
        return None
    provider = subject[0]
    try:
        client = Saml2Client(saml.sp_config(provider))
    except Exception:  # metadata we cannot read: the logout stays on this platform
        return None
    return shared_saml.single_logout_origin(client, provider.issuer)


def _slo_refused(request: HttpRequest, provider: IdentityProvider, reason: str) -> HttpResponse:
    return refuse(
        request,
        provider,
        f"slo:{reason}",
        _(
            "Die Abmeldung durch Ihre Verwaltung konnte nicht geprüft werden. Es wurde "
            "niemand abgemeldet."
        ),
        status=400,
        heading=_("Abmeldung nicht möglich"),
    )


@login_not_required
@csrf_exempt  # the IdP sends the browser (Redirect) or its form (POST) across sites
@never_cache
@require_http_methods(["GET", "POST"])
def saml_slo(request: HttpRequest, key: str) -> HttpResponse:
    """/konto/saml/<key>/slo/: the IdP's LogoutResponse to our LogoutRequest, or the
    IdP's own LogoutRequest. That must be signed with the key in the configured metadata
    and issued by the configured entity id (else 400, nothing ends); it ends every
    session of the person it names at this provider, in every browser, with their open
    sockets (``services.end_sessions``), and is answered with a signed LogoutResponse."""
    provider = _provider(key)
    data: QueryDict = request.GET if request.method == "GET" else request.POST
    binding = saml2.BINDING_HTTP_REDIRECT if request.method == "GET" else saml2.BINDING_HTTP_POST
    client = Saml2Client(saml.sp_config(provider))
    login_page = reverse("account_login") + f"?jobcenter={provider.jobcenter.slug}"
    if "SAMLResponse" in data:  # the answer to the LogoutRequest of our logout
        try:
            answer = client.parse_logout_request_response(str(data["SAMLResponse"]), binding)
            done = answer is not None and answer.status_ok()
        except Exception:
            logger.info("staff SAML logout response not valid", exc_info=True)
            done = False
        if not request.user.is_authenticated:
            messages.info(
                request,
                _("Sie sind abgemeldet, auch bei Ihrer Verwaltung.")
                if done
                else _("Sie sind abgemeldet."),
            )
        return HttpResponseRedirect(login_page)
    try:
        message = shared_saml.read_logout_request(client, data, binding, issuer=provider.issuer)
    except shared_saml.LogoutRefused as refused:
        logger.info("staff SAML logout refused: %s", refused.reason)
        return _slo_refused(request, provider, refused.reason)
    if not cache.add(
        f"ojc:saml-logout-request:{provider.key}:{message.id}", 1, ASSERTION_SEEN_SECONDS
    ):
        return _slo_refused(request, provider, "replay")
    sessions = list(
        SsoSession.objects.filter(
            identity__provider=provider, identity__subject=str(message.name_id.text).strip()
        ).select_related("identity__user", "identity__provider__jobcenter")
    )
    keys = {s.session_key for s in sessions}
    services.end_sessions(sessions, request=request, reason="saml-slo")
    if request.session.session_key in keys:
        # This browser's session is gone from the store: forget it here as well, so
        # that nothing of it is written back at the end of this request.
        auth.logout(request)
    return shared_saml.logout_answer(client, message, data, binding, ended=bool(sessions))

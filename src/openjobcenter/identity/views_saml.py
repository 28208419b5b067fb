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
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from saml2.client import Saml2Client
from saml2.metadata import create_metadata_string
from saml2.response import UnsolicitedResponse
from saml2.sigver import MissingKey, SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from openjobcenter.bundid.views_saml import _idp_reachable as idp_reachable
from openjobcenter.identity import saml, selectors, services
from openjobcenter.identity.adapter import refuse
from openjobcenter.identity.models import IdentityProvider

logger = logging.getLogger(__name__)
OUTSTANDING = "ojc_saml_outstanding"  # in the session: {request id: [provider key, next]}
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
def saml_login(request: HttpRequest, key: str) -> HttpResponse:
    """GET /konto/saml/<key>/login/?next=…: to the IdP with a signed AuthnRequest. The
    address to go on to after the login stays in the session beside the request's id
    (never in the request's query)."""
    provider = _provider(key)
    conf = saml.sp_config(provider)
    if not idp_reachable(conf):
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
    client = Saml2Client(conf)
    request_id, info = client.prepare_for_authenticate(
        entityid=provider.issuer,
        binding=saml2.BINDING_HTTP_REDIRECT,
        sign=True,
        sigalg=saml2.xmldsig.SIG_RSA_SHA256,
    )
    outstanding = dict(request.session.get(OUTSTANDING) or {})
    outstanding[request_id] = [provider.key, _safe_next(request, request.GET.get("next"))]
    request.session[OUTSTANDING] = dict(list(outstanding.items())[-5:])
    location = dict(info["headers"])["Location"]
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
@csrf_exempt  # the IdP's form posts across sites; InResponseTo binds it to this session
@never_cache
@require_POST
def saml_acs(request: HttpRequest, key: str) -> HttpResponse:
    provider = _provider(key)
    outstanding = dict(request.session.get(OUTSTANDING) or {})
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
    request.session[OUTSTANDING] = outstanding
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

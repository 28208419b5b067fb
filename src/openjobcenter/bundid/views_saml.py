"""The SAML endpoints of a job centre's BundID login, on djangosaml2's views: start
(AuthnRequest over HTTP-Redirect), assertion consumer (Response over HTTP-POST) and our
service provider's metadata. What pysaml2 refuses, and what we refuse on top (issuer,
replayed assertion, missing attributes, a lower level than asked for), ends on one
German page with a 4xx and nothing stored but the audit entry."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NoReturn

from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from djangosaml2.cache import OutstandingQueriesCache
from djangosaml2.views import AssertionConsumerServiceView, _set_subject_id
from saml2.client import Saml2Client
from saml2.metadata import create_metadata_string
from saml2.response import (
    StatusAuthnFailed,
    StatusNoAuthnContext,
    StatusRequestDenied,
    UnsolicitedResponse,
)
from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import MissingKey, SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from openjobcenter.bundid import attributes, policy, saml, services
from openjobcenter.bundid.levels import Level, from_class_ref, parse
from openjobcenter.bundid.models import BundIDSettings
from openjobcenter.core import saml as shared_saml
from openjobcenter.core.access import request_jobcenter

if TYPE_CHECKING:
    from djangosaml2.views import SPConfig

    from openjobcenter.tenants.models import Jobcenter

logger = logging.getLogger(__name__)
PENDING = "bundid_pending"
REQUESTED = "bundid_requested"  # in the SAML session: {request id: level asked for}

saml_session = shared_saml.saml_session
saml_store = shared_saml.saml_store


class Refused(PermissionDenied):
    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason, self.message, self.status = reason, message, status


def _settings(jobcenter: Jobcenter) -> BundIDSettings:
    config = BundIDSettings.objects.filter(jobcenter=jobcenter, enabled=True).first()
    if config is None or not config.idp_metadata_xml.strip():
        raise Http404
    return config


def error_page(
    request: HttpRequest,
    jobcenter: Jobcenter,
    message: str,
    status: int,
    *,
    level: Level | None = None,
) -> HttpResponse:
    return render(
        request,
        "bundid/error.html",
        {
            "jobcenter": jobcenter,
            "message": message,
            "retry_url": reverse("tenant:bundid_login", kwargs={"jc": jobcenter.slug})
            + (f"?niveau={int(level)}" if level else ""),
            "login_url": reverse("account_login") + f"?jobcenter={jobcenter.slug}",
        },
        status=status,
    )


def safe_next(request: HttpRequest, jobcenter: Jobcenter, value: str | None) -> str:
    """A local address of this job centre, else the customer's home."""
    home = reverse("customer:home", kwargs={"jc": jobcenter.slug})
    if (
        value
        and value.startswith(f"/{jobcenter.slug}/")
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return home


@method_decorator([never_cache, saml_session], name="dispatch")
class Login(View):
    """GET /<jc>/bundid/anmelden/?niveau=3&next=/<jc>/...: the AuthnRequest, signed, over
    HTTP-Redirect, asking for at least the level given (default: basisregistriert). The
    address to go on to (a local one of this job centre, else the customer's home) waits
    beside the request's id in djangosaml2's outstanding queries, where its assertion
    consumer reads it; the request's own query is left as it came."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, jc: str) -> HttpResponse:
        jobcenter = request_jobcenter(request)
        config = _settings(jobcenter)
        level = parse(request.GET.get("niveau")) or Level.BASIC
        conf = saml.sp_config(jobcenter, config)
        if not shared_saml.idp_reachable(conf):
            services.login_failed(request=request, jobcenter=jobcenter, reason="idp unreachable")
            return error_page(
                request,
                jobcenter,
                _(
                    "Die BundID ist gerade nicht erreichbar. Bitte versuchen Sie es später noch "
                    "einmal oder melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an."
                ),
                503,
            )
        next_path = safe_next(request, jobcenter, request.GET.get("next"))
        request_id, location = shared_saml.authn_request_location(
            Saml2Client(conf),
            idp_entity_id=config.idp_entity_id,
            relay_state=next_path,
            requested_authn_context=RequestedAuthnContext(
                authn_context_class_ref=[AuthnContextClassRef(text=level.class_ref)],
                comparison="minimum",
            ),
        )
        store = saml_store(request)
        OutstandingQueriesCache(store).set(request_id, next_path)
        asked = dict(store.get(REQUESTED) or {})
        asked[request_id] = int(level)
        store[REQUESTED] = asked
        return HttpResponseRedirect(location)


def _message(exc: BaseException | None) -> tuple[str, str, int]:
    if isinstance(exc, Refused):
        return exc.reason, exc.message, exc.status
    if isinstance(exc, MissingKey):  # no certificate for the issuer: not our IdP
        return "issuer", _("Die Antwort kommt nicht von der eingerichteten BundID."), 400
    if isinstance(exc, SignatureError):
        return "signature", _("Die Antwort der BundID ist nicht gültig signiert."), 400
    if isinstance(exc, ResponseLifetimeExceed | ToEarly):
        return (
            "expired",
            _("Die Anmeldung ist abgelaufen. Bitte melden Sie sich noch einmal an."),
            400,
        )
    if isinstance(exc, UnsolicitedResponse):
        return (
            "unsolicited",
            _(
                "Diese Anmeldung wurde nicht hier begonnen oder schon verwendet. Bitte melden "
                "Sie sich noch einmal an."
            ),
            400,
        )
    if isinstance(exc, StatusAuthnFailed | StatusRequestDenied):
        return "cancelled", _("Die Anmeldung bei der BundID wurde abgebrochen."), 400
    if isinstance(exc, StatusNoAuthnContext):
        return (
            "no level",
            _("Die BundID konnte das verlangte Vertrauensniveau nicht bestätigen."),
            403,
        )
    return "invalid", _("Die Antwort der BundID konnte nicht geprüft werden."), 400


@method_decorator([never_cache, saml_session], name="dispatch")
class AssertionConsumer(AssertionConsumerServiceView):  # type: ignore[misc]
    """POST /<jc>/bundid/acs/: pysaml2 checks the response (signature, issuer in the
    metadata, audience, time, InResponseTo of a request this browser started); then the
    assertion id is used once, the level is the one asked for or higher, the attributes
    are there. A linked BundID logs its customer in; an unknown one goes to the
    confirmation page (nothing is created before the customer confirms)."""

    _refused: Refused | None = None
    _refused_level: Level | None = None
    level: Level
    jobcenter: Jobcenter
    config: BundIDSettings

    def get_sp_config(self, request: HttpRequest) -> SPConfig:
        self.jobcenter = request_jobcenter(request)
        self.config = _settings(self.jobcenter)
        return saml.sp_config(self.jobcenter, self.config)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        jobcenter = request_jobcenter(request)
        _settings(jobcenter)
        if "SAMLResponse" not in request.POST:
            return error_page(request, jobcenter, _("Die Antwort der BundID fehlt."), 400)
        response: HttpResponse = super().post(request)
        return response

    def custom_validation(self, response: Any) -> None:
        issuer = response.issuer()
        if issuer != self.config.idp_entity_id:
            self._refuse("issuer", _("Die Antwort kommt nicht von der eingerichteten BundID."))
        store = saml_store(self.request)
        asked = dict(store.get(REQUESTED) or {})
        wanted = parse(asked.pop(response.in_response_to, None)) or Level.BASIC
        store[REQUESTED] = asked
        refs = [
            str(getattr(getattr(s.authn_context, "authn_context_class_ref", None), "text", ""))
            for s in response.assertion.authn_statement
        ]
        level = from_class_ref(refs[0] if refs else "")
        if level is None:
            self._refuse(
                "unknown level", _("Die BundID hat kein bekanntes Vertrauensniveau genannt.")
            )
        if level < wanted:
            self._refuse(
                "level downgrade",
                _(
                    "Sie haben sich mit dem Vertrauensniveau „%(have)s“ angemeldet. Verlangt "
                    "ist mindestens „%(need)s“."
                )
                % {"have": level.label, "need": wanted.label},
                403,
                level=wanted,
            )
        if not services.assertion_first_use(
            jobcenter=self.jobcenter, assertion_id=str(response.assertion.id or "")
        ):
            self._refuse(
                "replay",
                _("Diese Anmeldung wurde schon verwendet. Bitte melden Sie sich noch einmal an."),
            )
        self.level = level

    def _refuse(
        self, reason: str, message: str, status: int = 400, *, level: Level | None = None
    ) -> NoReturn:
        self._refused = Refused(reason, message, status)
        self._refused_level = level
        raise self._refused

    def handle_acs_failure(
        self,
        request: HttpRequest,
        exception: BaseException | None = None,
        status: int = 403,
        **kwargs: Any,
    ) -> HttpResponse:
        exc = self._refused or exception
        if isinstance(exception, Refused):
            exc = exception
        reason, message, code = _message(exc)
        logger.info("bundid login refused: %s", reason)
        services.login_failed(request=request, jobcenter=self.jobcenter, reason=reason)
        return error_page(
            request, self.jobcenter, message, code, level=getattr(self, "_refused_level", None)
        )

    def authenticate_user(
        self,
        request: HttpRequest,
        session_info: dict[str, Any],
        attribute_mapping: Any,
        create_unknown_user: Any,
        assertion_info: Any,
    ) -> Any:
        try:
            verified = attributes.read(session_info)
        except attributes.MissingAttributesError as exc:
            raise Refused(
                "missing attributes " + ",".join(exc.missing),
                _(
                    "Die BundID hat nicht alle nötigen Angaben übermittelt (Name und "
                    "Kennung). Bitte erlauben Sie bei der BundID die Weitergabe und melden "
                    "Sie sich noch einmal an."
                ),
            ) from exc
        # For single logout: the NameID the IdP will name in its LogoutRequest.
        _set_subject_id(saml_store(request), session_info["name_id"])
        identity = services.find_identity(self.jobcenter, verified)
        if identity is not None and identity.user.is_active:
            services.identity_login(
                request=request, identity=identity, verified=verified, level=self.level
            )
            auth.login(request, identity.user, backend="django.contrib.auth.backends.ModelBackend")
            policy.remember_level(request, self.jobcenter, self.level)
            return identity.user
        if identity is not None:
            raise Refused("inactive", _("Dieses Konto ist gesperrt."), 403)
        # Unknown BundID: keep what it confirmed for the confirmation page.
        request.session[PENDING] = {
            "jc": self.jobcenter.slug,
            "subject": verified.subject,
            "values": verified.values,
            "level": int(self.level),
            "at": timezone.now().timestamp(),
            "next": str(session_info.get("came_from") or ""),
        }
        return None

    def custom_redirect(self, user: Any, relay_state: str, session_info: Any) -> str:
        if user is None:
            return reverse("tenant:bundid_confirm", kwargs={"jc": self.jobcenter.slug})
        return safe_next(self.request, self.jobcenter, str(session_info.get("came_from") or ""))


@require_GET
def metadata(request: HttpRequest, jc: str) -> HttpResponse:
    """Our service provider's SAML metadata, for the BundID or the broker."""
    jobcenter = request_jobcenter(request)
    config = services.settings_for(jobcenter)
    conf = saml.sp_config(jobcenter, config, with_idp=False)
    xml = create_metadata_string(None, config=conf, valid=24 * 365)
    return HttpResponse(xml, content_type="application/samlmetadata+xml")

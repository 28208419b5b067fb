"""The ownership matrix: who may use every URL pattern and every API operation
(DESIGN §7 need-to-know; run by ``tests/test_ownership_matrix.py``).

Every URL pattern django resolves (keyed by its full route string, as
``<slug:jc>/staff/kunden/<int:pk>/``) and every OpenAPI operation (``"GET /api/v1/me"``)
needs an entry here, or the generated tests fail. An entry says which HTTP methods the
route serves and, per method, what each persona gets:

* personas: ``anonymous``; ``owner`` (a customer of job centre A who owns every object
  the URL names); ``other_customer`` (a second customer of A); ``customer_b`` (a customer
  of job centre B); ``staff_b`` (B's admin); and A's staff by role: ``reception``,
  ``caseworker``, ``job_advisor``, ``team_lead``, ``admin``.
* outcomes: ``ok`` (served: 2xx, a redirect elsewhere than a login, or a 4xx about the
  input), ``login`` (to /konto/login/), ``mfa`` (asked for the second factor / to
  re-authenticate), ``admin_login``, ``401``, ``403``, ``404``, ``405``; ``-`` = not asked.
  A refused write (anything but ``ok`` on a non-GET method) is checked to change nothing.

Deeper per-module checks stay next to their module and are not repeated here: drafts
invisible to staff and the module switched off (``tests/applications/test_*_ownership.py``),
booking another customer's slot (``tests/appointments/test_*_ownership.py``), another
customer's request item (``tests/documents/test_ownership.py``).

Profiles below say the common cases; ``over`` records the exceptions. Path arguments are
filled from the world's objects (``tests/ownership_world.py``): by name (``DEFAULT_ARGS``)
and, for ``pk``, by the entry's ``pk``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

CUSTOMERS = ("owner", "other_customer", "customer_b")
ROLES = ("reception", "caseworker", "job_advisor", "team_lead", "admin")
# Issue 25: someone with their own account (no customer of either job centre) who acts
# for the owner under a mandate with the scopes "read" and "documents" (see the end).
REPRESENTATIVE = "representative"
PERSONAS = ("anonymous", *CUSTOMERS, REPRESENTATIVE, "staff_b", *ROLES)
ALL_STAFF = ROLES
TEAM_LEADS = ("team_lead", "admin")
ADMIN = ("admin",)
Access = dict[str, str]


# Where every persona gets the same (public pages, one's own account, the operator's
# admin), these stand for all: a stranger, a customer and staff of both job centres.
SAMPLE = ("anonymous", "owner", "staff_b", "admin")


def everyone(outcome: str = "ok") -> Access:
    return dict.fromkeys(PERSONAS, outcome)


def sample(access: Access) -> Access:
    return {p: (o if p in SAMPLE else "-") for p, o in access.items()}


def public() -> Access:
    return sample(everyone("ok"))


def signed_in() -> Access:
    """Anyone logged in, for their own account (allauth's pages, API tokens)."""
    return sample({**everyone("ok"), "anonymous": "login"})


def mine() -> Access:
    """A customer's own list or form: every customer of A, nobody else."""
    return {
        **everyone("404"),
        "anonymous": "login",
        "owner": "ok",
        "other_customer": "ok",
    }


def owners() -> Access:
    """One of the owner's objects: only the owner; everyone else 404."""
    return {**everyone("404"), "anonymous": "login", "owner": "ok"}


def staff(allowed: Iterable[str] = ALL_STAFF, refused: str = "403") -> Access:
    """A staff page of job centre A: the allowed roles; other roles ``refused``;
    customers and B's staff 404; strangers to the login."""
    allowed = tuple(allowed)
    return {
        "anonymous": "login",
        **dict.fromkeys(CUSTOMERS, "404"),
        REPRESENTATIVE: "404",
        "staff_b": "404",
        **{r: ("ok" if r in allowed else refused) for r in ROLES},
    }


def api_public() -> Access:
    return sample(everyone("ok"))


def api_signed_in() -> Access:
    return {**everyone("ok"), "anonymous": "401"}


def api_mine() -> Access:
    """A customer's own collection under /{jc}/: A's customers; staff and B's people 404."""
    return {**everyone("404"), "anonymous": "401", "owner": "ok", "other_customer": "ok"}


def api_owners() -> Access:
    return {**everyone("404"), "anonymous": "401", "owner": "ok"}


def api_staff(allowed: Iterable[str] = ALL_STAFF, refused: str = "403") -> Access:
    """A staff operation: customers get 404 like on staff pages (issue 18: not 401, which
    told them the operation exists and only a login is missing)."""
    allowed = tuple(allowed)
    return {
        "anonymous": "401",
        **dict.fromkeys(CUSTOMERS, "404"),
        REPRESENTATIVE: "404",
        "staff_b": "404",
        **{r: ("ok" if r in allowed else refused) for r in ROLES},
    }


def operator() -> Access:
    """The operator's /admin/: no persona is an operator; all are sent to its login."""
    return sample(everyone("admin_login"))


@dataclass(frozen=True)
class Entry:
    get: Access | None = None  # None: the route does not serve GET (405 for all)
    post: Access | None = None
    pk: str | None = None  # which object of the world ``<pk>`` names
    path: str | None = None  # a concrete URL (format string over the world's ids)
    body: Mapping[str, Any] | None = None  # form / JSON body for writes (format strings)
    method: str | None = None  # API: the operation's method (GET/POST/PUT/PATCH/DELETE)
    # Personas whose write is answered ``ok`` but must not change anything (acting on an
    # object that is not theirs answers like "nothing to do"): checked like a refusal.
    inert: tuple[str, ...] = ()
    note: str = ""
    args: Mapping[str, str] = field(default_factory=dict)

    def methods(self) -> dict[str, Access]:
        out: dict[str, Access] = {}
        if self.get is not None:
            out["get"] = self.get
        if self.post is not None:
            out[(self.method or "post").lower()] = self.post
        return out


def over(access: Access, **cells: str) -> Access:
    """``access`` with some personas' outcomes changed (today's exceptions)."""
    return {**access, **cells}


def both(access: Access, **kw: Any) -> Entry:
    """A route that serves GET and POST alike."""
    return Entry(get=access, post=access, **kw)


def page(access: Access, **kw: Any) -> Entry:
    """A page that serves GET only."""
    return Entry(get=access, **kw)


def action(access: Access, **kw: Any) -> Entry:
    """A POST-only action."""
    return Entry(post=access, **kw)


# --- URL patterns ------------------------------------------------------------------------

T = "<slug:jc>/"
C = "<slug:jc>/mein-bereich/"
S = "<slug:jc>/staff/"
PROCESSING = ("caseworker", "team_lead", "admin")  # benefit data (§ 35 SGB I)
CUSTOMER_DATA = ("reception", "caseworker", "team_lead", "admin")  # master data, no job advisors
APPOINTMENT_STAFF = ("caseworker", "job_advisor", "team_lead", "admin")
RECEPTION = ("reception", "team_lead", "admin")
POSTBOX = ("caseworker", "team_lead")  # notices: deposit and post (Perm.POSTBOX_DEPOSIT)
# Need-to-know (core.need_to_know, issue 18): the world's document is a payslip (financial
# documents) and its conversation is in the topic "Bürgergeld und Leistungen" (benefit
# chat). Job advisors and reception may know that these exist, not read them: 403.
FINANCIAL_DOC = over(staff(APPOINTMENT_STAFF), job_advisor="403")
BENEFIT_CHAT = over(staff(), job_advisor="403", reception="403")
BENEFIT_CHAT_API = over(api_staff(), job_advisor="403", reception="403")

ROUTES: dict[str, Entry] = {
    # Platform: landing, health, API documents, language, PWA files.
    "": page(public()),
    "healthz": both(public()),
    "readyz": both(public()),
    # Only the monitoring network or its bearer token (core/views_metrics.py); no persona
    # is either: 404 as if the route did not exist (tests/test_metrics.py allows them).
    "metrics": both(sample(everyone("404"))),
    "api/v1/openapi.json": both(public()),
    "api/v1/docs": both(public()),
    "api/v1/": both(everyone("404"), note="ninja's root: no page"),
    "sprache/": action(public()),
    "sprachen/": page(public()),
    "sprachen/<str:code>/": page(public(), path="/sprachen/ti/"),
    "sw.js": page(public()),
    "manifest.webmanifest": page(public()),
    # Apple's PassKit web service (issue 21): authenticated by the pass's own token, which
    # no persona sends: 401; the device's list of changed passes names none: 204 (ok).
    "passkit/v1/devices/<str:device>/registrations/<str:pass_type>/<str:serial>": Entry(
        post=sample(everyone("401")),
        path="/passkit/v1/devices/dev/registrations/pass.x/00000000-0000-0000-0000-000000000000",
        body={"pushToken": "abc"},
    ),
    "passkit/v1/devices/<str:device>/registrations/<str:pass_type>": page(
        public(), path="/passkit/v1/devices/dev/registrations/pass.x"
    ),
    "passkit/v1/passes/<str:pass_type>/<str:serial>": page(
        sample(everyone("401")),
        path="/passkit/v1/passes/pass.x/00000000-0000-0000-0000-000000000000",
    ),
    "passkit/v1/log": action(public(), body={"logs": []}),
    # The account (allauth and ours): each person's own; nothing of anyone else's.
    "konto/weiter/": both(signed_in()),
    "konto/api-schluessel/": both(signed_in()),
    "konto/signup/": both(public()),
    "konto/login/": both(public()),
    "konto/logout/": both(public()),
    "konto/inactive/": page(public()),
    "konto/reauthenticate/": both(signed_in()),
    "konto/email/": both(signed_in()),
    "konto/confirm-email/": page(public()),
    "konto/password/change/": both(signed_in()),
    "konto/password/set/": both(signed_in()),
    "konto/password/reset/": both(public()),
    "konto/login/code/confirm/": both(signed_in()),
    r"konto/^confirm-email/(?P<key>[-:\w]+)/$": both(
        public(), path="/konto/confirm-email/unbekannt/", note="an unknown key: the error page"
    ),
    "konto/password/reset/key/done/": page(public()),
    r"konto/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": both(
        public(), path="/konto/password/reset/key/1-unbekannt/"
    ),
    "konto/password/reset/done/": page(public()),
    "konto/2fa/": page(signed_in()),
    "konto/2fa/authenticate/": both(signed_in()),
    "konto/2fa/reauthenticate/": both(
        over(signed_in(), owner="mfa"),
        note="customers without a second factor are sent to set one up",
    ),
    "konto/2fa/totp/activate/": both(signed_in()),
    "konto/2fa/totp/deactivate/": both(
        sample(over(signed_in(), owner="404")), note="customers have no TOTP to deactivate"
    ),
    "konto/2fa/recovery-codes/": page(sample(over(everyone("404"), anonymous="login"))),
    "konto/2fa/recovery-codes/generate/": both(signed_in()),
    "konto/2fa/recovery-codes/download/": both(sample(over(everyone("404"), anonymous="login"))),
    "konto/2fa/webauthn/": page(signed_in()),
    # The owner's security key in the world is a stub that allauth cannot parse: the pages
    # that read all of a person's keys are not asked for the owner.
    "konto/2fa/webauthn/add/": page(over(signed_in(), owner="-")),
    "konto/2fa/webauthn/reauthenticate/": both(
        over(signed_in(), owner="-", staff_b="mfa", admin="mfa"),
        note="staff without a key are sent to their other second factor",
    ),
    # Someone else's security key: 404 (allauth filters the keys by the requesting user).
    "konto/2fa/webauthn/keys/<int:pk>/remove/": both(owners(), pk="webauthn"),
    "konto/2fa/webauthn/keys/<int:pk>/edit/": both(owners(), pk="webauthn"),
    "konto/2fa/webauthn/login/": both(signed_in()),
    # Staff single sign-on (identity/, issue 24): allauth's OpenID Connect login and
    # callback for a provider that does not exist answer 404 to all; the real logins
    # through a provider run in tests/identity/ (a provider in a second process).
    "konto/oidc/<slug:provider_id>/login/": both(
        sample(everyone("404")), path="/konto/oidc/unbekannt/login/"
    ),
    "konto/oidc/<slug:provider_id>/login/callback/": both(
        sample(everyone("404")), path="/konto/oidc/unbekannt/login/callback/"
    ),
    # allauth's social-account pages (identity/ turns its sign-up off: accounts come only
    # from a provider's groups): the error pages, the linked providers of one's own
    # account, and the legacy /social/ addresses that redirect to /3rdparty/.
    "konto/3rdparty/login/cancelled/": page(public()),
    "konto/3rdparty/login/error/": page(
        sample(everyone("401")), note="allauth's error page answers 401"
    ),
    "konto/3rdparty/signup/": both(sample(everyone("login")), note="no pending login: to it"),
    "konto/3rdparty/": both(signed_in()),
    "konto/social/login/cancelled/": both(public()),
    "konto/social/login/error/": both(public()),
    "konto/social/signup/": both(public()),
    "konto/social/connections/": both(public()),
    # The provider's back-channel logout: no session, no CSRF; without a logout token
    # everyone gets 400 (about the input) and nothing ends.
    "konto/sso/<slug:key>/abmelden/": action(public(), args={"key": "idp_key"}),
    # Staff SAML 2.0 login (identity/views_saml.py): start, assertion consumer and the
    # platform's metadata for a provider key that does not exist answer 404 to all; the
    # real logins through a pysaml2 IdP run in tests/identity/test_sso_saml.py.
    "konto/saml/<slug:key>/login/": page(
        sample(everyone("404")), path="/konto/saml/unbekannt/login/"
    ),
    "konto/saml/<slug:key>/acs/": action(
        sample(everyone("404")), path="/konto/saml/unbekannt/acs/"
    ),
    "konto/saml/<slug:key>/metadata/": page(
        sample(everyone("404")), path="/konto/saml/unbekannt/metadata/"
    ),
    # Single logout (the IdP's LogoutRequest or LogoutResponse, GET and POST): 404 for an
    # unknown key; the signed requests run in tests/identity/test_sso_saml_logout.py.
    "konto/saml/<slug:key>/slo/": both(sample(everyone("404")), path="/konto/saml/unbekannt/slo/"),
    # A job centre's public pages.
    T: page(public()),
    T + "theme.css": page(public()),
    T + "logo": page(everyone("404"), note="job centre A has no logo uploaded"),
    T + "vorabcheck/": both(public()),
    T + "kalender/<str:token>.ics": page(
        public(), note="the token is the credential (a private calendar-feed URL)"
    ),
    T + "antrag/aus-vorabcheck/": action(public()),
    # The waiting-room display (issue 21): its link's token is the credential; another job
    # centre's slug with it is 404 (checked by the cross-tenant pass: the token names A's).
    T + "wartebereich/<str:token>/": page(public(), args={"token": "display_token"}),
    T + "wartebereich/<str:token>/aufrufe/": page(public(), args={"token": "display_token"}),
    T + "impressum/": page(public()),
    T + "leichte-sprache/": page(public()),
    T + "datenschutz/": page(public()),
    T + "barrierefreiheit/": page(public()),
    # "War diese Seite verständlich?" (issue 22 §3): anyone on a customer page, no login.
    T + "rueckmeldung/": action(
        public(), body={"page": "tenant:home", "answer": "yes", "next": "/fulda/"}
    ),
    # The customer's area: their own lists; their own objects.
    C: page(mine()),
    C + "stand/": page(mine()),
    C + "gesehen/antrag/<int:pk>/<int:upto>/": action(
        owners(), pk="application", args={"upto": "question_id"}
    ),
    C + "profil/": both(mine()),
    # Re-authentication: the world's owner has a second factor and is asked for it; the
    # other customer (password only) gets the form, 400 without a body: nothing deleted.
    C + "profil/konto-loeschen/": both(over(mine(), owner="mfa")),
    C + "termine/": page(mine()),
    C + "termine/buchen/": page(mine()),
    C + "termine/buchen/<int:type_id>/": both(mine()),
    C + "termine/kalender/": both(mine()),
    C + "termine/<int:pk>/": page(owners(), pk="appointment"),
    C + "termine/<int:pk>/bestaetigen/": action(owners(), pk="appointment"),
    C + "termine/<int:pk>/absagen/": both(
        owners(), pk="appointment", body={"reason": "illness", "wish": "cancel"}
    ),
    C + "termine/<int:pk>/termin.ics": page(owners(), pk="appointment"),
    C + "termine/<int:pk>/video/": both(
        over(owners(), owner="404"), pk="appointment", note="not a video appointment"
    ),
    C + "antrag/": page(mine()),
    C + "antrag/neu/<slug:kind_slug>/": both(mine()),
    C + "antrag/<int:pk>/": page(owners(), pk="application"),
    C + "antrag/<int:pk>/schritt/<str:step_key>/": both(owners(), pk="draft"),
    C + "antrag/<int:pk>/eingang/": page(owners(), pk="application"),
    C + "antrag/<int:pk>/nachweise/": page(owners(), pk="application"),
    C + "antrag/<int:pk>/nachweise/senden/": page(owners(), pk="application"),
    C + "antrag/<int:pk>/absenden/": both(owners(), pk="draft"),
    C + "antrag/<int:pk>/fragen/<int:question_id>/": action(
        owners(), pk="application", body={"message": "Hier ist die Antwort."}
    ),
    C + "antrag/<int:pk>/antrag.pdf": page(owners(), pk="application"),
    C + "antrag/<int:pk>/eingangsbestaetigung.pdf": page(owners(), pk="application"),
    C + "unterlagen/": page(mine()),
    C + "unterlagen/senden/": both(mine()),
    C + "unterlagen/seiten/": action(
        over(mine(), owner="404", other_customer="404"),
        body={"__multipart__": True, "__file__": "file", "draft": "{document}"},
        note="a page for the owner's document, which is no draft (so 404 for the owner "
        "too): someone else's is 404 whatever its state",
    ),
    C + "unterlagen/<int:document>/seiten/<int:pk>/": both(owners(), pk="page"),
    C + "unterlagen/<int:document>/seiten/<int:pk>/vorschau.png": page(owners(), pk="page"),
    C + "unterlagen/<int:pk>/": page(owners(), pk="document"),
    C + "unterlagen/<int:pk>/erneut/": action(owners(), pk="document"),
    C + "unterlagen/<int:pk>/datei.pdf": page(owners(), pk="document"),
    C + "unterlagen/<int:pk>/eingangsbestaetigung.pdf": page(owners(), pk="document"),
    # An empty choice: the owner is told to choose (400); linking itself, another
    # customer's item or list, stale choices: tests/documents/test_proof_linking.py.
    C + "unterlagen/<int:pk>/zuordnen/": action(owners(), pk="document", body={"target": ""}),
    C + "nachrichten/": page(mine()),
    C + "nachrichten/neu/": both(mine()),
    C + "nachrichten/<int:pk>/": both(owners(), pk="conversation", body={"body": "Hallo"}),
    C + "nachrichten/<int:pk>/pdf/": page(owners(), pk="conversation"),
    C + "nachrichten/<int:pk>/warten/": both(
        over(owners(), anonymous="404"), pk="conversation", note="long polling: 404, no login"
    ),
    C + "nachrichten/<int:pk>/anhang/<int:message_pk>/": page(owners(), pk="conversation"),
    C + "benachrichtigungen/": both(mine()),
    C + "mitmachen/": both(mine()),
    # The customer card (issue 21): each customer's own card, no object in the URL.
    C + "kundenkarte/": page(mine()),
    C + "kundenkarte/kundenkarte.pdf": page(mine()),
    # The world's job centre has no wallet certificate / Google issuer: no pass, 404
    # (with them: tests/cards/test_wallet_pass.py, test_wallet_admin.py).
    C + "kundenkarte/kundenkarte.pkpass": page(over(mine(), owner="404", other_customer="404")),
    C + "kundenkarte/google-wallet/": page(over(mine(), owner="404", other_customer="404")),
    C + "kundenkarte/sperren/": both(mine()),
    C + "kundenkarte/neu/": both(mine()),
    C + "kundenkarte/anzeige/": action(mine(), body={"show_next_appointment": "1"}),
    # Explainer videos (videos/): public for a published video of the job centre; the
    # player's beacon counts without a login (no personal data).
    T + "videos/": page(public()),
    T + "videos/<int:pk>/": page(public(), pk="video"),
    T + "videos/<int:pk>/<int:variant>/video.mp4": page(public(), pk="video"),
    T + "videos/<int:pk>/<int:variant>/video.webm": page(public(), pk="video"),
    T + "videos/<int:pk>/<int:variant>/poster.jpg": page(public(), pk="video"),
    T + "videos/<int:pk>/<int:variant>/untertitel.vtt": page(public(), pk="video"),
    T + "videos/<int:pk>/ereignis/": action(public(), pk="video", body={"event": "started"}),
    # Staff pages of job centre A, by role.
    S: page(staff()),
    S + "videos/": both(staff(ADMIN)),
    S + "videos/neu/": both(staff(ADMIN)),
    S + "videos/gemeinsam/": page(staff(ADMIN)),
    # The shared library's videos belong to no job centre: every admin may adopt them.
    S + "videos/gemeinsam/<int:shared>/uebernehmen/": action(staff(ADMIN)),
    S + "videos/auswertung/": page(staff(TEAM_LEADS)),
    S + "videos/<int:pk>/": both(staff(ADMIN), pk="video"),
    S + "videos/<int:pk>/loeschen/": action(staff(ADMIN), pk="video"),
    S + "videos/<int:pk>/datei/": action(
        staff(ADMIN), pk="video", note="no file: the admin is told to choose one (400)"
    ),
    S + "videos/<int:pk>/fassungen/<int:variant>/stand/": page(staff(ADMIN), pk="video"),
    S + "videos/<int:pk>/fassungen/<int:variant>/wiederholen/": action(staff(ADMIN), pk="video"),
    S + "videos/<int:pk>/fassungen/<int:variant>/texte/": both(staff(ADMIN), pk="video"),
    S + "videos/<int:pk>/fassungen/<int:variant>/loeschen/": action(staff(ADMIN), pk="video"),
    S + "videos/<int:pk>/orte/": action(
        staff(ADMIN), pk="video", body={"target": "application_step|initial:personal"}
    ),
    S + "videos/<int:pk>/orte/<int:attachment>/entfernen/": action(staff(ADMIN), pk="video"),
    # The work queue (issue 18): its live part, and assigning from the team lead's view.
    S + "warteschlange/": page(staff()),
    S + "warteschlange/zuweisen/": action(
        staff(TEAM_LEADS),
        body={"application": "{application}", "assignee": "{caseworker_user}"},
    ),
    S + "kunden/": both(staff()),
    # The admin's wallet settings (issue 21); an unknown action is answered 400.
    S + "kundenkarte/": both(staff(ADMIN), body={"action": "none"}),
    S + "kunden/<int:pk>/": Entry(
        get=staff(), post=over(staff(), job_advisor="403"), pk="customer"
    ),
    S + "kunden/<int:pk>/vermerke/": action(
        staff(("caseworker", "team_lead", "admin")),
        pk="customer",
        body={"category": "benefit_data", "text": "Rückruf vereinbart."},
        note="a benefit note: reception and job advisors may not write one (403)",
    ),
    S + "team/": both(staff(ADMIN)),
    S + "team/<int:pk>/entfernen/": action(staff(ADMIN), pk="membership"),
    S + "standorte/": both(staff(ADMIN)),
    S + "standorte/neu/": both(staff(ADMIN)),
    S + "standorte/<int:pk>/": both(staff(ADMIN), pk="office"),
    S + "anmeldedienste/": page(staff(ADMIN)),
    S + "anmeldedienste/neu/": both(staff(ADMIN)),
    S + "anmeldedienste/<int:pk>/": both(staff(ADMIN), pk="identity_provider"),
    S + "standorte/<int:pk>/loeschen/": action(staff(ADMIN), pk="office"),
    S + "einstellungen/angemessenheit/": both(staff(ADMIN)),
    S + "einstellungen/<slug:section>/": both(staff(ADMIN)),
    S + "protokoll/": both(staff(ADMIN)),
    S + "aufbewahrung/": both(staff(ADMIN), body={"rule": "casefile.notes", "value": "12"}),
    S + "loeschprotokoll/": page(staff(TEAM_LEADS)),
    S + "uebergaben/fehlgeschlagen/": page(staff(TEAM_LEADS)),
    S + "uebergaben/fehlgeschlagen/erneut/": action(
        staff(TEAM_LEADS),
        body={"source": "item", "pk": "{dead_letter}"},
        note="dead letters of the hand-off: no personal data, team leads and admins",
    ),
    S + "kontoloeschungen/": page(staff(CUSTOMER_DATA)),
    S + "kontoloeschungen/<int:pk>/vermerken/": action(
        staff(CUSTOMER_DATA),
        pk="account_deletion",
        note="taking note that the customer is written to by post (customer master data)",
    ),
    S + "zugriffsregeln/": both(
        staff(ADMIN),
        body={
            "role": "job_advisor",
            "category": "health_documents",
            "visibility": "2",
            "reason": "Reha-Beratung nach Dienstanweisung 7/2026",
        },
    ),
    S + "termine/": page(staff(APPOINTMENT_STAFF)),
    S + "termine/neu/": both(staff(APPOINTMENT_STAFF)),
    # Reception (issue 21): scanning and check-in at reception; calling is every role's;
    # setting up areas, desks and displays is the admin's.
    S + "empfang/scannen/": both(
        staff(RECEPTION), body={"action": "checkin", "customer": "{customer}"}
    ),
    S + "empfang/aufrufe/": both(staff(), body={"action": "done", "ticket": "{ticket}"}),
    S + "empfang/einrichten/": both(staff(ADMIN), body={"action": "revoke", "pk": "{display}"}),
    S + "termine/empfang/": Entry(
        get=staff(("reception", "team_lead", "admin")),
        post=over(staff(("reception", "team_lead", "admin")), staff_b="404"),
        body={"appointment": "{appointment}", "action": "check_in"},
    ),
    S + "termine/sprechzeiten/": both(staff(APPOINTMENT_STAFF)),
    S + "termine/arten/": page(staff(TEAM_LEADS)),
    S + "termine/arten/neu/": both(staff(TEAM_LEADS)),
    S + "termine/arten/<int:type_id>/": both(staff(TEAM_LEADS)),
    S + "termine/<int:pk>/": both(staff(APPOINTMENT_STAFF), pk="appointment"),
    S + "termine/<int:pk>/video/": both(
        over(staff(()), job_advisor="404"), pk="appointment", note="not a video appointment"
    ),
    S + "antraege/": page(staff(PROCESSING)),
    S + "antraege/einstellungen/": both(staff(ADMIN)),
    S + "antraege/auswertung/": page(staff(ADMIN)),
    S + "antraege/<int:pk>/": both(
        staff(PROCESSING),
        pk="application",
        body={"action": "status", "status": "decided", "reason": "x"},
    ),
    S + "antraege/<int:pk>/antrag.pdf": page(staff(PROCESSING), pk="application"),
    S + "antraege/<int:pk>/antrag.json": page(staff(PROCESSING), pk="application"),
    # The world's draft is filed (make_application sets filed_at): read-only filing page.
    S + "antraege/gestellt/<int:pk>/": page(staff(PROCESSING), pk="draft"),
    S + "unterlagen/": page(staff(APPOINTMENT_STAFF)),
    S + "unterlagen/einstellungen/": both(staff(ADMIN)),
    S + "unterlagen/kunde/<int:customer>/": page(staff(APPOINTMENT_STAFF)),
    S + "unterlagen/kunde/<int:customer>/anfordern/": both(staff(APPOINTMENT_STAFF)),
    S + "unterlagen/anforderung/<int:pk>/": page(staff(APPOINTMENT_STAFF), pk="document_request"),
    S + "unterlagen/<int:pk>/": both(
        FINANCIAL_DOC, pk="document", body={"action": "accept"}, note="need-to-know: financial"
    ),
    S + "unterlagen/<int:pk>/zuordnen/": action(
        FINANCIAL_DOC, pk="document", body={"target": ""}, note="need-to-know: financial"
    ),
    S + "unterlagen/<int:pk>/datei.pdf": page(FINANCIAL_DOC, pk="document"),
    S + "unterlagen/<int:document>/seiten/<int:pk>/bild.png": page(FINANCIAL_DOC, pk="page"),
    S + "nachrichten/": page(staff()),
    S + "nachrichten/neu/": both(staff()),
    S + "nachrichten/einstellungen/": both(staff(TEAM_LEADS)),
    S + "nachrichten/einstellungen/themen/<int:topic>/": both(
        staff(TEAM_LEADS), body={"name": "Matrix", "position": "0"}
    ),
    S + "nachrichten/einstellungen/textbausteine/<int:template_id>/": both(
        staff(TEAM_LEADS), body={"title": "Matrix", "body": "Hallo"}
    ),
    S + "nachrichten/<int:pk>/": both(
        BENEFIT_CHAT, pk="conversation", body={"body": "Hallo"}, note="need-to-know: benefit chat"
    ),
    S + "nachrichten/<int:pk>/zuweisen/": action(BENEFIT_CHAT, pk="conversation"),
    S + "nachrichten/<int:pk>/status/": action(
        BENEFIT_CHAT, pk="conversation", body={"status": "closed"}
    ),
    S + "nachrichten/<int:pk>/warten/": both(
        over(BENEFIT_CHAT, anonymous="404"), pk="conversation", note="long polling: 404, no login"
    ),
    S + "nachrichten/<int:pk>/anhang/<int:message_pk>/": page(BENEFIT_CHAT, pk="conversation"),
    S + "vorabberechnung/": both(staff(PROCESSING)),
    # Feedback (issue 22 §3): every staff member answers about staff pages; the dashboard,
    # its export (comments: audited), text-change marks and panel invitations: team leads.
    # Postbox (issue 25 §§ 1–2): consent only by the customer; notices are benefit data,
    # deposited and sent by post by caseworkers and team leads (Perm.POSTBOX_DEPOSIT).
    # The world's notice went to the owner's postbox (consent given); a photo as "PDF"
    # is refused with 422, which answers for ownership without storing anything.
    C + "profil/einwilligungen/": both(mine(), body={"notices": "electronic"}),
    C + "postfach/": page(mine()),
    C + "postfach/<int:pk>/": page(owners(), pk="notice"),
    C + "postfach/<int:pk>/schreiben.pdf": page(owners(), pk="notice"),
    C + "postfach/<int:pk>/widerspruch/": both(
        owners(), pk="notice", body={"reasons": "Falsch berechnet", "confirm": "on"}
    ),
    C + "postfach/<int:pk>/frage/": both(owners(), pk="notice", body={"body": "Was heißt das?"}),
    C + "postfach/widerspruch/<int:pk>/eingangsbestaetigung.pdf": page(owners(), pk="objection"),
    S + "postfach/postausgang/": page(staff(POSTBOX)),
    S + "postfach/kunden/<int:pk>/": both(
        staff(POSTBOX),
        pk="customer",
        body={"__multipart__": True, "__file__": "file", "kind": "grant", "dated": "2026-03-02"},
    ),
    S + "postfach/<int:pk>/per-post/": action(staff(POSTBOX), pk="notice"),
    S + "postfach/<int:pk>/datei.pdf": page(staff(POSTBOX), pk="notice"),
    # The back-office system's keys: the job centre's admin (Perm.JOBCENTER_CONFIGURE).
    S + "postfach/schnittstelle/": both(staff(ADMIN), body={"name": "Fachverfahren"}),
    S + "postfach/schnittstelle/<int:pk>/widerrufen/": action(staff(ADMIN), pk="backoffice_token"),
    S + "rueckmeldung/": action(
        staff(), body={"page": "staff:dashboard", "answer": "yes", "next": "/fulda/staff/"}
    ),
    S + "rueckmeldungen/": page(staff(TEAM_LEADS)),
    S + "rueckmeldungen/export.csv": page(staff(TEAM_LEADS)),
    S + "rueckmeldungen/textaenderung/": both(
        staff(TEAM_LEADS),
        body={"page": "tenant:home", "changed_on": "2026-01-05", "description": "Kürzer"},
    ),
    S + "rueckmeldungen/panel/": both(
        staff(TEAM_LEADS), body={"path": "/fulda/vorabcheck/", "message": "Bitte testen"}
    ),
    # News (issue 22): public pages and ActivityPub documents per job centre; the staff
    # pages by role. The inbox takes only signed deliveries (tests/news/test_inbox.py).
    ".well-known/webfinger": page(
        public(), path="/.well-known/webfinger?resource=acct:{jc}@127.0.0.1:8000"
    ),
    T + "neuigkeiten/": page(public()),
    T + "neuigkeiten/feed.atom": page(public()),
    T + "neuigkeiten/feed.rss": page(public()),
    T + "neuigkeiten/<int:pk>/": page(public(), pk="news_post"),
    T + "neuigkeiten/<int:pk>/bild": page(public(), pk="news_post"),
    T + "neuigkeiten/<int:pk>/teilen/": page(public(), pk="news_post"),
    T + "ap/actor": page(public()),
    T + "ap/outbox": page(public()),
    T + "ap/followers": page(public()),
    T + "ap/inbox": action(sample(everyone("401")), note="unsigned: 401, nothing stored"),
    S + "neuigkeiten/": page(staff(TEAM_LEADS)),
    S + "neuigkeiten/neu/": both(staff(TEAM_LEADS), body={"text": "Matrix"}),
    S + "neuigkeiten/<int:pk>/": both(staff(TEAM_LEADS), pk="news_post", body={"text": "Neu"}),
    S + "neuigkeiten/<int:pk>/loeschen/": action(
        over(staff(TEAM_LEADS), admin="-"),
        pk="news_post",
        note="one post to delete: the team lead does; the admin has the same permission",
    ),
    S + "neuigkeiten/eingang/": page(staff(TEAM_LEADS)),
    S + "neuigkeiten/eingang/<int:pk>/": action(
        staff(TEAM_LEADS), pk="news_item", body={"status": "done"}
    ),
}

# The operator's admin: generated per registered model by django's AdminSite, every view
# wrapped in ``admin_view``. One rule covers the block, and every pattern in it is still
# asked (with the owner's user as ``object_id``), so a view added without the wrapper fails.
# --- Representatives and co-signing (issue 25, mandates/) -----------------------------


def _signed_in_all() -> Access:
    """Every signed-in person with their own account (not only a sample)."""
    return {**everyone("ok"), "anonymous": "login"}


def _signer() -> Access:
    """The co-signature of the owner's application claimed by the other customer (the
    partner with her own account): only she; the applicant too gets 404 there."""
    return {**everyone("404"), "anonymous": "login", "other_customer": "ok"}


MANDATE_STAFF = ("caseworker", "team_lead", "admin")
ROUTES.update(
    {
        # The customer's own mandates: never while acting for someone (404).
        C + "vertretung/": both(mine()),
        C + "vertretung/<int:pk>/widerrufen/": action(owners(), pk="mandate"),
        C + "vertretung/<int:pk>/verlaengern/": action(
            owners(), pk="mandate", body={"valid_until": "{mandate_until}"}
        ),
        # The representative's side: anyone with an account.
        C + "vertretung/wechseln/": both(_signed_in_all()),
        C + "vertretung/annehmen/": both(_signed_in_all()),
        C + "antrag/<int:pk>/mitzeichnen/": both(owners(), pk="application"),
        T + "mitzeichnen/": both(_signed_in_all()),
        T + "mitzeichnen/<int:pk>/": both(
            _signer(), pk="cosignature", body={"decision": "objected", "correction": "x"}
        ),
        T + "beratungsstelle/": both(_signed_in_all()),
        S + "kunden/<int:pk>/vertretung/": both(staff(MANDATE_STAFF), pk="customer"),
        S + "kunden/<int:pk>/vertretung/<int:mandate>/beenden/": action(
            staff(MANDATE_STAFF), pk="customer", args={"mandate": "mandate"}
        ),
        S + "beratungsstellen/": both(staff(ADMIN), body={"organisation": "{organisation}"}),
    }
)

# --- BundID login (issue 24 §2, bundid/) -------------------------------------------------
# The world's job centre does not offer the BundID: its SAML endpoints answer 404 to all
# (tests/bundid/ drive real logins where it is offered). The first-login pages without a
# BundID login in the session say so (400: ok).
ROUTES.update(
    {
        T + "bundid/anmelden/": page(sample(everyone("404"))),
        T + "bundid/acs/": action(sample(everyone("404")), body={"SAMLResponse": "eA=="}),
        T + "bundid/metadata/": page(public()),
        # Single logout: 404 where the BundID is not offered, like the login.
        T + "bundid/abmelden/": page(sample(everyone("404"))),
        T + "bundid/slo/": both(sample(everyone("404")), body={"SAMLRequest": "eA=="}),
        T + "bundid/bestaetigen/": both(public(), body={"action": "create"}),
        T + "bundid/verbinden/<str:key>/": both(public(), path="/{jc}/bundid/verbinden/ungueltig/"),
        C + "bundid/": both(mine(), body={"fix-field": "city", "fix-value": "X", "fix-note": "Y"}),
        S + "bundid/": both(staff(ADMIN), body={"sp_entity_id": "https://sp.example/"}),
    }
)

# The representative's cells of the customer area: what the owner gets where the
# mandate's scopes ("read": every module's pages for reading; "documents": also writing
# there) cover the page's module, 404 elsewhere (the customer's own account: profile,
# card, notifications, mandates). "Mein Bereich" itself sends them to their overview.
REPRESENTATIVE_SCOPES = frozenset({"read", "documents"})
_MODULE_OF = {
    "antrag/": "applications",
    "unterlagen/": "documents",
    "termine/": "appointments",
    "nachrichten/": "chat",
    "postfach/": "notices",
}
_OWN_ACCOUNT_ONLY = ("vertretung/", "profil/einwilligungen/")


def _representative_cell(rest: str, method: str, owner: str) -> str:
    if rest in ("", "stand/") or rest.startswith("gesehen/"):
        return "ok"  # the home: a redirect to the representative's overview
    if rest.startswith(_OWN_ACCOUNT_ONLY):
        return "404"
    scope = next((m for prefix, m in _MODULE_OF.items() if rest.startswith(prefix)), None)
    write = method != "get"
    allowed = scope is not None and (
        scope in REPRESENTATIVE_SCOPES or (not write and "read" in REPRESENTATIVE_SCOPES)
    )
    return owner if allowed else "404"


def _with_representative(route: str, entry: Entry) -> Entry:
    if not route.startswith(C) or route in (C + "vertretung/wechseln/", C + "vertretung/annehmen/"):
        return entry
    rest = route[len(C) :]
    get = post = None
    if entry.get is not None:
        get = {**entry.get, REPRESENTATIVE: _representative_cell(rest, "get", entry.get["owner"])}
    if entry.post is not None:
        post = {
            **entry.post,
            REPRESENTATIVE: _representative_cell(rest, "post", entry.post["owner"]),
        }
    return replace(entry, get=get, post=post)


ROUTES = {route: _with_representative(route, entry) for route, entry in ROUTES.items()}
# The chat's long polling (an async view outside ``customer_required``) asks the mandate
# itself (``messaging.views_poll``) with the same rule: reading with "read" or "chat",
# a POST (writing) only with "chat"; so it follows the profile above.


ADMIN_PREFIX = "admin/"
ADMIN_ENTRY = both(operator())
ADMIN_PATHS = {
    # Not a password form (issue 16, item 6): strangers go to the platform's login (with
    # its second factor); someone logged in who is not an operator is refused.
    "admin/login/": both(sample(over(everyone("403"), anonymous="login"))),
    "admin/logout/": both(public(), note="logs out whoever asks; nothing else"),
    r"admin/(?P<url>.*)$": both(operator(), path="/admin/unbekannt/"),
}


# The admin's app index: one pattern whose regex lists every app with an admin (it grows
# with each new app; keyed by its start so that it needs no update then).
ADMIN_APP_INDEX = r"admin/^(?P<app_label>"
ADMIN_APP_INDEX_ENTRY = both(operator(), path="/admin/accounts/")


def route_entry(route: str) -> Entry | None:
    if route in ROUTES:
        return ROUTES[route]
    if route.startswith(ADMIN_APP_INDEX):
        return ADMIN_APP_INDEX_ENTRY
    if route.startswith(ADMIN_PREFIX):
        return ADMIN_PATHS.get(route, ADMIN_ENTRY)
    return None


# --- OpenAPI operations ------------------------------------------------------------------

A = "/api/v1/appointments/{jc}"
R = "/api/v1/reception/{jc}"
P = "/api/v1/applications"
D = "/api/v1/documents/{jc}"
M = "/api/v1/messaging/{jc}"
N = "/api/v1/notifications"
PB = "/api/v1/postbox/{jc}"
FUTURE = "{future}"


def op(method: str, access: Access, **kw: Any) -> Entry:
    if method == "GET":
        return Entry(get=access, **kw)
    return Entry(post=access, method=method, **kw)


OPERATIONS: dict[str, Entry] = {
    "GET /api/v1/jobcenters": op("GET", api_public()),
    "GET /api/v1/jobcenters/lookup": op(
        "GET", api_public(), path="/api/v1/jobcenters/lookup?q=Fulda"
    ),
    "GET /api/v1/jobcenters/{slug}": op("GET", api_public()),
    "GET /api/v1/me": op("GET", api_signed_in()),
    "GET /api/v1/cards/{jc}/card": op("GET", api_mine()),
    "PATCH /api/v1/me": op("PATCH", api_signed_in(), body={"preferred_language": "de"}),
    "POST /api/v1/benefits/calculate": op("POST", api_public(), body={}),
    "GET /api/v1/forms/": op("GET", api_public()),
    "GET /api/v1/forms/{key}": op("GET", api_public()),
    "GET /api/v1/schemas/": op("GET", api_public()),
    "GET /api/v1/schemas/{name}/{version}": op("GET", api_public()),
    "GET /api/v1/documents/kinds": op("GET", api_public()),
    # Appointments (customer side and staff side).
    f"GET {A}/types": op("GET", api_mine()),
    f"GET {A}/types/{{type_id}}/slots": op("GET", api_mine()),
    f"GET {A}/appointments": op("GET", api_mine()),
    f"POST {A}/appointments": op(
        "POST",
        api_mine(),
        body={
            "type_id": "{type_id}",
            "staff_id": "{advisor}",
            "starts_at": FUTURE,
            "channel": "phone",
        },
    ),
    f"GET {A}/appointments/{{pk}}": op("GET", api_owners(), pk="appointment"),
    f"POST {A}/appointments/{{pk}}/confirm": op("POST", api_owners(), pk="appointment"),
    f"POST {A}/appointments/{{pk}}/cancel": op(
        "POST", api_owners(), pk="appointment", body={"reason": "illness"}
    ),
    f"POST {A}/appointments/{{pk}}/reschedule-request": op(
        "POST", api_owners(), pk="appointment", body={"reason": "illness"}
    ),
    f"GET {A}/appointments/{{pk}}/video": op(
        "GET", over(api_owners(), owner="404"), pk="appointment", note="not a video appointment"
    ),
    f"GET {A}/staff/calendar": op("GET", api_staff()),
    f"POST {A}/staff/invitations": op(
        "POST",
        api_staff(APPOINTMENT_STAFF),
        body={
            "customer_id": "{customer}",
            "type_id": "{type_id}",
            "starts_at": FUTURE,
            "channel": "phone",
        },
    ),
    f"POST {A}/staff/appointments/{{pk}}/check-in": op(
        "POST", api_staff(("reception", "team_lead", "admin")), pk="appointment"
    ),
    # Reception (issue 21).
    f"POST {R}/staff/scan": op("POST", api_staff(RECEPTION), body={"code": "A-1001"}),
    f"POST {R}/staff/check-in": op(
        "POST", api_staff(RECEPTION), body={"customer_id": "{customer}"}
    ),
    f"POST {R}/staff/walk-in": op(
        "POST", api_staff(RECEPTION), body={"customer_id": "{customer}", "topic": "Antrag"}
    ),
    f"GET {R}/staff/tickets": op("GET", api_staff()),
    f"POST {R}/staff/call-next": op("POST", api_staff(), body={"desk_id": "{desk}"}),
    f"POST {R}/staff/tickets/{{pk}}/call": op(
        "POST", api_staff(), pk="ticket", body={"desk_id": "{desk}"}
    ),
    f"POST {R}/staff/tickets/{{pk}}/no-show": op("POST", api_staff(), pk="ticket"),
    f"POST {R}/staff/tickets/{{pk}}/done": op("POST", api_staff(), pk="ticket"),
    # Applications: a customer's own (the representative is no customer: the API never
    # acts for someone else).
    f"GET {P}/": op(
        "GET",
        over(api_signed_in(), staff_b="404", representative="404", **dict.fromkeys(ROLES, "404")),
    ),
    f"POST {P}/": op(
        "POST",
        over(api_signed_in(), staff_b="404", representative="404", **dict.fromkeys(ROLES, "404")),
        body={"kind": "initial"},
    ),
    f"GET {P}/{{application_id}}": op("GET", api_owners()),
    f"GET {P}/{{application_id}}/steps/{{step_key}}": op(
        "GET", api_owners(), args={"application_id": "draft"}
    ),
    f"PUT {P}/{{application_id}}/steps/{{step_key}}": op(
        "PUT",
        api_owners(),
        args={"application_id": "draft"},
        body={"answers": {}, "base_version": 0},
    ),
    f"POST {P}/{{application_id}}/file": op(
        "POST",
        api_owners(),
        args={"application_id": "draft"},
        body={"answers": {}, "base_version": 0},
    ),
    f"GET {P}/{{application_id}}/proofs": op("GET", api_owners()),
    f"POST {P}/{{application_id}}/submit": op(
        "POST", api_owners(), args={"application_id": "draft"}
    ),
    f"GET {P}/{{application_id}}/history": op("GET", api_owners()),
    f"GET {P}/{{application_id}}/status": op("GET", api_owners()),
    f"POST {P}/{{application_id}}/questions/{{question_id}}/answer": op(
        "POST", api_owners(), body={"message": "Hier ist die Antwort."}
    ),
    f"GET {P}/staff/{{jc}}/": op("GET", api_staff(PROCESSING)),
    f"GET {P}/staff/{{jc}}/{{application_id}}": op("GET", api_staff(PROCESSING)),
    f"POST {P}/staff/{{jc}}/{{application_id}}/status": op(
        "POST", api_staff(PROCESSING), body={"status": "in_progress", "reason": "x"}
    ),
    f"POST {P}/staff/{{jc}}/{{application_id}}/assign": op(
        "POST", api_staff(PROCESSING), body={"assignee_id": None}
    ),
    f"POST {P}/staff/{{jc}}/{{application_id}}/question": op(
        "POST", api_staff(PROCESSING), body={"question": "Bitte den Kontoauszug."}
    ),
    # Documents.
    f"GET {D}/documents": op("GET", api_mine()),
    f"GET {D}/documents/{{pk}}": op("GET", api_owners(), pk="document"),
    f"GET {D}/requests": op("GET", api_mine()),
    f"POST {D}/upload": op(
        "POST", api_mine(), body={"__multipart__": True, "__file__": "file", "kind": "payslip"}
    ),
    # Messaging.
    f"GET {M}/conversations": op("GET", api_mine()),
    f"POST {M}/conversations": op(
        "POST", api_mine(), body={"subject": "Frage", "body": "Hallo", "topic_id": "{topic}"}
    ),
    f"GET {M}/conversations/{{pk}}/messages": op("GET", api_owners(), pk="conversation"),
    f"POST {M}/conversations/{{pk}}/messages": op(
        "POST", api_owners(), pk="conversation", body={"body": "Hallo"}
    ),
    f"POST {M}/conversations/{{pk}}/attachments": op(
        "POST", api_owners(), pk="conversation", body={"__multipart__": True, "__file__": "file"}
    ),
    f"POST {M}/conversations/{{pk}}/read": op(
        "POST", api_owners(), pk="conversation", body={"upto": None}
    ),
    f"GET {M}/staff/conversations": op("GET", api_staff()),
    f"POST {M}/staff/conversations": op(
        "POST", api_staff(), body={"customer_id": "{customer}", "subject": "Frage", "body": "Hallo"}
    ),
    f"GET {M}/staff/conversations/{{pk}}/messages": op("GET", BENEFIT_CHAT_API, pk="conversation"),
    f"POST {M}/staff/conversations/{{pk}}/messages": op(
        "POST", BENEFIT_CHAT_API, pk="conversation", body={"body": "Hallo"}
    ),
    f"POST {M}/staff/conversations/{{pk}}/read": op(
        "POST", BENEFIT_CHAT_API, pk="conversation", body={"upto": None}
    ),
    f"POST {M}/staff/conversations/{{pk}}/assignment": op(
        "POST", BENEFIT_CHAT_API, pk="conversation", body={"assignee_id": None}
    ),
    f"POST {M}/staff/conversations/{{pk}}/status": op(
        "POST", BENEFIT_CHAT_API, pk="conversation", body={"status": "closed"}
    ),
    f"GET {M}/staff/templates": op("GET", api_staff()),
    f"GET {M}/staff/conversations/{{pk}}/templates/{{template_id}}": op(
        "GET", BENEFIT_CHAT_API, pk="conversation"
    ),
    # Notifications: each person's own devices and preferences. Deleting the owner's
    # endpoint as someone else deletes nothing (the service filters by the user).
    f"GET {N}/vapid-public-key": op("GET", api_signed_in()),
    f"POST {N}/push-subscriptions": op(
        "POST",
        api_signed_in(),
        body={"endpoint": "https://push.example.org/new", "p256dh": "k", "auth": "a"},
    ),
    f"DELETE {N}/push-subscriptions": op(
        "DELETE",
        api_signed_in(),
        body={"endpoint": "{subscription_endpoint}"},
        inert=tuple(p for p in PERSONAS if p not in ("anonymous", "owner")),
        note="someone else's endpoint: 204 and nothing deleted",
    ),
    # Postbox (issue 25): the customer's consent and notices; staff list and deposit.
    f"GET {PB}/consent": op("GET", api_mine()),
    f"PUT {PB}/consent": op("PUT", api_mine(), body={"electronic_notices": True}),
    f"GET {PB}/notices": op("GET", api_mine()),
    f"GET {PB}/notices/{{pk}}": op("GET", api_owners(), pk="notice"),
    f"GET {PB}/notices/{{pk}}/file": op("GET", api_owners(), pk="notice"),
    f"POST {PB}/notices/{{pk}}/objection": op(
        "POST", api_owners(), pk="notice", body={"reasons": "Falsch berechnet"}
    ),
    f"GET {PB}/staff/customers/{{customer_id}}/notices": op("GET", api_staff(POSTBOX)),
    f"POST {PB}/staff/customers/{{customer_id}}/notices": op(
        "POST",
        api_staff(POSTBOX),
        body={"__multipart__": True, "__file__": "file", "kind": "grant", "dated": "2026-03-02"},
    ),
    # The back office deposits with its token only: no persona's session or token is
    # one (401, nothing stored; the token itself: tests/postbox/test_backoffice.py).
    f"POST {PB}/backoffice/customers/{{customer_number}}/notices": op(
        "POST",
        everyone("401"),
        body={"__multipart__": True, "__file__": "file", "kind": "grant", "dated": "2026-03-02"},
    ),
    f"GET {N}/preferences": op("GET", api_signed_in()),
    f"PUT {N}/preferences": op("PUT", api_signed_in(), body={"email": True, "push": False}),
}


MA = "/api/v1/mandates/{jc}"
OPERATIONS.update(
    {
        f"GET {MA}/mandates": op("GET", api_mine()),
        f"POST {MA}/mandates": op(
            "POST", api_mine(), body={"scopes": ["read"], "valid_until": "{mandate_until}"}
        ),
        f"POST {MA}/mandates/{{mandate_id}}/revoke": op("POST", api_owners()),
        # An unknown code: 422 for everyone signed in (input), nothing accepted.
        f"POST {MA}/accept": op("POST", api_signed_in(), body={"code": "AAAA-BBBB-CCCC"}),
        f"GET {MA}/held": op("GET", api_signed_in()),
        f"GET {MA}/applications/{{application_id}}/cosign": op("GET", api_owners()),
        f"POST {MA}/cosign/claim": op("POST", api_signed_in(), body={"code": "AAAA-BBBB-CCCC"}),
        f"POST {MA}/cosign/{{cosign_id}}/confirm": op(
            "POST",
            {**everyone("404"), "anonymous": "401", "other_customer": "ok"},
            body={"decision": "represented"},
        ),
    }
)


# --- Filling in path arguments -------------------------------------------------------------

DEFAULT_ARGS = {
    "jc": "jc",
    "slug": "slug",
    "type_id": "type_id",
    "token": "token",
    "step_key": "step_key",
    "question_id": "question_id",
    "kind_slug": "kind_slug",
    "section": "section",
    "customer": "customer",
    "customer_id": "customer",
    "document": "document",
    "message_pk": "message",
    "template_id": "template_id",
    "content_type_id": "user_ct",
    "object_id": "user",
    "id": "user",
    "application_id": "application",
    "key": "key",
    "name": "name",
    "version": "version",
    "shared": "shared_video",
}


def _fill(template: str, entry: Entry | None, ids: Mapping[str, Any], pattern: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if entry is not None and name in entry.args:
            return str(ids[entry.args[name]])
        if name == "pk":
            if entry is None or entry.pk is None:
                raise KeyError(f"{template}: say which object <pk> is (Entry(pk=...))")
            return str(ids[entry.pk])
        return str(ids[DEFAULT_ARGS.get(name, name)])

    return re.sub(pattern, sub, template)


# Path arguments that name no object of anyone's (the rest are ids and the feed token).
NOT_OBJECTS = {
    "jc",
    "slug",
    "section",
    "kind_slug",
    "step_key",
    "key",
    "name",
    "version",
    # A video of the operator's shared library: no job centre's, any admin adopts it.
    "shared",
}


def names_object(template: str) -> bool:
    """Whether a route or API path names one of the owner's objects by id or token (then
    job centre B's people are also asked for it through B's own URLs)."""
    names = re.findall(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", template)
    return any((a or b) not in NOT_OBJECTS for a, b in names)


def body_names_object(entry: Entry) -> bool:
    """Whether a write's body names one of the owner's objects (``"{customer}"``)."""
    body = entry.body or {}
    return any(
        isinstance(v, str)
        and v.startswith("{")
        and v.strip("{}") not in ("future", "mandate_until")
        for v in body.values()
    )


def concrete_url(route: str, entry: Entry | None, ids: Mapping[str, Any]) -> str | None:
    """The URL of ``route`` with the world's objects in it (None for a regex route
    without an explicit ``path``)."""
    if entry is not None and entry.path is not None:
        return entry.path.format(**ids)
    if "(?P" in route or "^" in route:
        return None
    return "/" + _fill(route, entry, ids, r"<(?:\w+:)?(\w+)>")


def concrete_api_url(path: str, entry: Entry, ids: Mapping[str, Any]) -> str:
    if entry.path is not None:
        return entry.path.format(**ids)
    return _fill(path, entry, ids, r"\{(\w+)\}")


def body_of(entry: Entry, ids: Mapping[str, Any]) -> Any:
    def fill(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return ids[value[1:-1]]
        return value

    if entry.body is None:
        return None
    return {k: fill(v) for k, v in entry.body.items()}

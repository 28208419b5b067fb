"""The world the ownership matrix runs in: two job centres, every persona, and one object
of every kind that a URL or an API operation names by id, all owned by ``owner`` (a
customer of job centre A) or by job centre A.

Built once per test module (``world`` in ``tests/test_ownership_matrix.py``) inside a
transaction that is rolled back at the end; each test runs in a savepoint of it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership, User
from openjobcenter.applications.models import Application, ApplicationEvent, EventKind
from openjobcenter.appointments.calendar import calendar_feed_renew
from openjobcenter.appointments.models import AppointmentType, WeeklyHours
from openjobcenter.appointments.opening import holiday_on
from openjobcenter.appointments.services import appointment_invite
from openjobcenter.core.access import ACTING_SESSION_KEY, SSO_SESSION_KEY
from openjobcenter.documents import services as document_services
from openjobcenter.documents.services import RequestItemInput
from openjobcenter.handoff.models import ItemDelivery
from openjobcenter.identity import services as identity_services
from openjobcenter.identity.models import ExternalIdentity, IdentityProvider, SsoSession
from openjobcenter.mandates import services as mandate_services
from openjobcenter.mandates import services_cosign
from openjobcenter.mandates.models import Organisation
from openjobcenter.messaging import services as messaging_services
from openjobcenter.messaging.models import TextTemplate, Topic
from openjobcenter.news import images as news_images
from openjobcenter.news import services as news_services
from openjobcenter.news.models import InboxItem, Post
from openjobcenter.notifications.models import PushSubscription
from openjobcenter.postbox import backoffice as postbox_backoffice
from openjobcenter.postbox import services as postbox_services
from openjobcenter.reception import services as reception_services
from openjobcenter.reception import services_config as reception_config
from openjobcenter.retention.models import AccountDeletionRequest
from openjobcenter.tenants.demo import load_jobcenters
from openjobcenter.tenants.models import Jobcenter, Office
from tests.applications.staff_data import make_application
from tests.conftest import login_with_mfa, make_customer, make_staff, make_user
from tests.documents.conftest import photo, upload
from tests.postbox.conftest import make_pdf as postbox_pdf
from tests.videos.world import make_videos

MODULES = (
    "appointments",
    "applications",
    "documents",
    "messaging",
    "notifications",
    "feedback",
    "news",
    "customer_card",
    "videos",
    "mandates",
    "postbox",
)

# The personas every entry of the matrix is asked about (DESIGN §4.7, §7 need-to-know).
CUSTOMER_PERSONAS = ("owner", "other_customer", "customer_b")
STAFF_ROLES = (
    Role.RECEPTION,
    Role.CASEWORKER,
    Role.JOB_ADVISOR,
    Role.TEAM_LEAD,
    Role.ADMIN,
)
ROLE_PERSONAS = tuple(str(role.value) for role in STAFF_ROLES)
# Issue 25: someone with their own account (no customer) acting for the owner under a
# mandate with the scopes "read" and "documents" (the session is switched to the owner).
REPRESENTATIVE = "representative"
PERSONAS = ("anonymous", *CUSTOMER_PERSONAS, REPRESENTATIVE, "staff_b", *ROLE_PERSONAS)
# Issue 24: staff logged in through their administration's provider (the session state
# the SSO login leaves: the provider's second factor, no platform MFA record; the same
# account as the local persona, linked to the provider), asked every entry with the
# expectations of the local persona of that role ("ownership matrix unchanged for SSO").
SSO_PERSONAS = {"sso_caseworker": "caseworker"}


@dataclass
class World:
    ids: dict[str, Any]
    users: dict[str, User | None]
    clients: dict[str, Client] = field(default_factory=dict)
    cookies: dict[str, dict[str, Any]] = field(default_factory=dict)


def _enable_all(jc: Jobcenter) -> None:
    jc.enabled_modules = sorted({*jc.enabled_modules, *MODULES})
    jc.save()


def _next_weekday_at(hour: int, days: int = 3) -> datetime:
    berlin = ZoneInfo("Europe/Berlin")
    day = timezone.localdate() + timedelta(days=days)
    # A working day: staff invitations on weekends and public holidays need a reason.
    while day.weekday() >= 5 or holiday_on(day) is not None:
        day += timedelta(days=1)
    return datetime.combine(day, clock(hour), tzinfo=berlin)


def _news(jc: Jobcenter, lead: User) -> tuple[Post, InboxItem]:
    """A published post with an image, and a reply to it in the staff inbox."""
    image = news_images.clean_image(upload(photo(4, megapixels=0.3)))
    post = news_services.post_create(
        request=None,
        jobcenter=jc,
        author=lead,
        data=news_services.PostInput(
            text="Jobmesse am Freitag",
            link="",
            image=image,
            image_alt="Plakat",
            published_at=timezone.now() - timedelta(minutes=1),
            expires_at=None,
        ),
    )
    item = InboxItem.objects.create(
        jobcenter=jc,
        kind="reply",
        activity_id="https://social.example/s/1/activity",
        object_id="https://social.example/s/1",
        actor_id="https://social.example/users/erika",
        actor_handle="erika@social.example",
        text="Danke!",
        in_reply_to=post,
        received_at=timezone.now(),
    )
    return post, item


REPRESENTATIVE_EMAIL = "vertreter@example.org"


def _mandates(
    jc: Jobcenter, owner: CustomerProfile, other: CustomerProfile, application: Application
) -> dict[str, Any]:
    """The representative's active mandate from the owner, an invitation the owner sent
    (revoked and renewed by the matrix), the owner's application's co-signature claimed
    by the other customer (the partner with her own account), an advice centre."""
    representative = make_user(REPRESENTATIVE_EMAIL, "Vera", "Vertreterin")
    until = timezone.localdate() + timedelta(days=200)
    _m, code = mandate_services.mandate_invite(
        request=None,
        customer=owner,
        actor=owner.user,
        data=mandate_services.MandateInput(scopes=["read", "documents"], valid_until=until),
    )
    acting = mandate_services.mandate_accept(
        request=None, user=representative, jobcenter=jc, code=code
    )
    invited, _code = mandate_services.mandate_invite(
        request=None,
        customer=owner,
        actor=owner.user,
        data=mandate_services.MandateInput(scopes=["read"], valid_until=until),
    )
    (row,) = services_cosign.cosign_prepare(application=application)
    cosign_code = services_cosign.cosign_invite(request=None, actor=owner.user, cosignature=row)
    services_cosign.cosign_claim(request=None, user=other.user, jobcenter=jc, code=cosign_code)
    organisation = Organisation.objects.create(
        jobcenter=jc, name="Sozialberatung", address="Markt 1, Fulda", email="s@example.org"
    )
    return {
        "acting_mandate": acting.pk,
        "mandate": invited.pk,
        "mandate_id": invited.pk,
        "cosignature": row.pk,
        "cosign_id": row.pk,
        "organisation": organisation.pk,
        "mandate_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }


def build_world() -> World:
    """Every object the matrix names, created through the services where they exist."""
    load_jobcenters()
    jc_a = Jobcenter.objects.get(slug="fulda")
    jc_b = Jobcenter.objects.get(slug="wiesbaden")
    for jc in (jc_a, jc_b):
        _enable_all(jc)
        messaging_services.topics_ensure_defaults(jobcenter=jc)

    owner = make_customer(jc_a, "kunde@example.org", "A-1001")
    other = make_customer(jc_a, "kundin2@example.org", "A-1002")
    customer_b = make_customer(jc_b, "kunde-b@example.org", "B-2001")
    staff = {
        str(role.value): make_staff(jc_a, role, f"{role.value}@a.example.org") for role in Role
    }
    staff_b = make_staff(jc_b, Role.ADMIN, "admin@b.example.org")
    advisor = staff[Role.JOB_ADVISOR.value]
    owner.advisor = advisor
    owner.save(update_fields=["advisor"])

    office = Office.objects.filter(jobcenter=jc_a).order_by("position").first()
    assert office is not None
    for weekday in range(5):
        WeeklyHours.objects.create(
            jobcenter=jc_a,
            staff=advisor,
            office=office,
            weekday=weekday,
            start=clock(8),
            end=clock(12),
        )
    appt_type = AppointmentType.objects.create(
        jobcenter=jc_a,
        name="Beratung",
        duration_min=30,
        channels=["in_person", "phone", "video"],
        self_bookable=True,
        horizon_days=56,
        notice_hours=12,
    )
    appointment = appointment_invite(
        request=None,
        actor=advisor,
        customer=owner,
        appt_type=appt_type,
        staff=advisor,
        starts_at=_next_weekday_at(10),
        channel="in_person",
        office_id=office.pk,
        note="",
    )
    feed_token = calendar_feed_renew(customer=owner)

    application = make_application(owner)
    draft = make_application(owner, status="draft")
    question = ApplicationEvent.objects.create(
        application=application, kind=EventKind.QUESTION, message="Bitte Kontoauszug?"
    )

    # Tests never commit: the document pipeline's after-commit work runs at once.
    with mock.patch.object(transaction, "on_commit", lambda func, using=None, robust=False: func()):
        document = document_services.document_store_attachment(
            request=None, customer=owner, uploaded_file=upload(photo(1)), kind="payslip"
        )
        topic = Topic.objects.filter(jobcenter=jc_a).order_by("position").first()
        conversation = messaging_services.conversation_start(
            customer=owner,
            author=owner.user,
            data=messaging_services.StartRequest(
                subject="Frage zum Bescheid", body="Hallo, ich habe eine Frage.", topic=topic
            ),
        )
        with_file = messaging_services.message_send(
            conversation=conversation, author=owner.user, body="", attachment=upload(photo(2))
        )
    page = document.pages.order_by("pk").first()
    assert page is not None
    doc_request = document_services.document_request_create(
        request=None,
        jobcenter=jc_a,
        customer=owner,
        items=[RequestItemInput(kind="payslip")],
        deadline=timezone.localdate() + timedelta(days=7),
        explanation="",
    )
    template = TextTemplate.objects.create(jobcenter=jc_a, title="Gruß", body="Guten Tag {vorname}")
    subscription = PushSubscription.objects.create(
        user=owner.user, endpoint="https://push.example.org/owner", p256dh="k", auth="a"
    )
    webauthn = Authenticator.objects.create(
        user=owner.user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Schlüssel", "credential": {}},
    )
    membership = StaffMembership.objects.get(user=staff[Role.CASEWORKER.value], jobcenter=jc_a)
    # Recorded directly: the service would close the owner's account, which the other
    # entries still need.
    deletion = AccountDeletionRequest.objects.create(
        user=owner.user, jobcenter=jc_a, customer=owner
    )
    news_post, news_item = _news(jc_a, staff[Role.TEAM_LEAD.value])
    # Reception (issue 21): a waiting area with a desk, the owner's walk-in ticket, a display.
    area = reception_config.area_save(
        request=None,
        actor=staff["admin"],
        jobcenter=jc_a,
        area=None,
        name="B",
        prefix="A",
        active=True,
    )
    desk = reception_config.desk_save(
        request=None,
        actor=staff["admin"],
        jobcenter=jc_a,
        desk=None,
        area=area,
        name="Platz 3",
        active=True,
    )
    ticket = reception_services.ticket_walk_in(
        request=None,
        actor=staff["reception"],
        jobcenter=jc_a,
        customer=owner,
        topic="Antrag",
        area=area,
    )
    display, display_token = reception_config.display_create(
        request=None, actor=staff["admin"], jobcenter=jc_a, area=area, name="Flur"
    )

    # Postbox (issue 25): the owner consented; one grant in the postbox, one objection.
    postbox_services.consent_set(request=None, customer=owner, electronic=True)
    notice = postbox_services.notice_deposit(
        request=None,
        actor=staff[Role.CASEWORKER.value],
        customer=owner,
        data=postbox_services.NoticeInput(
            kind="grant", dated=timezone.localdate(), data=postbox_pdf()
        ),
    )
    objection = postbox_services.objection_submit(
        request=None, customer=owner, notice=notice, reasons="Die Miete fehlt."
    )
    # Hand-off (issue 24): the objection's push failed for good (a dead letter).
    dead_letter = ItemDelivery.objects.create(
        jobcenter=jc_a,
        subject="objection",
        subject_id=objection.pk,
        backend="json_push",
        status="failed",
        attempts=8,
        idempotency_key="welt",
        last_error="HTTP 500",
    )
    # The back-office system's token (no persona holds its key).
    backoffice_token, _key = postbox_backoffice.token_create(
        request=None, jobcenter=jc_a, actor=staff["admin"], name="Fachverfahren"
    )

    videos = make_videos(jc_a)
    # Staff single sign-on (issue 24): a provider of A (nothing listens at its address).
    identity_provider = identity_services.identity_provider_save(
        request=None,
        actor=None,
        provider=IdentityProvider(
            jobcenter=jc_a,
            key="welt-verwaltung",
            name="Welt-Verwaltung",
            issuer="http://127.0.0.1:9/o",
            client_id="welt",
        ),
        secret="welt-geheim",
        group_roles=[("Leistung", Role.CASEWORKER)],
    )
    sso_identities = {
        persona: ExternalIdentity.objects.create(
            provider=identity_provider,
            user=staff[role],
            subject=f"welt-{role}",
            roles=[role],
        ).pk
        for persona, role in SSO_PERSONAS.items()
    }
    mandates = _mandates(jc_a, owner, other, application)
    ids: dict[str, Any] = {
        "sso_identities": sso_identities,
        **videos,
        "jc": jc_a.slug,
        "slug": jc_a.slug,
        "customer": owner.pk,
        "customer_pk": owner.pk,
        "membership": membership.pk,
        "account_deletion": deletion.pk,
        "dead_letter": dead_letter.pk,
        "office": office.pk,
        "section": "branding",
        "type_id": appt_type.pk,
        "appointment": appointment.pk,
        "token": feed_token,
        "application": application.pk,
        "draft": draft.pk,
        "question_id": question.pk,
        "step_key": "filing",
        "kind_slug": "erstantrag",
        "document": document.pk,
        "page": page.pk,
        "document_request": doc_request.pk,
        "conversation": conversation.pk,
        "message": with_file.pk,
        "template_id": template.pk,
        "subscription": subscription.pk,
        "subscription_endpoint": subscription.endpoint,
        "webauthn": webauthn.pk,
        "user": owner.user.pk,
        "user_ct": ContentType.objects.get_for_model(User).pk,
        "advisor": advisor.pk,
        "topic": topic.pk if topic else None,
        "future": _next_weekday_at(10, days=5).isoformat(),
        "key": "initial",
        "name": "application",
        "version": 1,
        # Whom the work queue's assign action gives an application to (issue 18).
        "caseworker_user": staff[Role.CASEWORKER.value].pk,
        "news_post": news_post.pk,
        "news_item": news_item.pk,
        "area": area.pk,
        "desk": desk.pk,
        "ticket": ticket.pk,
        "display": display.pk,
        "display_token": display_token,
        **mandates,
        "notice": notice.pk,
        "objection": objection.pk,
        "identity_provider": identity_provider.pk,
        "idp_key": identity_provider.key,
        "backoffice_token": backoffice_token.pk,
        "customer_number": owner.customer_number,
    }
    users: dict[str, User | None] = {
        "anonymous": None,
        "owner": owner.user,
        "other_customer": other.user,
        "customer_b": customer_b.user,
        REPRESENTATIVE: User.objects.get(email=REPRESENTATIVE_EMAIL),
        "staff_b": staff_b,
        **{role: staff[role] for role in ROLE_PERSONAS},
        **{persona: staff[role] for persona, role in SSO_PERSONAS.items()},
    }
    return World(ids=ids, users=users)


def _sso_login(world: World, client: Client, persona: str, user: User) -> None:
    """What the provider's login leaves in the session (``identity.services``): the login
    by allauth's flow, the SSO record with the provider's second factor, the session
    known to the provider (back-channel logout)."""
    client.force_login(user)
    session = client.session
    identity_pk = world.ids["sso_identities"][persona]
    session[SSO_SESSION_KEY] = {
        "user": user.pk,
        "identity": identity_pk,
        "provider": "welt-verwaltung",
        "sid": f"sid-{persona}",
        "second_factor": True,
        "access_token": "",
        "refresh_token": "",
        "checked": time.time(),
    }
    session.save()
    SsoSession.objects.create(
        identity_id=identity_pk, sid=f"sid-{persona}", session_key=session.session_key or ""
    )


def login(world: World) -> None:
    """One client per persona, logged in once (staff with the second factor)."""
    for persona, user in world.users.items():
        client = Client()
        if user is not None:
            if persona in SSO_PERSONAS:
                _sso_login(world, client, persona, user)
            elif persona in ROLE_PERSONAS or persona == "staff_b":
                login_with_mfa(client, user)
            else:
                client.force_login(user)
            # As right after entering the password again: allauth's re-authentication is
            # satisfied, so the pages behind it (security keys) answer for ownership.
            session = client.session
            methods = session.get("account_authentication_methods", [])
            session["account_authentication_methods"] = [
                *methods,
                {
                    "method": "password",
                    "at": time.time(),
                    "email": user.email,
                    "reauthenticated": True,
                },
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            if persona == REPRESENTATIVE:
                session[ACTING_SESSION_KEY] = world.ids["acting_mandate"]
            session.save()
        world.clients[persona] = client
        world.cookies[persona] = dict(client.cookies.items())


def ask(world: World, persona: str, method: str, url: str, **kwargs: Any) -> Any:
    """One request as ``persona``; the client's cookies are put back afterwards, so a
    route that logs out or rotates the session (logout, login, signup) does not change
    who the persona is for the next request."""
    client = world.clients[persona]
    try:
        return getattr(client, method)(url, **kwargs)
    finally:
        client.cookies.clear()
        for name, morsel in world.cookies[persona].items():
            client.cookies[name] = morsel.value


def fresh_mfa(world: World) -> None:
    """Keep the sessions' authentication recent (staff pages and allauth's sensitive
    pages ask again after a while); called before each test."""
    now = time.time()
    for persona in (*CUSTOMER_PERSONAS, REPRESENTATIVE, *ROLE_PERSONAS, "staff_b", *SSO_PERSONAS):
        session = world.clients[persona].session
        for method in session.get("account_authentication_methods", []):
            method["at"] = now
        if persona in SSO_PERSONAS:
            # Within the role lifetime (no provider listens in the world).
            sso = session[SSO_SESSION_KEY]
            sso["checked"] = now
            session[SSO_SESSION_KEY] = sso
        session.save()


def customers(world: World) -> dict[str, CustomerProfile]:
    return {
        p: CustomerProfile.objects.get(user=u)
        for p, u in world.users.items()
        if p in CUSTOMER_PERSONAS and u is not None
    }

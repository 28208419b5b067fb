"""Every write to people's data (DESIGN §4.1). Each call leaves an audit entry."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import (
    ApiToken,
    CustomerProfile,
    Role,
    StaffMembership,
    User,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import CUSTOMERS, queue_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.tenants.models import Jobcenter

PROFILE_FIELDS = ("street", "postcode", "city", "phone", "contact_channel")
USER_FIELDS = ("first_name", "last_name", "preferred_language")


@transaction.atomic
def customer_register(
    *,
    request: HttpRequest | None,
    user: User,
    jobcenter: Jobcenter,
    first_name: str,
    last_name: str,
) -> CustomerProfile:
    """Tie a freshly signed-up login to its job centre as a customer."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    if request is not None and getattr(request, "LANGUAGE_CODE", None):
        user.preferred_language = request.LANGUAGE_CODE
    user.save(update_fields=["first_name", "last_name", "preferred_language"])
    profile = CustomerProfile.objects.create(user=user, jobcenter=jobcenter)
    queue_changed(jobcenter_id=jobcenter.pk, module=CUSTOMERS)  # the start page's counts
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="customer_profile",
        object_id=profile.pk,
        jobcenter=jobcenter,
        subject=user,
        actor=user,
    )
    return profile


@transaction.atomic
def customer_profile_update(
    *, request: HttpRequest | None, actor: User, profile: CustomerProfile, data: dict[str, str]
) -> list[str]:
    """Change a customer's profile; returns the names of the fields that changed."""
    user = profile.user
    changed: list[str] = []
    for field in USER_FIELDS:
        if field in data and getattr(user, field) != data[field]:
            setattr(user, field, data[field])
            changed.append(field)
    for field in PROFILE_FIELDS:
        if field in data and getattr(profile, field) != data[field]:
            setattr(profile, field, data[field])
            changed.append(field)
    if not changed:
        return changed
    profile.full_clean(exclude=["user", "jobcenter"])
    user.save(update_fields=[f for f in USER_FIELDS if f in changed] or None)
    profile.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="customer_profile",
        object_id=profile.pk,
        jobcenter=profile.jobcenter,
        subject=user,
        actor=actor,
        detail="fields=" + ",".join(changed),
    )
    return changed


@transaction.atomic
def customer_assign_number(
    *, request: HttpRequest | None, actor: User, profile: CustomerProfile, number: str
) -> CustomerProfile:
    number = number.strip()
    if not number:
        raise ValidationError({"customer_number": _("Bitte eine Kundennummer angeben.")})
    duplicate = (
        CustomerProfile.objects.filter(jobcenter=profile.jobcenter, customer_number=number)
        .exclude(pk=profile.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError({"customer_number": _("Diese Kundennummer ist bereits vergeben.")})
    old = profile.customer_number or ""
    profile.customer_number = number
    try:
        with transaction.atomic():
            profile.save(update_fields=["customer_number", "updated_at"])
            queue_changed(jobcenter_id=profile.jobcenter_id, module=CUSTOMERS)
    except IntegrityError:
        # Two clerks assigned the same number at once: the unique constraint decides.
        raise ValidationError(
            {"customer_number": _("Diese Kundennummer ist bereits vergeben.")}
        ) from None
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="customer_number",
        object_id=profile.pk,
        jobcenter=profile.jobcenter,
        subject=profile.user,
        actor=actor,
        detail=f"{old or '-'} -> {number}",
    )
    # Linking an account to a customer number gives the customer their card (issue 21).
    from openjobcenter.cards.services import card_issue

    card_issue(customer=profile, actor=actor, request=request)
    return profile


def user_set_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


# The session notes a language the person chose with the switcher before logging in
# (web.views.set_language); the cookie alone is no choice: after a logout it still holds
# the account language of whoever was logged in on this device before.
LANGUAGE_CHOSEN_KEY = "ojc_language_chosen"


def user_keep_chosen_language(*, request: HttpRequest | None, user: User) -> str | None:
    """At login: store the language the person chose before logging in on their account,
    so it survives the login (issue 23). Returns the stored code, None when there was no
    choice, it is not offered (any more), or the account holds it already."""
    from openjobcenter.core.languages import usable_language

    session = getattr(request, "session", None)
    if session is None:
        return None
    chosen = session.pop(LANGUAGE_CHOSEN_KEY, None)
    if not isinstance(chosen, str) or not chosen or usable_language(chosen) != chosen:
        return None
    if user.preferred_language == chosen:
        return None
    # A transaction only when something is written: every login passes here (no
    # savepoint round trips for the logins without a choice).
    with transaction.atomic():
        user.preferred_language = chosen
        user.save(update_fields=["preferred_language"])
        profile = CustomerProfile.objects.filter(user=user).select_related("jobcenter").first()
        audit(
            request=request,
            action=AuditAction.UPDATE,
            object_type="customer_profile" if profile is not None else "user",
            object_id=profile.pk if profile is not None else user.pk,
            jobcenter=profile.jobcenter if profile is not None else None,
            subject=user,
            actor=user,
            detail="fields=preferred_language",
        )
    return chosen


@transaction.atomic
def staff_membership_grant(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
) -> tuple[StaffMembership, bool]:
    """Give a person a role in a job centre. Creates the login if there is none yet
    (without a password: the person sets one through the password-reset link we mail).
    Returns the membership and whether the login was new."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created_user = user is None
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, first_name=first_name.strip(), last_name=last_name.strip()
        )
        from allauth.account.models import EmailAddress

        # The job-centre admin vouches for the address of their own colleague.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    membership, created = StaffMembership.objects.get_or_create(
        user=user, jobcenter=jobcenter, role=role
    )
    if not created:
        raise ValidationError({"role": _("Diese Person hat diese Rolle bereits.")})
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="staff_membership",
        object_id=membership.pk,
        jobcenter=jobcenter,
        subject=user,
        actor=actor,
        detail=f"role={role}",
    )
    if created_user:
        _send_staff_invitation(user=user, jobcenter=jobcenter, request=request)
    return membership, created_user


def _send_staff_invitation(
    *, user: User, jobcenter: Jobcenter, request: HttpRequest | None
) -> None:
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.urls import reverse

    from openjobcenter.core.mail import send_after_commit

    base = request.build_absolute_uri("/") if request is not None else "/"
    reset_url = base.rstrip("/") + reverse("account_reset_password")
    body = _(
        "Guten Tag,\n\nSie haben Zugang zum Fachbereich von %(jc)s erhalten.\n"
        "Bitte legen Sie hier Ihr Passwort fest (Passwort vergessen, mit dieser E-Mail-Adresse):"
        "\n%(url)s\n\nBeim ersten Anmelden richten Sie einen zweiten Faktor ein."
    ) % {"jc": jobcenter.name, "url": reset_url}
    send_after_commit(
        EmailMessage(
            _("Ihr Zugang zu OpenJobcenter"), body, settings.DEFAULT_FROM_EMAIL, [user.email]
        )
    )


@transaction.atomic
def staff_membership_revoke(
    *, request: HttpRequest | None, actor: User, membership: StaffMembership
) -> None:
    if membership.role == Role.ADMIN:
        admins = StaffMembership.objects.select_for_update().filter(
            jobcenter=membership.jobcenter, role=Role.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError(
                _("Die letzte Administration eines Jobcenters kann nicht entfernt werden.")
            )
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="staff_membership",
        object_id=membership.pk,
        jobcenter=membership.jobcenter,
        subject=membership.user,
        actor=actor,
        detail=f"role={membership.role}",
    )
    membership.delete()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the clear key is returned once and never stored."""
    key = "ojc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        key_hash=ApiToken.hash_key(key),
        prefix=key[4:12],
    )
    return token, key


def api_token_touch(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if there is no such live token."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


@transaction.atomic
def customer_assign_advisor(
    *, request: HttpRequest | None, actor: User, profile: CustomerProfile, advisor: User | None
) -> CustomerProfile:
    """Make ``advisor`` the customer's own contact person (job advisor), or clear it."""
    if (
        advisor is not None
        and not StaffMembership.objects.filter(user=advisor, jobcenter=profile.jobcenter).exists()
    ):
        raise ValidationError({"advisor": _("Diese Person arbeitet nicht in diesem Jobcenter.")})
    profile.advisor = advisor
    profile.save(update_fields=["advisor", "updated_at"])
    # The work queue counts documents as mine or the team's by the customer's advisor.
    queue_changed(jobcenter_id=profile.jobcenter_id, module="documents")
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="customer_advisor",
        object_id=profile.pk,
        jobcenter=profile.jobcenter,
        subject=profile.user,
        actor=actor,
        detail=f"advisor={advisor.email if advisor else '-'}",
    )
    return profile

"""Every write of mandates and advice centres (keyword-only, ``<entity>_<action>``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.mandates.codes import code_hash, new_code
from openjobcenter.mandates.models import (
    Mandate,
    MandateKind,
    MandateState,
    Organisation,
    OrganisationStatus,
    Scope,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.documents.models import Document
    from openjobcenter.tenants.models import Jobcenter

MAX_DAYS = 366  # "at most twelve months" (a leap year's twelve months included)
GUARDIAN_MAX_DAYS = 7 * 366  # a court reviews a guardianship within seven years
CODE_DAYS = 14


class MandateError(ValueError):
    """A refused change, with the message for the person (German first)."""


@dataclass(frozen=True)
class MandateInput:
    scopes: list[str]
    valid_until: date
    label: str = ""


def _check(data: MandateInput, *, max_days: int) -> list[str]:
    scopes = [s for s in Scope.values if s in set(data.scopes)]
    if not scopes or len(scopes) != len(set(data.scopes)):
        raise MandateError(_("Bitte wählen Sie mindestens einen gültigen Bereich."))
    today = timezone.localdate()
    if data.valid_until < today:
        raise MandateError(_("Das Ende darf nicht in der Vergangenheit liegen."))
    if data.valid_until > today + timedelta(days=max_days):
        if max_days == MAX_DAYS:
            raise MandateError(
                _("Eine Vollmacht gilt höchstens zwölf Monate. Sie können sie danach verlängern.")
            )
        raise MandateError(
            _("Eine Betreuung kann hier für höchstens sieben Jahre eingetragen werden.")
        )
    return scopes


def _audit(
    request: HttpRequest | None,
    action: AuditAction,
    mandate: Mandate,
    detail: str,
    actor: User | None = None,
) -> None:
    audit(
        request=request,
        action=action,
        object_type="mandate",
        object_id=mandate.pk,
        jobcenter=mandate.jobcenter,
        subject=mandate.customer.user,
        actor=actor,
        detail=detail,
    )


def _create(
    *,
    request: HttpRequest | None,
    customer: CustomerProfile,
    actor: User,
    data: MandateInput,
    kind: MandateKind,
    **extra: Any,
) -> tuple[Mandate, str]:
    """A new invitation with its code (returned once, stored as its hash), audited."""
    scopes = _check(data, max_days=GUARDIAN_MAX_DAYS if kind == MandateKind.GUARDIAN else MAX_DAYS)
    code = new_code()
    mandate = Mandate.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=kind,
        scopes=scopes,
        label=data.label.strip()[:120],
        valid_until=data.valid_until,
        created_by=actor,
        code_hash=code_hash(code),
        code_expires_at=timezone.now() + timedelta(days=CODE_DAYS),
        **extra,
    )
    proof = f" proof={mandate.proof_document_id}" if mandate.proof_document_id else ""
    detail = f"{kind} scopes={','.join(scopes)} until={data.valid_until}{proof}"
    _audit(request, AuditAction.CREATE, mandate, detail, actor)
    return mandate, code


@transaction.atomic
def mandate_invite(
    *, request: HttpRequest | None, customer: CustomerProfile, actor: User, data: MandateInput
) -> tuple[Mandate, str]:
    """The customer grants a mandate: an invitation whose code is shown once."""
    return _create(
        request=request, customer=customer, actor=actor, data=data, kind=MandateKind.PERSONAL
    )


@transaction.atomic
def mandate_guardian_create(
    *,
    request: HttpRequest | None,
    actor: User,
    customer: CustomerProfile,
    data: MandateInput,
    court_reference: str,
    proof: Document,
) -> tuple[Mandate, str]:
    """Staff enter a legal guardian from the court's document (Betreuerausweis) that is in
    the customer's documents; the guardian accepts with the code like any representative."""
    if proof.customer_id != customer.pk:
        raise MandateError(_("Bitte wählen Sie ein Dokument dieser Person."))
    if not court_reference.strip():
        raise MandateError(_("Bitte geben Sie das Aktenzeichen des Gerichts an."))
    return _create(
        request=request,
        customer=customer,
        actor=actor,
        data=data,
        kind=MandateKind.GUARDIAN,
        proof_document=proof,
        court_reference=court_reference.strip()[:80],
    )


@transaction.atomic
def mandate_accept(
    *,
    request: HttpRequest | None,
    user: User,
    jobcenter: Jobcenter,
    code: str,
    organisation: Organisation | None = None,
) -> Mandate:
    """The representative accepts with their own account; the code is then used up."""
    refused = MandateError(_("Dieser Code ist ungültig, abgelaufen oder schon benutzt."))
    mandate = (
        Mandate.objects.select_for_update()
        .select_related("customer__user", "jobcenter")
        .filter(code_hash=code_hash(code), jobcenter=jobcenter)
        .first()
    )
    if mandate is None or mandate.state() != MandateState.INVITED:
        raise refused
    if mandate.code_expires_at is None or mandate.code_expires_at < timezone.now():
        raise refused
    if mandate.customer.user_id == user.pk:
        raise MandateError(_("Sie können sich nicht selbst vertreten."))
    if organisation is not None and (
        organisation.jobcenter_id != jobcenter.pk
        or organisation.status != OrganisationStatus.APPROVED
        or not organisation.members.filter(pk=user.pk).exists()
    ):
        raise MandateError(_("Diese Beratungsstelle ist nicht freigegeben."))
    mandate.representative = user
    mandate.organisation = organisation
    mandate.accepted_at = timezone.now()
    mandate.code_hash = None
    mandate.code_expires_at = None
    mandate.save(
        update_fields=[
            "representative",
            "organisation",
            "accepted_at",
            "code_hash",
            "code_expires_at",
        ]
    )
    _audit(request, AuditAction.UPDATE, mandate, "accepted", user)
    return mandate


@transaction.atomic
def mandate_revoke(*, request: HttpRequest | None, mandate: Mandate, actor: User) -> Mandate:
    """Ends the mandate at once (a repeat changes nothing)."""
    if mandate.revoked_at is None:
        mandate.revoked_at = timezone.now()
        mandate.revoked_by = actor
        mandate.code_hash = None
        mandate.save(update_fields=["revoked_at", "revoked_by", "code_hash"])
        _audit(request, AuditAction.UPDATE, mandate, "revoked", actor)
    return mandate


@transaction.atomic
def mandate_renew(
    *, request: HttpRequest | None, mandate: Mandate, actor: User, valid_until: date
) -> Mandate:
    if mandate.state() in (MandateState.REVOKED,):
        raise MandateError(_("Eine widerrufene Vollmacht kann nicht verlängert werden."))
    max_days = GUARDIAN_MAX_DAYS if mandate.kind == MandateKind.GUARDIAN else MAX_DAYS
    _check(MandateInput(scopes=list(mandate.scopes), valid_until=valid_until), max_days=max_days)
    mandate.valid_until = valid_until
    mandate.save(update_fields=["valid_until"])
    _audit(request, AuditAction.UPDATE, mandate, f"renewed until={valid_until}", actor)
    return mandate


@transaction.atomic
def organisation_register(
    *,
    request: HttpRequest | None,
    user: User,
    jobcenter: Jobcenter,
    name: str,
    address: str,
    email: str,
) -> Organisation:
    """An advice centre asks to be registered; the job centre's admin approves it."""
    if not name.strip() or not address.strip():
        raise MandateError(_("Bitte geben Sie Name und Anschrift der Beratungsstelle an."))
    organisation = Organisation.objects.create(
        jobcenter=jobcenter, name=name.strip()[:200], address=address.strip()[:300], email=email
    )
    organisation.members.add(user)
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="advice_centre",
        object_id=organisation.pk,
        jobcenter=jobcenter,
        actor=user,
    )
    return organisation


@transaction.atomic
def organisation_decide(
    *, request: HttpRequest | None, actor: User, organisation: Organisation, approve: bool
) -> Organisation:
    organisation.status = OrganisationStatus.APPROVED if approve else OrganisationStatus.REJECTED
    organisation.decided_at = timezone.now()
    organisation.decided_by = actor
    organisation.save(update_fields=["status", "decided_at", "decided_by"])
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="advice_centre",
        object_id=organisation.pk,
        jobcenter=organisation.jobcenter,
        actor=actor,
        detail=str(organisation.status),
    )
    return organisation


@transaction.atomic
def organisation_member_add(
    *, request: HttpRequest | None, actor: User, organisation: Organisation, member: User
) -> None:
    """A member of an approved advice centre adds a colleague (an existing account)."""
    organisation.members.add(member)
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="advice_centre",
        object_id=organisation.pk,
        jobcenter=organisation.jobcenter,
        actor=actor,
        detail=f"member added {member.pk}",
    )

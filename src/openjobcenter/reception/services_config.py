"""The job-centre admin's configuration of reception: waiting areas, desks, displays."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import User
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.reception import realtime
from openjobcenter.reception.models import Desk, Display, WaitingArea, hash_token, new_token
from openjobcenter.tenants.models import Jobcenter

if TYPE_CHECKING:
    from openjobcenter.reception.services import ReceptionError


def _error(message: str, field: str) -> ReceptionError:
    from openjobcenter.reception.services import ReceptionError

    return ReceptionError(message, field=field)


def _log(
    request: HttpRequest | None,
    actor: User,
    jc: Jobcenter,
    action: AuditAction,
    kind: str,
    pk: int,
    detail: str,
) -> None:
    audit(
        request=request,
        action=action,
        object_type=kind,
        object_id=pk,
        jobcenter=jc,
        actor=actor,
        detail=detail,
    )


@transaction.atomic
def area_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    area: WaitingArea | None,
    name: str,
    prefix: str,
    active: bool,
) -> WaitingArea:
    """Create (``area=None``) or change a waiting area; name and prefix unique per job centre."""
    name, prefix = name.strip(), prefix.strip().upper()
    others = WaitingArea.objects.filter(jobcenter=jobcenter)
    if area is not None:
        others = others.exclude(pk=area.pk)
    if others.filter(name__iexact=name).exists():
        raise _error(_("Einen Wartebereich mit diesem Namen gibt es schon."), "name")
    if others.filter(prefix=prefix).exists():
        raise _error(_("Dieser Buchstabe gehört schon zu einem anderen Wartebereich."), "prefix")
    target = area or WaitingArea(jobcenter=jobcenter)
    target.name, target.prefix, target.active = name, prefix, active
    target.full_clean()
    target.save()
    _log(
        request,
        actor,
        jobcenter,
        AuditAction.UPDATE if area else AuditAction.CREATE,
        "reception_area",
        target.pk,
        f"{prefix} active={active}",
    )
    return target


@transaction.atomic
def desk_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    desk: Desk | None,
    area: WaitingArea,
    name: str,
    active: bool,
) -> Desk:
    name = name.strip()
    if area.jobcenter_id != jobcenter.pk:
        raise _error(_("Bitte wählen Sie einen Wartebereich aus."), "area")
    others = Desk.objects.filter(jobcenter=jobcenter)
    if desk is not None:
        others = others.exclude(pk=desk.pk)
    if others.filter(name__iexact=name).exists():
        raise _error(_("Einen Platz mit diesem Namen gibt es schon."), "name")
    target = desk or Desk(jobcenter=jobcenter)
    target.area, target.name, target.active = area, name, active
    target.full_clean()
    target.save()
    _log(
        request,
        actor,
        jobcenter,
        AuditAction.UPDATE if desk else AuditAction.CREATE,
        "reception_desk",
        target.pk,
        f"area={area.pk} active={active}",
    )
    return target


@transaction.atomic
def display_create(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, area: WaitingArea, name: str
) -> tuple[Display, str]:
    """A new display link for a waiting area; the token is shown once and stored hashed."""
    name = name.strip()
    if area.jobcenter_id != jobcenter.pk:
        raise _error(_("Bitte wählen Sie einen Wartebereich aus."), "area")
    token = new_token()
    display = Display(jobcenter=jobcenter, area=area, name=name, token_hash=hash_token(token))
    display.full_clean()
    display.save()
    _log(
        request,
        actor,
        jobcenter,
        AuditAction.CREATE,
        "reception_display",
        display.pk,
        f"area={area.pk}",
    )
    return display, token


@transaction.atomic
def display_revoke(*, request: HttpRequest | None, actor: User, display: Display) -> Display:
    """The link stops working at once; an open screen is told to close its socket."""
    display = Display.objects.select_for_update().get(pk=display.pk)
    if display.revoked_at is None:
        display.revoked_at = timezone.now()
        display.save(update_fields=["revoked_at"])
        _log(
            request,
            actor,
            display.jobcenter,
            AuditAction.UPDATE,
            "reception_display",
            display.pk,
            "revoked",
        )
        realtime.display_revoked(display.pk)
    return display

"""Writes of the home app: marking news as seen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models.functions import Greatest

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home import realtime
from openjobcenter.home.models import SeenMarker

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile


@transaction.atomic
def seen_marker_advance(
    *, request: HttpRequest | None, customer: CustomerProfile, key: str, upto: int
) -> None:
    """The customer has seen ``key``'s news up to ``upto``. The marker only moves
    forward (a double tap or an old tab cannot bring news back)."""
    marker, created = SeenMarker.objects.get_or_create(
        customer=customer, key=key, defaults={"upto": upto}
    )
    if not created:
        SeenMarker.objects.filter(pk=marker.pk).update(upto=Greatest("upto", upto))
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="home_seen",
        object_id=key,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        detail=f"upto {upto}",
    )
    realtime.home_changed(customer.user_id)

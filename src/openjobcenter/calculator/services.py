from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from openjobcenter.calculator.models import HousingLimit
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter


@transaction.atomic
def housing_limits_set(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    limits: dict[int, Decimal | None],
) -> None:
    """Replace the job centre's limits; ``None`` removes the limit for that size."""
    for persons, amount in limits.items():
        if amount is None:
            HousingLimit.objects.filter(jobcenter=jobcenter, persons=persons).delete()
        else:
            HousingLimit.objects.update_or_create(
                jobcenter=jobcenter, persons=persons, defaults={"amount_m": amount}
            )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="jobcenter",
        object_id=jobcenter.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail="housing_limits="
        + ",".join(f"{p}:{a}" for p, a in sorted(limits.items()) if a is not None),
    )

from __future__ import annotations

from decimal import Decimal

from openjobcenter.calculator.models import MAX_PERSONS, HousingLimit
from openjobcenter.tenants.models import Jobcenter


def housing_limits_of(jobcenter: Jobcenter) -> dict[int, Decimal]:
    return dict(HousingLimit.objects.filter(jobcenter=jobcenter).values_list("persons", "amount_m"))


def housing_limit_for(jobcenter: Jobcenter, persons: int) -> Decimal | None:
    """The job centre's limit for a household of ``persons``, or None if it has none."""
    return housing_limits_of(jobcenter).get(min(max(persons, 1), MAX_PERSONS))

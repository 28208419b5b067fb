"""Submitted applications for the staff, hand-off, API and pre-calculation tests (A2).

Built directly (not through the customer services) so these tests do not depend on the
customer flow; the API test for the whole customer flow goes through the services.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import datetime
from typing import Any

from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    ApplicationStep,
    StepState,
)
from openjobcenter.tenants.models import Jobcenter

_counter = itertools.count(1)

COUPLE_WITH_CHILD: dict[str, dict[str, Any]] = {
    "filing": {
        "first_name": "Karl",
        "last_name": "Kunde",
        "birth_date": "1985-04-12",
        "street": "Hauptstraße 1",
        "postcode": "36037",
        "city": "Fulda",
        "email": "kunde@example.org",
    },
    "household": {
        "members": [
            {
                "id": "p2",
                "role": "partner",
                "first_name": "Eva",
                "last_name": "Kunde",
                "birth_date": "1988-09-30",
            },
            {
                "id": "p3",
                "role": "child",
                "first_name": "Mia",
                "last_name": "Kunde",
                "birth_date": "2019-03-01",
            },
        ]
    },
    "housing": {
        "kind": "rent",
        "cold_rent": "500.00",
        "service_charges": "100.00",
        "heating_kind": "central",
        "heating_costs": "90.00",
        "hot_water": "central",
        "floor_space": "75",
        "moved_in": "2020-01-01",
    },
    "income:p1": {
        "kinds": ["employment"],
        "employer": "Bäckerei Muster",
        "gross_earnings": "600.00",
        "net_earnings": "480.00",
    },
    "income:p2": {"kinds": []},
    "income:p3": {"kinds": ["child_benefit"], "child_benefit": "255.00"},
    "additional_needs": {"pregnant": "no", "disability": "no", "diet": "no", "other": "no"},
    "assets": {"significant": "no"},
}


def enable_module(jobcenter: Jobcenter) -> None:
    if "applications" not in jobcenter.enabled_modules:
        jobcenter.enabled_modules = [*jobcenter.enabled_modules, "applications"]
        jobcenter.save()


def make_application(
    customer: CustomerProfile,
    *,
    answers: dict[str, dict[str, Any]] | None = None,
    status: str = ApplicationStatus.RECEIVED,
    kind: str = ApplicationKind.INITIAL,
    submitted_at: datetime | None = None,
    name: str | None = None,
) -> Application:
    """A submitted application (or a draft with ``status="draft"``) with its steps."""
    answers = COUPLE_WITH_CHILD if answers is None else answers
    number = next(_counter)
    draft = status == ApplicationStatus.DRAFT
    now = submitted_at or timezone.now()
    data = {"answers": answers}
    app = Application.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=kind,
        status=status,
        reference=f"EA-2026-T{number:06d}",
        form_key=kind,
        form_version=1,
        filed_at=now,
        submitted_at=None if draft else now,
        submitted_data=None if draft else data,
        submission_sha256=""
        if draft
        else hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest(),
        customer_name=name or customer.user.display_name,
        customer_number=customer.customer_number or "",
    )
    for key, values in answers.items():
        ApplicationStep.objects.create(
            application=app,
            step_key=key,
            answers=values,
            state=StepState.DONE,
            completed_at=now,
        )
    return app

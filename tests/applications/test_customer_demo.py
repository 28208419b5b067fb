"""Demo applications load and are idempotent (A1)."""

from __future__ import annotations

from typing import Any

import pytest

from openjobcenter.accounts.demo import load_people
from openjobcenter.applications.demo import load_applications
from openjobcenter.applications.models import Application, ApplicationStatus

pytestmark = pytest.mark.django_db


def test_demo_applications(jobcenters: Any) -> None:
    load_people()
    load_applications()
    load_applications()
    assert Application.objects.count() == 2
    assert Application.objects.filter(status=ApplicationStatus.RECEIVED).count() == 1
    draft = Application.objects.get(status=ApplicationStatus.DRAFT)
    assert draft.filed_at is not None

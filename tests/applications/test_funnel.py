"""Step funnel: started, completed, left there, median time; no personal data."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from openjobcenter.applications.funnel import funnel
from openjobcenter.applications.models import Application, ApplicationStep, StepState
from tests.applications.staff_data import make_application

pytestmark = pytest.mark.django_db


def _draft_with_steps(customer: Any, steps: list[tuple[str, int | None]]) -> Application:
    """A draft whose steps started one after another; (key, minutes to complete or None)."""
    app = make_application(customer, status="draft", answers={})
    start = timezone.now() - timedelta(hours=2)
    for i, (key, minutes) in enumerate(steps):
        started = start + timedelta(minutes=10 * i)
        step = ApplicationStep.objects.create(
            application=app,
            step_key=key,
            answers={"first_name": "Geheimname"},
            state=StepState.DONE if minutes is not None else StepState.OPEN,
            completed_at=started + timedelta(minutes=minutes) if minutes is not None else None,
        )
        ApplicationStep.objects.filter(pk=step.pk).update(started_at=started)
    return app


def test_funnel_counts_started_completed_left_and_median(
    customer: Any, customer2: Any, customer_b: Any
) -> None:
    # Two gave up at "bank" (one never completed it, one completed it and left), one went on.
    _draft_with_steps(customer, [("filing", 2), ("personal", 4), ("bank", None)])
    _draft_with_steps(customer2, [("filing", 4), ("personal", 6), ("bank", 1)])
    submitted = _draft_with_steps(
        customer, [("filing", 6), ("personal", 8), ("bank", 3), ("income:p1", 5), ("income:p2", 7)]
    )
    Application.objects.filter(pk=submitted.pk).update(status="received")
    # Another job centre's data never shows.
    _draft_with_steps(customer_b, [("filing", 1)])
    rows = {r.step: r for r in funnel(customer.jobcenter, kind="initial")}
    assert [r.step for r in funnel(customer.jobcenter, kind="initial")][:3] == [
        "filing",
        "personal",
        "bank",
    ]
    assert (rows["filing"].started, rows["filing"].completed, rows["filing"].left_here) == (3, 3, 0)
    assert rows["filing"].median_s == 4 * 60
    assert (rows["bank"].started, rows["bank"].completed, rows["bank"].left_here) == (3, 2, 2)
    assert rows["bank"].completion_rate == 67
    # Per-person steps count once per application.
    assert rows["income"].started == 1
    assert rows["income"].median_s == 6 * 60


def test_funnel_rows_hold_no_personal_data(customer: Any) -> None:
    _draft_with_steps(customer, [("filing", 2)])
    rows = funnel(customer.jobcenter, kind="initial")
    for row in rows:
        values = dataclasses.asdict(row)
        assert set(values) == {"step", "title", "started", "completed", "left_here", "median_s"}
        assert "Geheimname" not in repr(values)
        assert customer.user.email not in repr(values)


def test_funnel_empty(customer: Any) -> None:
    assert funnel(customer.jobcenter, kind="renewal") == []

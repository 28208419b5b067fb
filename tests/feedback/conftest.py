from __future__ import annotations

import pytest

from openjobcenter.tenants.models import Jobcenter


def enable(jobcenter: Jobcenter, *modules: str) -> None:
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "feedback", *modules})
    jobcenter.save()


@pytest.fixture
def feedback_on(jc_a: Jobcenter) -> Jobcenter:
    enable(jc_a)
    return jc_a

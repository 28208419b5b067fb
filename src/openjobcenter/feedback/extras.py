"""Extension point: other modules' figures beside a page on the feedback dashboard.

A module (the explainer videos, for one) registers a provider from its
``AppConfig.ready``: ``register("videos", label, provider)`` where ``provider(jobcenter,
rows)`` returns, per row it knows, a short text ("12 Aufrufe, 70 % bis zum Ende").
The dashboard shows one column per registered provider; nothing here imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from openjobcenter.feedback.selectors import PageRow
    from openjobcenter.tenants.models import Jobcenter

Provider = Callable[["Jobcenter", Sequence["PageRow"]], dict[tuple[str, str, str], str]]


@dataclass(frozen=True)
class Extra:
    key: str
    label: str | Promise
    provider: Provider


_extras: dict[str, Extra] = {}


def register(key: str, label: str | Promise, provider: Provider) -> None:
    _extras[key] = Extra(key, label, provider)


def unregister(key: str) -> None:
    _extras.pop(key, None)


def all_extras() -> list[Extra]:
    return sorted(_extras.values(), key=lambda e: e.key)


def fill(jobcenter: Jobcenter, rows: Sequence[PageRow]) -> None:
    """Ask every provider once for all rows (a fixed number of queries per provider)."""
    for extra in all_extras():
        figures = extra.provider(jobcenter, rows)
        for row in rows:
            value = figures.get((row.page, row.form_key, row.step_key))
            if value is not None:
                row.extras[extra.key] = value

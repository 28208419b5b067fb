"""What is waiting for a person: the registry the customer's home is built from.

Each module contributes a provider (registered from its ``AppConfig.ready``, an
explicit list rather than signals, so the order and the set are visible in one place).
A provider answers for one audience; the customer's home asks the customer providers,
the staff work queue (issue 18) will ask the staff ones through the same contract.

The contract that keeps the home cheap: a provider makes a fixed number of queries,
whatever the number of its items (``tests/home/test_home_queries.py`` holds every
provider to it), and returns only what needs the person now; done things are simply
no longer returned, so they disappear without any bookkeeping here.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.functional import Promise

from openjobcenter.tenants import modules

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile


class Audience(enum.StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


class Urgency(enum.IntEnum):
    """Most urgent first: the home sorts by this, then by the due time."""

    OVERDUE = 0  # a deadline has passed
    TODAY = 1  # due or happening today
    SOON = 2  # due within the next days
    OPEN = 3  # waiting for the person, no close deadline
    NEWS = 4  # something happened that the person has not seen yet


SOON_DAYS = 3


def urgency_for(due: date | datetime | None, *, default: Urgency = Urgency.OPEN) -> Urgency:
    """How urgent something due at ``due`` is today (local date of the job centre)."""
    if due is None:
        return default
    day = timezone.localdate(due) if isinstance(due, datetime) else due
    today = timezone.localdate()
    if day < today:
        return Urgency.OVERDUE
    if day == today:
        return Urgency.TODAY
    if (day - today).days <= SOON_DAYS:
        return Urgency.SOON
    return default


@dataclass(frozen=True, slots=True)
class HomeItem:
    """One thing that needs the person, one tap from the work."""

    kind: str  # stable key, e.g. "document_request" (tests, CSS, the JSON fragment)
    title: str | Promise
    detail: str | Promise
    url: str
    action: str | Promise  # the button's words: "Jetzt senden", "Bestätigen" ...
    urgency: Urgency = Urgency.OPEN
    due: date | datetime | None = None
    count: int = 1  # how many things this item stands for (unread messages, items)
    # Who or what it is from, shown beside the title ("Frau Berger schrieb").
    source: str = ""
    # POST instead of a link: the tap records something first (an update marked seen).
    post: bool = False
    # When the item runs out by itself (an appointment's end): the cached home
    # (home/cache.py) is computed again from then on.
    until: datetime | None = None

    @property
    def sort_key(self) -> tuple[int, float, str]:
        due = self.due
        if isinstance(due, datetime):
            stamp = due.timestamp()
        elif isinstance(due, date):
            stamp = datetime(
                due.year, due.month, due.day, tzinfo=timezone.get_current_timezone()
            ).timestamp()
        else:
            stamp = float("inf")
        return (int(self.urgency), stamp, str(self.title))


@dataclass(frozen=True, slots=True)
class HomeSection:
    """What one provider found: its items and the count for the navigation."""

    key: str
    module: str
    items: list[HomeItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(item.count for item in self.items)


class HomeProvider(ABC):
    """A module's contribution to the home of one audience."""

    key: str
    # The tenant module that must be switched on (tenants.modules); the provider is
    # skipped, queries and all, when the job centre does not offer it.
    module: str
    audience: Audience = Audience.CUSTOMER

    @abstractmethod
    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        """What needs this customer now, in a constant number of queries."""


_providers: dict[str, HomeProvider] = {}


def register(provider: HomeProvider) -> HomeProvider:
    if provider.key in _providers and type(_providers[provider.key]) is not type(provider):
        msg = f"Home provider {provider.key!r} registered twice"
        raise ValueError(msg)
    _providers[provider.key] = provider
    return provider


def providers(audience: Audience) -> list[HomeProvider]:
    return sorted((p for p in _providers.values() if p.audience == audience), key=lambda p: p.key)


@dataclass(frozen=True, slots=True)
class Home:
    sections: list[HomeSection]

    @property
    def items(self) -> list[HomeItem]:
        return sorted(
            (item for section in self.sections for item in section.items),
            key=lambda item: item.sort_key,
        )

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

    def counts(self) -> dict[str, int]:
        """Per module (the navigation's and the module cards' badges)."""
        out: dict[str, int] = {}
        for section in self.sections:
            out[section.module] = out.get(section.module, 0) + section.count
        return out


def customer_home(customer: CustomerProfile) -> Home:
    """Everything waiting for ``customer``, from the modules their job centre offers."""
    jobcenter = customer.jobcenter
    return Home(
        [
            HomeSection(p.key, p.module, p.items(customer))
            for p in providers(Audience.CUSTOMER)
            if modules.is_enabled(jobcenter, p.module)
        ]
    )

"""Need-to-know: which staff role may see which category of social data (§ 35 SGB I,
§§ 67a ff. SGB X; DESIGN §7).

Access is decided per data category and role. The default is strict: job placement
(Arbeitsvermittlung) does not see benefit data, financial or health documents or the
benefits team's chat topics; benefits caseworkers do not see placement data. Where a
person's work needs to know that something exists (a document arrived, a conversation is
waiting), ``EXISTENCE`` shows that without the content.

This module is the one place that answers the question; views, selectors, the work
queue and the case view ask it instead of checking roles themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

from openjobcenter.accounts.models import Role

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter


class Category(enum.StrEnum):
    """What a piece of social data is about."""

    BENEFIT_DATA = "benefit_data"  # applications, calculations, benefit decisions
    FINANCIAL_DOCUMENTS = "financial_documents"  # payslips, bank statements, rent, assets
    HEALTH_DOCUMENTS = "health_documents"  # sick notes, medical certificates, disability
    PLACEMENT_DATA = "placement_data"  # job placement notes, profiles, offers
    BENEFIT_CHAT = "benefit_chat"  # conversations in benefit topics
    PLACEMENT_CHAT = "placement_chat"  # conversations in placement topics
    GENERAL = "general"  # contact data, appointments, general chat topics


class Visibility(enum.IntEnum):
    NONE = 0  # not even that it exists
    EXISTENCE = 1  # that it exists, when and from whom; not its content
    CONTENT = 2  # everything


_C, _E, _N = Visibility.CONTENT, Visibility.EXISTENCE, Visibility.NONE

# The strict default, role by role. Team leads and admins see everything of their job
# centre (they assign work and answer for it); reception sees what it needs to direct
# people: that something exists, not what it says.
DEFAULT_POLICY: dict[Role, dict[Category, Visibility]] = {
    Role.CASEWORKER: {
        Category.BENEFIT_DATA: _C,
        Category.FINANCIAL_DOCUMENTS: _C,
        Category.HEALTH_DOCUMENTS: _C,
        Category.PLACEMENT_DATA: _E,
        Category.BENEFIT_CHAT: _C,
        Category.PLACEMENT_CHAT: _E,
        Category.GENERAL: _C,
    },
    Role.JOB_ADVISOR: {
        Category.BENEFIT_DATA: _E,
        Category.FINANCIAL_DOCUMENTS: _E,
        Category.HEALTH_DOCUMENTS: _E,
        Category.PLACEMENT_DATA: _C,
        Category.BENEFIT_CHAT: _E,
        Category.PLACEMENT_CHAT: _C,
        Category.GENERAL: _C,
    },
    Role.RECEPTION: {
        Category.BENEFIT_DATA: _E,
        Category.FINANCIAL_DOCUMENTS: _N,
        Category.HEALTH_DOCUMENTS: _N,
        Category.PLACEMENT_DATA: _N,
        Category.BENEFIT_CHAT: _E,
        Category.PLACEMENT_CHAT: _E,
        Category.GENERAL: _C,
    },
    Role.TEAM_LEAD: dict.fromkeys(Category, _C),
    Role.ADMIN: dict.fromkeys(Category, _C),
}


def visibility(
    *, roles: Iterable[Role | str], category: Category, jobcenter: Jobcenter | None = None
) -> Visibility:
    """The most a person with ``roles`` may see of ``category`` in ``jobcenter``.

    Several roles add up (the widest wins). ``jobcenter`` is where a job centre's
    documented widening will be read from; the default needs none.
    """
    best = Visibility.NONE
    for role in roles:
        try:
            seen = DEFAULT_POLICY[Role(role)][category]
        except (KeyError, ValueError):
            continue
        best = max(best, seen)
    return best


def may_read(
    *, roles: Iterable[Role | str], category: Category, jobcenter: Jobcenter | None = None
) -> bool:
    """May see the content (not only that it exists)."""
    return visibility(roles=roles, category=category, jobcenter=jobcenter) == Visibility.CONTENT

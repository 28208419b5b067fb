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
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import Role

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from openjobcenter.tenants.models import Jobcenter

F = TypeVar("F", bound="Callable[..., HttpResponse]")


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


CATEGORY_LABELS: dict[Category, str | Promise] = {
    Category.BENEFIT_DATA: _("Leistungsdaten (Anträge, Berechnungen, Bescheide)"),
    Category.FINANCIAL_DOCUMENTS: _("Unterlagen zu Einkommen, Vermögen und Wohnkosten"),
    Category.HEALTH_DOCUMENTS: _("Unterlagen zur Gesundheit"),
    Category.PLACEMENT_DATA: _("Daten der Arbeitsvermittlung"),
    Category.BENEFIT_CHAT: _("Nachrichten zu Leistungen"),
    Category.PLACEMENT_CHAT: _("Nachrichten zur Arbeitsvermittlung"),
    Category.GENERAL: _("Allgemeine Daten (Kontakt, Termine, allgemeine Nachrichten)"),
}

VISIBILITY_LABELS: dict[Visibility, str | Promise] = {
    Visibility.NONE: _("nicht sichtbar"),
    Visibility.EXISTENCE: _("nur dass es existiert"),
    Visibility.CONTENT: _("Inhalt"),
}

# Where a job centre's rules are kept on the request's ``Jobcenter`` instance: one query
# per request (the tenant middleware loads the instance once per request), not per object.
_CACHE_ATTR = "_need_to_know_rules"
Rules = dict[tuple[Role, Category], Visibility]


def _read_rules(jobcenter: Jobcenter) -> Rules:
    from openjobcenter.core.models import AccessRule

    rules: Rules = {}
    rows = AccessRule.objects.filter(jobcenter_id=jobcenter.pk).values_list(
        "role", "category", "visibility"
    )
    for role, category, seen in rows:
        try:
            rules[(Role(role), Category(category))] = Visibility(seen)
        except ValueError:  # a role or category that no longer exists
            continue
    return rules


def _rules(jobcenter: Jobcenter | None) -> Rules:
    if jobcenter is None or jobcenter.pk is None:
        return {}
    cached: Rules | None = getattr(jobcenter, _CACHE_ATTR, None)
    if cached is None:
        # Every staff page asks: kept per process under the job centres' version, which
        # every write of a rule sets anew (``core.models.AccessRule``). Read only.
        from openjobcenter.tenants.jccache import derived

        cached = derived("access_rules", jobcenter, _read_rules)
        setattr(jobcenter, _CACHE_ATTR, cached)
    return cached


def forget_rules(jobcenter: Jobcenter) -> None:
    """Drop the cached rules (after a change, or for a long-lived holder such as a
    WebSocket that re-reads them)."""
    if hasattr(jobcenter, _CACHE_ATTR):
        delattr(jobcenter, _CACHE_ATTR)


def default_visibility(role: Role, category: Category) -> Visibility:
    return DEFAULT_POLICY.get(role, {}).get(category, Visibility.NONE)


def role_visibility(role: Role, category: Category, jobcenter: Jobcenter | None) -> Visibility:
    """One role's visibility: the job centre's documented rule, else the default."""
    found = _rules(jobcenter).get((role, category))
    return found if found is not None else default_visibility(role, category)


def visibility(
    *, roles: Iterable[Role | str], category: Category, jobcenter: Jobcenter | None = None
) -> Visibility:
    """The most a person with ``roles`` may see of ``category`` in ``jobcenter``.

    Several roles add up (the widest wins). With ``jobcenter`` its documented rules
    (``AccessRule``, widening or narrowing) replace the default for the roles they name.
    """
    best = Visibility.NONE
    for role in roles:
        try:
            seen = role_visibility(Role(role), category, jobcenter)
        except ValueError:
            continue
        best = max(best, seen)
    return best


def effective_matrix(jobcenter: Jobcenter | None) -> dict[Role, dict[Category, Visibility]]:
    """Role × category as it applies in ``jobcenter`` (for the rules page)."""
    return {
        role: {c: role_visibility(role, c, jobcenter) for c in Category} for role in DEFAULT_POLICY
    }


def categories_visible(
    *, roles: Iterable[Role | str], jobcenter: Jobcenter | None, at_least: Visibility
) -> frozenset[Category]:
    roles = tuple(roles)
    return frozenset(
        c for c in Category if visibility(roles=roles, category=c, jobcenter=jobcenter) >= at_least
    )


def content_roles(category: Category, jobcenter: Jobcenter | None) -> list[Role]:
    """The roles that see the content (for "Inhalt nur für …")."""
    return [r for r in DEFAULT_POLICY if role_visibility(r, category, jobcenter) == _C]


def content_note(category: Category, jobcenter: Jobcenter | None) -> str:
    """ "Inhalt nur für Sachbearbeitung, Teamleitung, Administration" in the reader's
    language."""
    from django.utils.translation import gettext

    names = ", ".join(str(r.label) for r in content_roles(category, jobcenter))
    return gettext("Inhalt nur für: %(roles)s") % {"roles": names}


class NeedToKnowDenied(PermissionDenied):
    """A refused read of content whose existence the person may know: the 403 page
    says who sees the content."""

    def __init__(self, category: Category, jobcenter: Jobcenter | None) -> None:
        super().__init__("need-to-know")
        self.category = category
        self.jobcenter = jobcenter

    def note(self) -> str:
        return content_note(self.category, self.jobcenter)


def require_content(
    *, roles: Iterable[Role | str], category: Category, jobcenter: Jobcenter | None
) -> None:
    """Gate for opening content: 404 where even the existence is not to be disclosed,
    403 (the refusal page) where the person may know it exists but not read it."""
    seen = visibility(roles=roles, category=category, jobcenter=jobcenter)
    if seen == Visibility.NONE:
        raise Http404
    if seen == Visibility.EXISTENCE:
        raise NeedToKnowDenied(category, jobcenter)


def may_read(
    *, roles: Iterable[Role | str], category: Category, jobcenter: Jobcenter | None = None
) -> bool:
    """May see the content (not only that it exists)."""
    return visibility(roles=roles, category=category, jobcenter=jobcenter) == Visibility.CONTENT


def content_required(category: Category) -> Callable[[F], F]:
    """View decorator, inside ``staff_required``: the page shows ``category`` content."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # core.access imports this module: its request helpers are imported here.
            from openjobcenter.core.access import request_jobcenter, request_staff_roles

            require_content(
                roles=request_staff_roles(request),
                category=category,
                jobcenter=request_jobcenter(request),
            )
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator

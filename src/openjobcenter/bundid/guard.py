"""Where other modules ask whether an action needs a higher BundID level (the job
centre's minimum per action, ``policy.ACTIONS``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from openjobcenter.bundid import policy

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from openjobcenter.tenants.models import Jobcenter

# Application steps whose answers an action covers.
STEP_ACTIONS = {"bank": policy.BANK_ACCOUNT}
# The customer profile's fields that make up the address (``policy.ADDRESS``).
ADDRESS_FIELDS = ("street", "postcode", "city")


def address_changes(profile: Any, data: Mapping[str, Any]) -> bool:
    """Whether ``data`` (a profile change) gives another address than ``profile`` has."""
    return any(
        field in data and str(data[field] or "").strip() != str(getattr(profile, field) or "")
        for field in ADDRESS_FIELDS
    )


def step_action(step_key: str) -> str | None:
    return STEP_ACTIONS.get(step_key.partition(":")[0])


def refusal_page(request: HttpRequest, jobcenter: Jobcenter, action: str) -> HttpResponse | None:
    """The 403 page with the link to log in again at the level needed, or None."""
    level = policy.missing_level(request, jobcenter, action)
    if level is None:
        return None
    from openjobcenter.bundid.views import level_required_page

    return level_required_page(request, jobcenter, action, level)


def refusal_message(request: HttpRequest, jobcenter: Jobcenter, action: str) -> str | None:
    """The same refusal as a sentence (for the API), or None."""
    level = policy.missing_level(request, jobcenter, action)
    if level is None:
        return None
    return _(
        "Für „%(action)s“ verlangt Ihr Jobcenter eine Anmeldung mit BundID auf dem "
        "Vertrauensniveau „%(level)s“ oder höher. Bitte melden Sie sich erneut mit BundID an."
    ) % {"action": policy.ACTIONS[action], "level": level.label}

"""Minimum identity levels per action (set by the job centre's admin) and the level of
the current session (the one its last BundID login proved)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from openjobcenter.bundid.levels import Level, parse

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrPromise

    from openjobcenter.tenants.models import Jobcenter

SESSION_KEY = "bundid_levels"  # {job centre slug: level}

# The actions a job centre can protect; each is checked where it happens.
BANK_ACCOUNT = "bank_account"
ADDRESS = "address"
POSTBOX_CONSENT = "postbox_consent"
ACTIONS: dict[str, StrPromise] = {
    BANK_ACCOUNT: _("Bankverbindung angeben oder ändern"),
    ADDRESS: _("Anschrift ändern"),
    POSTBOX_CONSENT: _("Einwilligung in Bescheide im Postfach geben oder widerrufen"),
}


def session_level(request: HttpRequest, jobcenter: Jobcenter) -> Level | None:
    levels = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return parse(levels.get(jobcenter.slug)) if isinstance(levels, dict) else None


def remember_level(request: HttpRequest, jobcenter: Jobcenter, level: Level) -> None:
    levels = dict(request.session.get(SESSION_KEY) or {})
    levels[jobcenter.slug] = int(level)
    request.session[SESSION_KEY] = levels


def required_level(jobcenter: Jobcenter, action: str) -> Level | None:
    from openjobcenter.bundid.models import BundIDSettings

    row = (
        BundIDSettings.objects.filter(jobcenter=jobcenter, enabled=True)
        .values_list("min_levels", flat=True)
        .first()
    )
    if not isinstance(row, dict):
        return None
    return parse(row.get(action))


def missing_level(request: HttpRequest, jobcenter: Jobcenter, action: str) -> Level | None:
    """The level ``action`` needs when this session has not proved it, else None."""
    needed = required_level(jobcenter, action)
    if needed is None:
        return None
    have = session_level(request, jobcenter)
    return needed if have is None or have < needed else None

"""Which job centre the account pages and account mails speak for.

The pages under /konto/ (login, signup, e-mail confirmation, password reset) live
outside any job centre's address, yet a customer came from one: they carry its name,
logo and colours, not the platform's or a host name. The job centre is the one chosen
in the link (``?jobcenter=fulda``), the one the ``next`` address leads into, the one
remembered for this browser session from such a link, or the logged-in person's own.

Job centres are read through the per-process cache (``tenants.jccache``): one login page
asks up to four times (context processor, SSO buttons, BundID box, the view's CSP), and
the layout's shared parts are kept per process only for a job centre read that way. The
logged-in person's own job centre is read once per request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openjobcenter.tenants.jccache import cached_by_slug
from openjobcenter.tenants.models import Jobcenter

if TYPE_CHECKING:
    from django.http import HttpRequest

SESSION_KEY = "account_jobcenter"
# The logged-in person's own job centre, per user id, for the rest of the request.
_REQUEST_CACHE = "_ojc_account_jobcenter"


def _active(slug: str) -> Jobcenter | None:
    if not slug or len(slug) > 60:
        return None
    return cached_by_slug(slug)


def jobcenter_of_user(user_id: int | None) -> Jobcenter | None:
    """A customer's job centre, else the one a member of staff works for (the first)."""
    if not user_id:
        return None
    from openjobcenter.accounts.models import CustomerProfile, StaffMembership

    # Only the slug from the database; the row itself from the per-process cache.
    row = (
        CustomerProfile.objects.filter(user_id=user_id)
        .values_list("jobcenter__slug", "jobcenter__is_active")
        .first()
    )
    if row is not None:
        slug, active = row
        # A customer's job centre speaks for them even when it is not active (any more).
        found = cached_by_slug(slug) if active else None
        return found or Jobcenter.objects.filter(slug=slug).first()
    staff_slug = (
        StaffMembership.objects.filter(user_id=user_id, jobcenter__is_active=True)
        .order_by("pk")
        .values_list("jobcenter__slug", flat=True)
        .first()
    )
    return _active(staff_slug) if staff_slug is not None else None


def account_jobcenter(request: HttpRequest) -> Jobcenter | None:
    params = request.POST if request.method == "POST" else request.GET
    slug = str(params.get("jobcenter") or "")
    nxt = str(params.get("next") or "")
    if not slug and nxt.startswith("/") and not nxt.startswith("//"):
        slug = nxt.split("/")[1]
    found = _active(slug)
    session = getattr(request, "session", None)
    if found is not None:
        if session is not None and session.get(SESSION_KEY) != found.slug:
            session[SESSION_KEY] = found.slug
        return found
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        known: dict[int, Jobcenter | None] = request.__dict__.setdefault(_REQUEST_CACHE, {})
        if user.pk not in known:
            known[user.pk] = jobcenter_of_user(user.pk)
        own = known[user.pk]
        if own is not None:
            return own
    return _active(str(session.get(SESSION_KEY, ""))) if session is not None else None

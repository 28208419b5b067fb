"""Which job centre the account pages and account mails speak for.

The pages under /konto/ (login, signup, e-mail confirmation, password reset) live
outside any job centre's address, yet a customer came from one: they carry its name,
logo and colours, not the platform's or a host name. The job centre is the one chosen
in the link (``?jobcenter=fulda``), the one the ``next`` address leads into, the one
remembered for this browser session from such a link, or the logged-in person's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openjobcenter.tenants.models import Jobcenter

if TYPE_CHECKING:
    from django.http import HttpRequest

SESSION_KEY = "account_jobcenter"


def _active(slug: str) -> Jobcenter | None:
    if not slug or len(slug) > 60:
        return None
    return Jobcenter.objects.filter(slug=slug, is_active=True).first()


def jobcenter_of_user(user_id: int | None) -> Jobcenter | None:
    """A customer's job centre, else the one a member of staff works for (the first)."""
    if not user_id:
        return None
    from openjobcenter.accounts.models import CustomerProfile, StaffMembership

    profile = CustomerProfile.objects.filter(user_id=user_id).select_related("jobcenter").first()
    if profile is not None:
        return profile.jobcenter
    membership = (
        StaffMembership.objects.filter(user_id=user_id, jobcenter__is_active=True)
        .select_related("jobcenter")
        .order_by("pk")
        .first()
    )
    return membership.jobcenter if membership is not None else None


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
        own = jobcenter_of_user(user.pk)
        if own is not None:
            return own
    return _active(str(session.get(SESSION_KEY, ""))) if session is not None else None

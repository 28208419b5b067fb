from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _total(request: HttpRequest) -> int:
    known = getattr(request, "home_total", None)
    if known is not None:
        return int(known)
    from openjobcenter.core.access import request_customer
    from openjobcenter.home.cache import cached_customer_home

    return cached_customer_home(request_customer(request)).total


def home_badge(request: HttpRequest) -> dict[str, object]:
    """The count beside "Mein Bereich" in the navigation of the customer area (without
    JavaScript right on every page load; the home page updates it live). Lazy: only a
    page that shows the badge pays for the count, and only customer pages have one;
    when the home is cached (home/cache.py) that is one cache read and no SQL."""
    if getattr(request, "customer", None) is None:
        return {}
    return {"home_badge": SimpleLazyObject(lambda: _total(request))}

"""How a page is named in feedback: its URL pattern name (``customer:application_step``),
never its URL (which would carry ids); for application steps also the form and step.

Names sent back by the widget are checked against the URL patterns that exist, and form
and step against the registered form definitions, so a forged value is refused (400),
not stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.urls import URLPattern, URLResolver, get_resolver

if TYPE_CHECKING:
    from django.http import HttpRequest

CUSTOMER_NAMESPACES = ("tenant", "customer")
STAFF_NAMESPACES = ("staff",)


@dataclass(frozen=True)
class PageRef:
    page: str
    form_key: str = ""
    step_key: str = ""


def _names(patterns: list[Any], namespace: str, out: set[str]) -> None:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace
            _names(p.url_patterns, ns or namespace, out)
        elif isinstance(p, URLPattern) and p.name:
            out.add(f"{namespace}:{p.name}" if namespace else p.name)


@cache
def known_pages() -> frozenset[str]:
    """Every named pattern under the job centres' namespaces (the code's URLs: the same
    on every node, so a per-process cache is safe)."""
    out: set[str] = set()
    _names(get_resolver().url_patterns, "", out)
    return frozenset(n for n in out if n.split(":", 1)[0] in (*CUSTOMER_NAMESPACES, "staff"))


@cache
def known_steps() -> frozenset[tuple[str, str]]:
    from openjobcenter.applications import engine

    return frozenset((d.key, s.key) for d in engine.all_definitions() for s in d.steps)


def is_staff_page(page: str) -> bool:
    return page.split(":", 1)[0] in STAFF_NAMESPACES


def valid(ref: PageRef, *, staff: bool) -> bool:
    if ref.page not in known_pages() or is_staff_page(ref.page) != staff:
        return False
    if ref.form_key or ref.step_key:
        return (ref.form_key, ref.step_key) in known_steps()
    return True


def page_of(request: HttpRequest, context: Any) -> PageRef | None:
    """The page the widget sits on, from the request's resolved route and (on an
    application step) the page's ``app`` and ``inst``."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name or not match.namespace:
        return None
    page = f"{match.namespace}:{match.url_name}"
    app = context.get("app")
    inst = context.get("inst")
    form_key = getattr(app, "form_key", "") or ""
    step_key = str(getattr(inst, "key", "") or "").partition(":")[0]
    if form_key and step_key:
        return PageRef(page, form_key, step_key)
    return PageRef(page)

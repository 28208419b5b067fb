"""Registry of modules a job centre can switch on (DESIGN §4.4: registries, not signals).

A capability (applications, documents, appointments, chat, ...) registers its module
here from its AppConfig.ready(); a job-centre admin switches it on or off in the back
office; views of the module guard themselves with ``require_module``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from openjobcenter.tenants.models import Jobcenter


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    description: str | Promise
    # URL name of the module's customer entry page (takes the ``jc`` slug); None while
    # the module has no customer-facing page yet.
    entry_url_name: str | None = None
    # How the customer-facing refusal names the service ("die Terminbuchung"): "Das
    # Jobcenter X bietet die Terminbuchung noch nicht online an."
    service: str | Promise | None = None


_registry: dict[str, Module] = {}


def register(module: Module) -> Module:
    if module.key in _registry and _registry[module.key] != module:
        msg = f"Module {module.key!r} registered twice with different definitions"
        raise ValueError(msg)
    _registry[module.key] = module
    return module


def all_modules() -> list[Module]:
    return sorted(_registry.values(), key=lambda m: m.key)


def get_module(key: str) -> Module | None:
    return _registry.get(key)


def is_enabled(jobcenter: Jobcenter, key: str) -> bool:
    return key in _registry and key in (jobcenter.enabled_modules or [])


@dataclass(frozen=True)
class ModuleEntry:
    label: str | Promise
    description: str | Promise
    url: str | None


def entries_for(jobcenter: Jobcenter) -> list[ModuleEntry]:
    """The job centre's switched-on modules, with the link to each one's entry page."""
    from django.urls import reverse

    return [
        ModuleEntry(
            m.label,
            m.description,
            reverse(m.entry_url_name, kwargs={"jc": jobcenter.slug}) if m.entry_url_name else None,
        )
        for m in all_modules()
        if is_enabled(jobcenter, m.key)
    ]


F = TypeVar("F", bound=Callable[..., "HttpResponse"])


def not_offered(jobcenter: Jobcenter) -> list[Module]:
    """Modules with a customer page that this job centre has not switched on."""
    return [m for m in all_modules() if m.entry_url_name and not is_enabled(jobcenter, m.key)]


def unavailable_response(request: HttpRequest, jobcenter: Jobcenter, key: str) -> HttpResponse:
    """The page a switched-off module answers with: it says so and how to reach the job
    centre instead (customers), or where the module is switched on (staff). Status 404:
    there is nothing at this address for this job centre."""
    from django.shortcuts import render

    from openjobcenter.core.access import Perm, has_perm, staff_roles, tenant_request

    module = _registry[key]
    match = getattr(request, "resolver_match", None)
    staff = match is not None and match.namespace == "staff"
    if staff:
        # Only the job centre's own staff learn what is switched off there.
        roles = staff_roles(request.user, jobcenter)  # type: ignore[arg-type]
        if not roles:
            raise Http404
        tenant_request(request).staff_perms = frozenset(str(p) for p in Perm if has_perm(roles, p))
    return render(
        request,
        "tenants/module_unavailable.html",
        {
            "module": module,
            "service": module.service or module.label,
            "staff_side": staff,
            "offices": [] if staff else list(jobcenter.offices.all()),
        },
        status=404,
    )


def require_module(key: str) -> Callable[[F], F]:
    """View decorator: a job centre that has the module switched off says so (404)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            jobcenter = getattr(request, "jobcenter", None)
            if jobcenter is None or key not in _registry:
                raise Http404
            if not is_enabled(jobcenter, key):
                return unavailable_response(request, jobcenter, key)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# The capabilities the platform is built around. Each is registered here so a job
# centre can already choose its set; the issue that builds a module adds its entry URL.
# The customer card registers itself from ``cards.apps`` (its texts are in its catalogue).
for _module in (
    Module(
        "applications",
        _("Antrag stellen"),
        _("Bürgergeld digital beantragen"),
        entry_url_name="customer:applications",
        service=_("den Antrag auf Bürgergeld"),
    ),
    Module(
        "documents",
        _("Unterlagen senden"),
        _("Nachweise mit dem Handy hochladen"),
        entry_url_name="customer:documents",
        service=_("das Senden von Unterlagen"),
    ),
    Module(
        "appointments",
        _("Termine"),
        _("Termine buchen, verschieben, absagen"),
        entry_url_name="customer:appointments",
        service=_("die Terminbuchung"),
    ),
    Module(
        "messaging",
        _("Nachrichten"),
        _("Mit dem Jobcenter schreiben"),
        entry_url_name="customer:messages",
        service=_("Nachrichten an das Jobcenter"),
    ),
    Module(
        "calculator",
        _("Bürgergeld-Rechner"),
        _("Vorab prüfen, ob ein Anspruch besteht"),
        entry_url_name="tenant:self_check",
        service=_("den Bürgergeld-Rechner"),
    ),
):
    register(_module)

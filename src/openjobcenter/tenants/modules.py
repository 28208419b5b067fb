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


def require_module(key: str) -> Callable[[F], F]:
    """View decorator: 404 when the request's job centre has the module switched off."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            jobcenter = getattr(request, "jobcenter", None)
            if jobcenter is None or not is_enabled(jobcenter, key):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# The capabilities the platform is built around. Each is registered here so a job
# centre can already choose its set; the issue that builds a module adds its entry URL.
for _module in (
    Module(
        "applications",
        _("Antrag stellen"),
        _("Bürgergeld digital beantragen"),
        entry_url_name="customer:applications",
    ),
    Module(
        "documents",
        _("Unterlagen senden"),
        _("Nachweise mit dem Handy hochladen"),
        entry_url_name="customer:documents",
    ),
    Module(
        "appointments",
        _("Termine"),
        _("Termine buchen, verschieben, absagen"),
        entry_url_name="customer:appointments",
    ),
    Module(
        "messaging",
        _("Nachrichten"),
        _("Mit dem Jobcenter schreiben"),
        entry_url_name="customer:messages",
    ),
    Module(
        "calculator",
        _("Bürgergeld-Rechner"),
        _("Vorab prüfen, ob ein Anspruch besteht"),
        entry_url_name="tenant:self_check",
    ),
    Module("customer_card", _("Kundenkarte"), _("Digitale Kundenkarte")),
):
    register(_module)

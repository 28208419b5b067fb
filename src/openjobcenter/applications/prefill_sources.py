"""Where a new application's prefilled answers came from (issue 17, "answers follow the
person"), so that each step can say it: "Aus Ihrem Vorab-Check übernommen", "Aus Ihrem
Profil übernommen", "Aus Ihrem letzten Antrag übernommen".

The origins are recorded once, in the data of the application's "created" event (no own
table: they are a fact about the start and never change); the step page reads them back.

Other modules add sources of the filing step's answers (name, birth date, address) with
``register``: the BundID's confirmed attributes (``bundid/prefill.py``). A registered
source's values override the profile's; its note is shown on the filing step. A source may
also give staff a panel on the application's page (``staff_panel``): the BundID shows its
confirmed values beside the customer's corrections and their reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.applications.models import Application

SELF_CHECK = "self_check"
PROFILE = "profile"
PREVIOUS = "previous"

NOTES: dict[str, Promise] = {
    SELF_CHECK: _("Aus Ihrem Vorab-Check übernommen. Bitte prüfen und ergänzen Sie die Angaben."),
    PROFILE: _("Aus Ihrem Profil übernommen. Bitte prüfen Sie, ob die Angaben noch stimmen."),
    PREVIOUS: _(
        "Aus Ihrem letzten Antrag übernommen. Bitte prüfen Sie, ob die Angaben noch stimmen."
    ),
}


@dataclass(frozen=True)
class Source:
    """A source of the filing step's answers: ``filing(customer)`` gives the values it
    knows (empty when it has none for this customer); ``note`` says so on the step."""

    key: str
    note: Promise
    filing: Callable[[CustomerProfile], dict[str, Any]]
    # HTML for the staff's application page ("" when the source has nothing to say).
    staff_panel: Callable[[CustomerProfile, HttpRequest | None], str] | None = None


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    SOURCES[source.key] = source
    NOTES[source.key] = source.note


def filing_from_sources(customer: CustomerProfile) -> tuple[dict[str, Any], str | None]:
    """The registered sources' filing values, merged in registration order, and the key of
    the last source that gave any (the step's origin)."""
    values: dict[str, Any] = {}
    origin = None
    for source in SOURCES.values():
        found = source.filing(customer)
        if found:
            values.update(found)
            origin = source.key
    return values, origin


def staff_panels(customer: CustomerProfile, request: HttpRequest | None) -> list[str]:
    """The registered sources' panels for the staff's view of ``customer``'s application."""
    found = (s.staff_panel(customer, request) for s in SOURCES.values() if s.staff_panel)
    return [html for html in found if html]


def origins(
    stored: Iterable[str],
    *,
    self_check: Mapping[str, Any] | None,
    previous: Iterable[str],
    profile: bool,
    filing_source: str | None = None,
) -> dict[str, str]:
    """The origin of each stored step key. What the person said last counts: the self-check
    over the last application; a registered source (``filing_source``) or the profile for
    the filing step (name, address, contact)."""
    from_previous = set(previous)
    result: dict[str, str] = {}
    for key in stored:
        if self_check and self_check.get(key):
            result[key] = SELF_CHECK
        elif key == "filing" and filing_source:
            result[key] = filing_source
        elif key == "filing" and profile:
            result[key] = PROFILE
        elif key in from_previous:
            result[key] = PREVIOUS
    return result


def prefill_note(application: Application, step_key: str) -> str:
    """The note for ``step_key`` of ``application`` ("" when nothing was prefilled)."""
    from openjobcenter.applications.models import EventKind

    event = application.events.filter(kind=EventKind.CREATED).only("data").first()
    data = event.data if event is not None and isinstance(event.data, dict) else {}
    prefilled = data.get("prefilled")
    origin = prefilled.get(step_key) if isinstance(prefilled, dict) else None
    return str(NOTES[origin]) if origin in NOTES else ""

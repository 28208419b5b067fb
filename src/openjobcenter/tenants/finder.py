"""Which job centre is responsible: by municipality name or by postcode.

Public data only (the service areas of the active job centres), no permission boundary.
The areas come from ``data/hessen.json`` (every Hessian municipality with its postcodes;
see ``data/README.md``). A postcode that serves municipalities of two job centres is
never decided here: the answer asks the person for the municipality.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openjobcenter.tenants.models import Jobcenter, ServiceArea

MAX_QUERY = 100
MAX_MATCHES = 20

_POSTCODE = re.compile(r"^\d{5}$")
_DIGITS = re.compile(r"^[\d\s]+$")
# Words that stand before or after a place name but are not part of how people look it up.
_NOISE = frozenset(
    {
        "stadt",
        "gemeinde",
        "landeshauptstadt",
        "kreisstadt",
        "universitatsstadt",
        "hansestadt",
        "wissenschaftsstadt",
        "marktflecken",
        "marktgemeinde",
    }
)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """A comparison key: case, umlauts, ß, accents and punctuation folded.

    "Gießen", "GIESSEN" and "Giessen" agree, as do "Münster", "Muenster" and "Munster".
    """
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _bare(name: str) -> str:
    """The folded name without its addition in brackets: "Friedberg (Hessen)" -> "friedberg"."""
    return fold(re.sub(r"\s*\(.*\)\s*$", "", name))


@dataclass(frozen=True)
class Match:
    municipality: str
    postcodes: tuple[str, ...]
    jobcenter: Jobcenter


@dataclass
class Lookup:
    query: str
    error: str | Promise | None = None
    matches: list[Match] = field(default_factory=list)
    # Job centres whose own name fits the query ("Kreis Offenbach").
    by_name: list[Jobcenter] = field(default_factory=list)
    # A postcode shared by municipalities of more than one job centre: the person chooses.
    choose: bool = False

    @property
    def count(self) -> int:
        return len(self.matches) + len(self.by_name)

    @property
    def found(self) -> bool:
        return bool(self.count)


def _areas() -> dict[tuple[str, int], list[str]]:
    """(municipality, job centre id) -> postcodes, for the active job centres."""
    rows = ServiceArea.objects.filter(jobcenter__is_active=True).values_list(
        "municipality", "jobcenter_id", "postcode"
    )
    areas: dict[tuple[str, int], list[str]] = {}
    for municipality, jobcenter_id, postcode in rows:
        areas.setdefault((municipality, jobcenter_id), []).append(postcode)
    return areas


def _matches(
    keys: list[tuple[str, int]], postcodes: dict[tuple[str, int], list[str]]
) -> list[Match]:
    jobcenters = Jobcenter.objects.in_bulk({jc for _name, jc in keys})
    return [
        Match(name, tuple(sorted(postcodes[(name, jc)])), jobcenters[jc])
        for name, jc in keys
        if jc in jobcenters
    ]


def lookup(query: str) -> Lookup:
    """Find the job centre for what a person typed: a postcode or a municipality's name."""
    query = " ".join(query.split())[:MAX_QUERY]
    result = Lookup(query=query)
    if not query:
        return result
    if _DIGITS.match(query):
        compact = query.replace(" ", "")
        if not _POSTCODE.match(compact):
            result.error = _("Eine Postleitzahl hat fünf Ziffern, zum Beispiel 36037.")
            return result
        result.query = compact
        return _by_postcode(result)
    if any(ch.isdigit() for ch in query):
        result.error = _(
            "Bitte geben Sie entweder Ihre Postleitzahl (fünf Ziffern) oder den Namen "
            "Ihres Wohnorts ein."
        )
        return result
    key = " ".join(w for w in fold(query).split() if w not in _NOISE) or fold(query)
    if len(key) < 2:
        result.error = _("Bitte geben Sie mindestens zwei Buchstaben ein.")
        return result
    return _by_name(result, key)


def _by_postcode(result: Lookup) -> Lookup:
    areas = ServiceArea.objects.filter(postcode=result.query, jobcenter__is_active=True)
    keys = sorted({(name, jc) for name, jc in areas.values_list("municipality", "jobcenter_id")})
    if not keys:
        result.error = _(
            "Zu dieser Postleitzahl kennen wir keine Gemeinde in Hessen. Bitte prüfen Sie "
            "die Postleitzahl oder suchen Sie nach dem Namen Ihres Wohnorts."
        )
        return result
    postcodes = {key: [result.query] for key in keys}
    result.matches = _matches(keys, postcodes)
    result.choose = len({m.jobcenter.pk for m in result.matches}) > 1
    return result


def _by_name(result: Lookup, key: str) -> Lookup:
    areas = _areas()
    exact: list[tuple[str, int]] = []
    prefix: list[tuple[str, int]] = []
    inside: list[tuple[str, int]] = []
    for name, jc in areas:
        folded = fold(name)
        if key in (folded, _bare(name)):
            exact.append((name, jc))
        elif folded.startswith(key):
            prefix.append((name, jc))
        elif f" {key}" in f" {folded}" or (len(key) >= 4 and key in folded):
            inside.append((name, jc))
    chosen = sorted(exact) or sorted(prefix) or sorted(inside)
    result.matches = _matches(chosen[:MAX_MATCHES], areas)
    if not exact:
        seen = {m.jobcenter.pk for m in result.matches}
        result.by_name = [
            jc
            for jc in Jobcenter.objects.filter(is_active=True).order_by("name")
            if key in fold(jc.name) and jc.pk not in seen
        ]
    return result


def find_responsible(
    query: str, limit: int = MAX_MATCHES
) -> list[tuple[Jobcenter, list[ServiceArea]]]:
    """The lookup for the API: each job centre once, with the areas that matched."""
    found = lookup(query)
    grouped: dict[int, tuple[Jobcenter, list[ServiceArea]]] = {}
    for match in found.matches:
        entry = grouped.setdefault(match.jobcenter.pk, (match.jobcenter, []))
        entry[1].extend(
            ServiceArea(jobcenter=match.jobcenter, municipality=match.municipality, postcode=p)
            for p in match.postcodes
        )
    for jc in found.by_name:
        grouped.setdefault(jc.pk, (jc, []))
    return list(grouped.values())[:limit]

"""Reads of job centres. Public data only: no permission boundary is crossed here."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q, QuerySet
from django.http import Http404

from openjobcenter.tenants.models import Jobcenter, Office, ServiceArea


def active_jobcenters() -> QuerySet[Jobcenter]:
    return Jobcenter.objects.filter(is_active=True)


def get_jobcenter_by_slug(slug: str) -> Jobcenter:
    """The active job centre with this slug, or 404."""
    try:
        return active_jobcenters().get(slug=slug)
    except Jobcenter.DoesNotExist:
        raise Http404 from None


def get_jobcenter_by_host(host: str) -> Jobcenter | None:
    host = host.split(":", 1)[0].lower()
    if not host:
        return None
    return active_jobcenters().filter(host=host).first()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("ß", "ss")
    return re.sub(r"\s+", " ", text).strip()


_POSTCODE = re.compile(r"^\d{2,5}$")


def find_responsible(query: str, limit: int = 20) -> list[tuple[Jobcenter, list[ServiceArea]]]:
    """Job centres responsible for a municipality name or a (partial) postcode.

    Returns each job centre once, with the areas that matched, best matches first.
    The job centre's own name counts too, so "Wiesbaden" finds the Landeshauptstadt.
    """
    query = query.strip()[:100]
    if not query:
        return []
    if _POSTCODE.match(query):
        areas = ServiceArea.objects.filter(postcode__startswith=query)
        name_filter = Q(pk__in=[])
    else:
        folded = _fold(query)
        areas = ServiceArea.objects.filter(municipality__icontains=query)
        name_filter = Q(name__icontains=query)
        if folded != query.casefold():
            areas = areas | ServiceArea.objects.filter(municipality__icontains=folded)
    matched: dict[int, list[ServiceArea]] = {}
    for area in areas.filter(jobcenter__is_active=True).select_related("jobcenter")[:200]:
        matched.setdefault(area.jobcenter_id, []).append(area)
    results: list[tuple[Jobcenter, list[ServiceArea]]] = []
    seen: set[int] = set()
    jobcenters = {jc.pk: jc for jc in active_jobcenters().filter(Q(pk__in=matched) | name_filter)}
    for pk, jc_areas in matched.items():
        results.append((jobcenters[pk], jc_areas))
        seen.add(pk)
    results.extend((jc, []) for pk, jc in jobcenters.items() if pk not in seen)
    return results[:limit]


def get_office_for(jobcenter: Jobcenter, pk: int) -> Office:
    """An office of this job centre, or 404 (also for another job centre's)."""
    try:
        return Office.objects.get(pk=pk, jobcenter=jobcenter)
    except Office.DoesNotExist:
        raise Http404 from None

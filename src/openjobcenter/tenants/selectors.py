"""Reads of job centres. Public data only: no permission boundary is crossed here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from openjobcenter.tenants.finder import find_responsible, lookup
from openjobcenter.tenants.models import Jobcenter, LanguageReview, Office

__all__ = [
    "active_jobcenters",
    "find_responsible",
    "get_jobcenter_by_host",
    "get_jobcenter_by_slug",
    "get_office_for",
    "language_review_of",
    "language_reviews_of",
    "lookup",
]


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


def get_office_for(jobcenter: Jobcenter, pk: int) -> Office:
    """An office of this job centre, or 404 (also for another job centre's)."""
    try:
        return Office.objects.get(pk=pk, jobcenter=jobcenter)
    except Office.DoesNotExist:
        raise Http404 from None


def language_reviews_of(jobcenter: Jobcenter) -> QuerySet[LanguageReview]:
    """The job centre's records of texts checked with a test group, by language."""
    return LanguageReview.objects.filter(jobcenter=jobcenter).select_related("recorded_by")


def language_review_of(jobcenter: Jobcenter, language: str) -> LanguageReview | None:
    return LanguageReview.objects.filter(jobcenter=jobcenter, language=language).first()

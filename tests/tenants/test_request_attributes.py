"""What the tenant middleware and the gates put on the request, read through the typed
helpers of ``core.access``."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from openjobcenter.core.access import request_jobcenter, tenant_request
from openjobcenter.tenants.middleware import TenantMiddleware
from openjobcenter.tenants.models import Jobcenter


def test_outside_a_job_centre_asking_for_one_is_a_404() -> None:
    request = RequestFactory().get("/konto/login/")
    TenantMiddleware(lambda r: HttpResponse())(request)
    assert tenant_request(request).jobcenter is None
    with pytest.raises(Http404):
        request_jobcenter(request)


def test_a_job_centre_page_reads_its_job_centre(jc_a: Jobcenter) -> None:
    request = RequestFactory().get(f"/{jc_a.slug}/")
    middleware = TenantMiddleware(lambda r: HttpResponse())
    middleware(request)
    middleware.process_view(request, lambda r: HttpResponse(), (), {"jc": jc_a.slug})
    assert request_jobcenter(request) == jc_a
    same: object = request
    assert tenant_request(request) is same  # the same object, typed

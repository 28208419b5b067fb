"""``X-Acting-For``: a representative's API calls for the customer they act for (issue 25).

The header names the customer (their id, as staff's operations name customers); the
operations of the customer area that take it resolve it through
``core.access.api_customer`` (the mandate active, for this customer in this job centre,
its scope covering the module and the method: on every call, audited with
``acting_for``). Those operations are listed here by path, once, for three uses:

* ``ActingHeaderMiddleware`` refuses the header everywhere else (422): an operation of
  one's own account (consent, preferences, mandates) must never be taken for the other
  person's, nor the other person's for one's own;
* ``ActingApi`` documents the header on exactly these operations in the OpenAPI
  description (``/api/v1/openapi.json``);
* the tests ask every listed operation with and without a mandate.

Applications (``/api/v1/applications/``) take no job centre in the path and stay the
caller's own; acting for someone there is the pages' (``customer_required``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from openjobcenter.core.access import ACTING_HEADER

ACTING_PATHS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"^/api/v1/documents/[^/]+/(documents|requests|upload)(/|$)",
        r"^/api/v1/messaging/[^/]+/conversations(/|$)",
        r"^/api/v1/postbox/[^/]+/notices(/|$)",
        r"^/api/v1/appointments/[^/]+/(types|appointments)(/|$)",
    )
)

HEADER_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": ACTING_HEADER,
    "required": False,
    "description": (
        "Act for the customer with this id under a mandate (Vollmacht) the caller holds "
        "in this job centre. Checked on every call: the mandate must be active and its "
        "scope cover this module (reading: 'read' or the module's scope; writing: the "
        "module's scope). Otherwise 404, as for an unknown customer; a value that is no "
        "id: 422. Every audit entry of the call names the customer (acting_for) and the "
        "caller. Without the header: the caller's own account."
    ),
    "schema": {"type": "integer", "minimum": 1},
}


def accepts_acting(path: str) -> bool:
    return any(p.match(path) for p in ACTING_PATHS)


class ActingHeaderMiddleware:
    """The header on any other API path: 422 before anything is read or written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            ACTING_HEADER in request.headers
            and request.path.startswith("/api/")
            and not accepts_acting(request.path)
        ):
            detail = f"{ACTING_HEADER} is not accepted by this operation."
            return HttpResponse(
                json.dumps({"detail": detail}), status=422, content_type="application/json"
            )
        return self.get_response(request)


class ActingApi(NinjaAPI):
    """The platform's API: the OpenAPI description names ``X-Acting-For`` on the
    operations that take it."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, item in schema.get("paths", {}).items():
            if not accepts_acting(path):
                continue
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    params = operation.setdefault("parameters", [])
                    if not any(p.get("name") == ACTING_HEADER for p in params):
                        params.append(dict(HEADER_PARAMETER))
        return schema

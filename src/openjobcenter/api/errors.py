"""Error answers of the API: documented on every operation, JSON on every path.

Two mechanisms, so that neither depends on each operation remembering:

* ``document_standard_answers(api)`` runs once over the bound operations and adds the
  answers that the machinery around an operation can give, unless the operation declares
  its own schema for that status: 401 and 403 (authentication, CSRF, permission) where it
  is authenticated, 404 where its path names something or it is authenticated (tenant
  scope: missing and not yours alike), 422 where it takes input, 429
  where it is throttled, 503 everywhere (database unavailable). Operation-specific answers
  (409 conflicts, a 429 from a service's own limit, richer 422 bodies) stay declared in
  ``response={...}`` next to the operation.
* ``JsonErrorsMiddleware`` turns any non-JSON error under ``/api/`` into ``{"detail": ...}``:
  Django's HTML 404 page for an unknown API path, ninja's plain-text 405, the HTML 500
  page after an unhandled exception, and whatever else answers with HTML there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from ninja import NinjaAPI
from ninja.operation import Operation

from openjobcenter.api.schemas import ErrorOut, RateLimitedOut, ValidationErrorOut

API_PREFIX = "/api/"


def standard_answers(operation: Operation, path: str) -> dict[int, Any]:
    """The error statuses (with body schema) that ``operation`` at ``path`` can answer."""
    answers: dict[int, Any] = {}
    if operation.auth_callbacks:
        answers[401] = ErrorOut
        answers[403] = ErrorOut
    if "{" in path or operation.auth_callbacks:
        # Tenant-scoped: "missing" and "not yours" (no customer profile, another job
        # centre's staff, module switched off) are the same 404.
        answers[404] = ErrorOut
    if operation.models:
        answers[422] = ValidationErrorOut
    if operation.throttle_objects:
        answers[429] = RateLimitedOut
    answers[503] = ErrorOut
    return answers


def document_standard_answers(api: NinjaAPI) -> None:
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                # ninja answers a plain return value with the lone declared status, or 200
                # when several are declared: an operation whose success is not 200 (201,
                # 204) returns Status(...) itself, so adding statuses here changes nothing.
                declared = operation.response_models
                for status, schema in standard_answers(operation, path).items():
                    if status not in declared:
                        declared[status] = operation._create_response_model(schema)


class JsonErrorsMiddleware:
    """Answers errors under ``/api/`` as JSON ``{"detail": ...}`` whoever produced them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        try:
            detail = HTTPStatus(status).phrase
        except ValueError:
            detail = "Error"
        replacement = HttpResponse(
            json.dumps({"detail": detail}), status=status, content_type="application/json"
        )
        for header in ("Allow", "Retry-After", "Vary"):
            if header in response:
                replacement[header] = response[header]
        replacement.cookies = response.cookies
        return replacement

"""The API operations anyone may call without logging in: an explicit allow-list.

``NinjaAPI(auth=session_or_token)`` makes every operation authenticated unless it says
``auth=None``; an operation that says so must be listed here (method, path as in the
OpenAPI document), and ``tests/test_api_public.py`` fails when the two differ. All of them
answer reference data that is the same for everyone (which job centre is responsible,
forms, JSON Schemas, document kinds) or compute without storing (the benefit calculator). The OpenAPI document and its docs page
(``/api/v1/openapi.json``, ``/api/v1/docs``) are public too; they are not operations.
"""

from __future__ import annotations

PUBLIC_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/v1/jobcenters"),
        ("GET", "/api/v1/jobcenters/lookup"),
        ("GET", "/api/v1/jobcenters/{slug}"),
        ("POST", "/api/v1/benefits/calculate"),
        ("GET", "/api/v1/forms/"),
        ("GET", "/api/v1/forms/{key}"),
        ("GET", "/api/v1/schemas/"),
        ("GET", "/api/v1/schemas/{name}/{version}"),
        ("GET", "/api/v1/documents/kinds"),
    }
)

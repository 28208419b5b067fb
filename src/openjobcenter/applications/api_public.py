"""Public operations of the applications API: ``/forms/`` and ``/schemas/``.

No authentication: the form definitions with their steps, fields, conditions and help
texts (optionally in another language), and the versioned JSON Schemas of submitted
data. Registered on ``api_common.router`` when ``applications/api.py`` is imported.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Status
from ninja.errors import HttpError

from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.applications import engine, schema
from openjobcenter.applications.api_common import router
from openjobcenter.applications.api_schemas import FormSummaryOut, LangQuery, SchemaRefOut

# Operation ids are pinned to those of the former single ``applications/api.py``
# (``openjobcenter_applications_api_<function>``), so generated clients keep their names.

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _language(lang: str | None) -> str | None:
    if lang is None:
        return None
    if lang not in LANGUAGES:
        raise HttpError(422, f"Unknown language; one of: {', '.join(LANGUAGES)}")
    return lang


@router.get(
    "/forms/",
    response=list[FormSummaryOut],
    auth=None,
    tags=["forms"],
    operation_id="openjobcenter_applications_api_list_forms",
)
def list_forms(request: HttpRequest, params: Query[LangQuery]) -> list[dict[str, Any]]:
    """Every form definition (all versions): key, version, kind, title."""
    lang = _language(params.lang)
    with translation.override(lang or translation.get_language()):
        return [
            {
                "key": d.key,
                "version": d.version,
                "kind": d.kind,
                "title": str(d.title),
                "description": str(d.description),
                "url": f"/api/v1/forms/{d.key}?version={d.version}",
            }
            for d in engine.all_definitions()
        ]


@router.get(
    "/forms/{key}",
    response={200: dict[str, Any], 404: ErrorOut, 422: ValidationErrorOut},
    auth=None,
    tags=["forms"],
    operation_id="openjobcenter_applications_api_get_form",
)
def get_form(request: HttpRequest, key: str, params: Query[LangQuery]) -> Any:
    """One definition with its steps, fields, conditions (``show_if``) and help texts."""
    lang = _language(params.lang)
    try:
        definition = (
            engine.get_definition(key, params.version)
            if params.version
            else engine.latest_definition(key)
        )
    except KeyError:
        return Status(404, {"detail": "No such form"})
    return engine.definition_as_json(definition, lang)


@router.get(
    "/schemas/",
    response=list[SchemaRefOut],
    auth=None,
    tags=["schemas"],
    operation_id="openjobcenter_applications_api_list_schemas",
)
def list_schemas(request: HttpRequest) -> list[dict[str, Any]]:
    """The published JSON Schemas of submitted data, one per name and version."""
    return [
        {
            "name": name,
            "version": v,
            "id": f"{schema.BASE_ID}/{name}/{v}",
            "url": f"/api/v1/schemas/{name}/{v}",
        }
        for name, found in schema.versions().items()
        for v in found
    ]


@router.get(
    "/schemas/{name}/{version}",
    response={200: dict[str, Any], 404: ErrorOut},
    auth=None,
    tags=["schemas"],
    operation_id="openjobcenter_applications_api_get_schema",
)
def get_schema(request: HttpRequest, name: str, version: int) -> Any:
    """One JSON Schema (draft 2020-12)."""
    try:
        return schema.get_schema(name, version)
    except KeyError:
        return Status(404, {"detail": "No such schema"})

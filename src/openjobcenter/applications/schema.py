"""The versioned JSON Schema of submitted application data.

``Application.submitted_data`` (what the hand-off backends send and the staff JSON
download contains) follows the schema named ``application`` in the version the data's
``$schema`` names. The schema is generated from the form definitions of that version,
so a new form version with new fields means a new schema version beside the old one
(never a change to a published one). Published at ``/api/v1/schemas/`` and
``/api/v1/schemas/{name}/{version}`` so adapters (Fachverfahren, e-file) can be written
and checked against it.
"""

from __future__ import annotations

from typing import Any

from openjobcenter.applications import engine, fim
from openjobcenter.applications.engine import CONFIRM_SUFFIX, FieldType, FormDefinition

BASE_ID = "https://openjobcenter.de/schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

MONEY = {"type": "string", "pattern": r"^[0-9]{1,9}(\.[0-9]{1,2})?$"}
DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
PERSON_ID = {"type": "string", "pattern": r"^p[1-9][0-9]?$"}


def _field_schema(f: engine.Field) -> dict[str, Any]:
    match f.type:
        case FieldType.TEXT | FieldType.TEXTAREA | FieldType.PHONE:
            limit = engine.MAX_TEXTAREA if f.type == FieldType.TEXTAREA else f.max_length
            return {"type": "string", "maxLength": limit}
        case FieldType.EMAIL:
            return {"type": "string", "maxLength": f.max_length, "format": "email"}
        case FieldType.POSTCODE:
            return {"type": "string", "pattern": r"^[0-9]{5}$"}
        case FieldType.DATE:
            return dict(DATE)
        case FieldType.CHOICE:
            return {"type": "string", "enum": [c.value for c in f.choices]}
        case FieldType.MULTI:
            return {
                "type": "array",
                "items": {"type": "string", "enum": [c.value for c in f.choices]},
                "uniqueItems": True,
            }
        case FieldType.YESNO:
            return {"type": "string", "enum": ["yes", "no"]}
        case FieldType.MONEY:
            return dict(MONEY)
        case FieldType.INTEGER:
            out: dict[str, Any] = {"type": "integer", "minimum": f.min_value or 0}
            if f.max_value is not None:
                out["maximum"] = f.max_value
            return out
        case FieldType.DECIMAL:
            return {"type": "string", "pattern": r"^[0-9]{1,6}(\.[0-9]{1,2})?$"}
        case FieldType.IBAN:
            return {"type": "string", "pattern": r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"}
        case FieldType.TAX_ID:
            return {"type": "string", "pattern": r"^[1-9][0-9]{10}$"}
        case FieldType.PENSION_NUMBER:
            return {"type": "string", "pattern": r"^[0-9]{8}[A-Z][0-9]{3}$"}
        case FieldType.CONFIRM:
            return {"type": "boolean"}
        case FieldType.PERSONS:
            return {
                "type": "array",
                "maxItems": engine.MAX_PERSONS - 1,
                "items": {"$ref": "#/$defs/member"},
            }
    return {}  # pragma: no cover - every type is handled above


def _step_schema(step: engine.Step) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for f in step.fields:
        props[f.key] = fim.annotate(f.key, {**_field_schema(f), "title": str(f.label)})
        if f.confirm_above is not None:
            props[f.key + CONFIRM_SUFFIX] = {"type": "boolean"}
    return {
        "type": "object",
        "title": str(step.title),
        "properties": props,
        "additionalProperties": False,
    }


def _answers_schema(definition: FormDefinition) -> dict[str, Any]:
    props: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for step in definition.steps:
        if step.per_person is not None:
            patterns[f"^{step.key}:p[1-9][0-9]?$"] = _step_schema(step)
        else:
            props[step.key] = _step_schema(step)
    return {
        "type": "object",
        "properties": props,
        "patternProperties": patterns,
        "additionalProperties": False,
    }


def versions() -> dict[str, list[int]]:
    """Published schema names and their versions."""
    found = sorted({d.version for d in engine.all_definitions()})
    return {"application": found}


def application_schema(version: int) -> dict[str, Any]:
    """The JSON Schema of ``submitted_data`` for form definitions of ``version``.

    ``KeyError`` when there is no such version."""
    definitions = [d for d in engine.all_definitions() if d.version == version]
    if not definitions:
        raise KeyError(version)
    branches = [
        {
            "if": {"properties": {"form": {"properties": {"key": {"const": d.key}}}}},
            "then": {"properties": {"answers": _answers_schema(d)}},
        }
        for d in definitions
    ]
    nullable_date_time = {"type": ["string", "null"], "format": "date-time"}
    return {
        "$schema": DIALECT,
        "$id": f"{BASE_ID}/application/{version}",
        "title": "OpenJobcenter: submitted application",
        "description": (
            "Language-neutral data of a submitted application (Erstantrag, "
            "Weiterbewilligungsantrag, Veränderungsmitteilung). Field keys and canonical "
            "values: money as decimal strings in euros, dates as ISO 8601, yes/no as "
            "'yes'/'no', choices by key. Per-person steps are keyed '<step>:<person id>'."
        ),
        "type": "object",
        "required": ["$schema", "form", "kind", "reference", "jobcenter", "persons", "answers"],
        "properties": {
            "$schema": {"type": "string", "const": f"{BASE_ID}/application/{version}"},
            "form": {
                "type": "object",
                "required": ["key", "version"],
                "properties": {
                    "key": {"type": "string", "enum": [d.key for d in definitions]},
                    "version": {"type": "integer", "const": version},
                },
                "additionalProperties": False,
            },
            "kind": {"type": "string", "enum": sorted({d.kind for d in definitions})},
            "reference": {"type": "string", "maxLength": 32},
            "jobcenter": {"type": "string"},
            "customer_number": {"type": ["string", "null"]},
            "filed_at": nullable_date_time,
            "submitted_at": nullable_date_time,
            "persons": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/person"}},
            "answers": {"type": "object"},
            "proofs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string"},
                        "person_id": {"anyOf": [PERSON_ID, {"type": "null"}]},
                    },
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
        "allOf": branches,
        "$defs": {
            "person": {
                "type": "object",
                "required": ["id", "role"],
                "properties": {
                    "id": PERSON_ID,
                    "role": {"type": "string", "enum": [str(r) for r in engine.PersonRole]},
                    "first_name": fim.annotate("first_name", {"type": "string", "maxLength": 100}),
                    "last_name": fim.annotate("last_name", {"type": "string", "maxLength": 100}),
                    "birth_date": fim.annotate("birth_date", {"anyOf": [DATE, {"type": "null"}]}),
                },
                "additionalProperties": False,
            },
            "member": {
                "type": "object",
                "required": ["id", "role", "first_name", "last_name", "birth_date"],
                "properties": {
                    "id": PERSON_ID,
                    "role": {"type": "string", "enum": [str(r) for r in engine.MEMBER_ROLES]},
                    "first_name": fim.annotate("first_name", {"type": "string", "maxLength": 100}),
                    "last_name": fim.annotate("last_name", {"type": "string", "maxLength": 100}),
                    "birth_date": fim.annotate(
                        "birth_date", {"anyOf": [DATE, {"type": "string", "maxLength": 0}]}
                    ),
                },
                "additionalProperties": False,
            },
        },
    }


def get_schema(name: str, version: int) -> dict[str, Any]:
    """A published schema; ``KeyError`` when the name or version is unknown."""
    if name != "application":
        raise KeyError(name)
    return application_schema(version)
